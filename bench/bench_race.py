"""The quality race: this project's presets against SDV's TVAE and MOSTLY AI's TabularARGN, side
by side on the same split.

For each table (80 % train split stratified on its target, seed 0): time (fit, and the whole
system: fit plus sampling, or TabularARGN's whole process), SDMetrics quality with column shapes
and pair trends (synthetic rows as many as the training rows, against the training split),
detection (ROC AUC of a gradient-boosted classifier telling real from synthetic rows, 0.5 ideal:
``synth_core.evaluation.detection``), train-on-synthetic / test-on-real scores (HistGradientBoosting
on the 20 % held out: macro-F1 for a label, R² for a number), the DCR share (synthetic rows closer
to a training row than to a held-out one: about 50 % means no memorising), and copies of unique
real rows (synthetic rows equal to a training row that occurs once in the training split). Then,
per table and over all tables, each preset against the best competitor (TVAE, TabularARGN).

Tables: the names of ``bench/tables.py`` (the corpus of ``bench/corpus.py``, Adult, the seeded
orders table); ``corpus`` stands for every corpus table.

Setup (bench-only requirements): .venv/bin/pip install -r requirements-bench.txt; TabularARGN
needs its own venv (bench/README.md).
Run:   .venv/bin/python bench/bench_race.py [--tables adult,penguins_raw,...|corpus]
           [--systems tvae-300,tvae-50,tabularargn,quick,balanced,best] [--seed 0]
           [--tabularargn-minutes 2] [--tabularargn-python PATH] [--json results.json]
           [--repeats 3] [--set key=value ...]
A preset name trains the recommended model type; ``TYPE:PRESET`` another one (``vaegan:best``).
``--set`` overrides a setting of this project's presets (for trying variations), for example
``--set adversarial_weight=0``. ``tabularargn-N`` gives TabularARGN N minutes.
``--repeats N`` trains every system N times on the same split, with model seeds ``--seed`` to
``--seed`` + N - 1, and reports the means (TSTR with its lowest and highest): on a table of a few
hundred rows one run's TSTR moves by more than the systems differ.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synth_core.openmp import wait_briefly  # noqa: E402

wait_briefly()  # as the command line and the app do, before PyTorch is imported

from calendar_shares import calendar_score  # noqa: E402
from peers import run_tabularargn  # noqa: E402
from tables import DEFAULT_TABLES, TABLES, table_names  # noqa: E402

from synth_core.errors import DataError  # noqa: E402
from synth_core.evaluation.detection import detection_score  # noqa: E402
from synth_core.evaluation.evaluate import quality_scores, sdmetrics_metadata  # noqa: E402
from synth_core.evaluation.privacy_scores import privacy_scores  # noqa: E402
from synth_core.evaluation.usefulness import ml_utility  # noqa: E402
from synth_core.models.variants import VARIANTS  # noqa: E402
from synth_core.privacy.comparable import prepared  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.synthesizer import Synthesizer  # noqa: E402
from synth_core.tables.hashing import row_hashes  # noqa: E402
from synth_core.tables.split import holdout_split  # noqa: E402
from synth_core.training.presets import PRESETS, preset_config  # noqa: E402

DEFAULT_SYSTEMS = "tvae-300,tvae-50,quick,best"
COMPETITORS = ("tvae-", "tabularargn")  # systems that are not this project's presets


def fit_tvae(train, schema, epochs: int, seed: int):
    """SDV's TVAE with the column types of this project's schema; returns a sampler."""
    import torch
    from sdv.metadata import Metadata
    from sdv.single_table import TVAESynthesizer

    torch.manual_seed(seed)  # TVAE draws from PyTorch's global generator
    columns = sdmetrics_metadata(schema)["columns"]
    for entry in columns.values():  # SDV's booleans must be True/False; ours may be yes/no
        if entry["sdtype"] == "boolean":
            entry["sdtype"] = "categorical"
    metadata = Metadata.load_from_dict({"columns": columns}, single_table_name="table")
    model = TVAESynthesizer(metadata, epochs=epochs)
    model.fit({"table": train[schema.included_names]})  # SDV 2 takes {table name: frame}

    def sample(n: int):
        out = model.sample(n)
        return out["table"] if isinstance(out, dict) else out

    return sample, {"epochs": epochs}


def preset_and_variant(system: str) -> tuple[str, str | None]:
    """("best", "vaegan") for "vaegan:best"; ("best", None) for "best" (the recommended type)."""
    variant, _, preset = system.rpartition(":")
    return preset, variant or None


def is_preset(system: str) -> bool:
    preset, variant = preset_and_variant(system)
    return preset in PRESETS and (variant is None or variant in VARIANTS)


def fit_preset(train, schema, system: str, seed: int, settings: dict):
    preset, variant = preset_and_variant(system)
    config = preset_config(preset, seed=seed, variant=variant, **settings)
    synth = Synthesizer(config).fit(train, schema)
    snap = synth.progress_.snapshot()
    kept = snap.best_epoch if synth.config.keep_best else None  # None: the last epoch is kept
    info = {
        "epochs": snap.epoch,
        "best epoch": kept,
        "variant": synth.config.variant,
        "warnings": [warning.key for warning in snap.warnings],
    }
    return (lambda n: synth.sample(n, seed=seed + 1)), info


def fit_tabularargn(train, schema, minutes: float, seed: int, python: str | None):
    """TabularARGN in its own venv, on the columns this project learns (the same as TVAE's)."""
    columns = schema.included_names
    state = {}

    def sample(n: int):
        run = run_tabularargn(train[columns], n, minutes=minutes, seed=seed, python=python)
        state.update(run.info, process_s=run.process_s)
        return run.synthetic

    return sample, {"epochs": "-", "minutes": minutes, "peer": state}


def is_competitor(system: str) -> bool:
    return system.startswith(COMPETITORS)


def unique_copies(train, synthetic, infos) -> int:
    """Synthetic rows equal to a training row that occurs exactly once in the training split."""
    real = row_hashes(prepared(train, infos))
    values, counts = np.unique(real, return_counts=True)
    unique = values[counts == 1]
    return int(np.isin(row_hashes(prepared(synthetic, infos)), unique).sum())


def run(system: str, table, train, test, schema, seed: int, settings: dict, args) -> dict:
    """One fit of ``system`` with model seed ``seed``, scored with ``args.seed``."""
    start = time.perf_counter()
    if system.startswith("tvae-"):
        sample, info = fit_tvae(train, schema, int(system.split("-")[1]), seed)
    elif system.startswith("tabularargn"):
        minutes = float(system.split("-")[1]) if "-" in system else args.tabularargn_minutes
        sample, info = fit_tabularargn(train, schema, minutes, seed, args.tabularargn_python)
    else:
        sample, info = fit_preset(train, schema, system, seed, settings)
    fit_s = time.perf_counter() - start
    synthetic = sample(len(train))
    total_s = time.perf_counter() - start
    peer = info.pop("peer", None)
    if peer:  # TabularARGN fits and samples in one process, timed there
        fit_s, total_s = peer["fit_s"], peer["process_s"]
    infos = schema.included
    scores = quality_scores(train, synthetic, schema)
    try:
        utility = ml_utility(train, synthetic, test, infos, table.target, seed=args.seed)
        tstr, real, metric = utility.synthetic, utility.real, utility.metric
    except DataError:  # the target is left out of the schema
        tstr, real, metric = math.nan, math.nan, "-"
    privacy = privacy_scores(train, synthetic, infos, holdout=test, seed=args.seed)
    detection = detection_score(train, synthetic, infos, seed=args.seed)
    return {
        "system": system,
        "fit_s": fit_s,
        "total_s": total_s,
        "quality": scores.quality,
        "shapes": scores.column_shapes,
        "trends": scores.column_pair_trends,
        "detection": detection.auc,
        "tstr": tstr,
        "real": real,
        "metric": metric,
        "dcr": privacy.dcr_share,
        "exact_copies": privacy.exact_copies,
        "unique_copies": unique_copies(train, synthetic, infos),
        "calendar": calendar_score(train, synthetic, infos),
        **info,
    }


def run_peer_or_preset(system, table, train, test, schema, settings, args) -> dict | None:
    """``run`` with each of the ``args.repeats`` model seeds, averaged; a peer that fails on a
    table is reported and left out of it (None), so that one peer's limits do not end the race.
    This project's presets fail loudly."""
    try:
        return averaged(
            [
                run(system, table, train, test, schema, args.seed + i, settings, args)
                for i in range(args.repeats)
            ]
        )
    except Exception as error:
        if not is_competitor(system):
            raise
        print(f"{system} failed on {table.name}: {type(error).__name__}: {error}", flush=True)
        return None


def averaged(runs: list[dict]) -> dict:
    """One result from the runs of a system: the means of its figures (times included), the
    TSTR's lowest and highest, and every run's epochs."""
    if len(runs) == 1:
        return runs[0]
    result = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            values = [r[key] for r in runs if r[key] is not None]
            result[key] = float(np.mean(values)) if values else None
    result["unique_copies"] = sum(r["unique_copies"] for r in runs)
    result["epochs"] = ", ".join(str(r["epochs"]) for r in runs)
    result["best epoch"] = None
    result["tstr range"] = (min(r["tstr"] for r in runs), max(r["tstr"] for r in runs))
    return result


def print_table(results: list[dict]) -> None:
    print(
        "| system | fit s | total s | epochs (kept) | quality | shapes | trends | detection "
        "AUC | TSTR | real | DCR | copies of unique rows | calendar |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        kept = f" ({r['best epoch']})" if r.get("best epoch") else ""
        dcr = "-" if r["dcr"] is None else f"{r['dcr']:.0%}"
        print(
            f"| {r['system']} | {r['fit_s']:.1f} | {r['total_s']:.1f} | {r['epochs']}{kept} | "
            f"{r['quality']:.3f} | {r['shapes']:.3f} | {r['trends']:.3f} | "
            f"{r['detection']:.3f} | {tstr_text(r)} | {r['real']:.3f} | {dcr} | "
            f"{r['unique_copies']} | {calendar_text(r)} |",
            flush=True,
        )


def calendar_text(result: dict) -> str:
    value = result.get("calendar")
    return "-" if value is None or math.isnan(value) else f"{value:.3f}"


def tstr_text(result: dict) -> str:
    low_high = result.get("tstr range")
    text = f"{result['tstr']:.3f}"
    return text if low_high is None else f"{text} ({low_high[0]:.3f} to {low_high[1]:.3f})"


def against_best_competitor(results: list[dict]) -> list[dict]:
    """Each preset against the competitor of highest quality: ratios and differences."""
    competitors = [r for r in results if is_competitor(r["system"])]
    if not competitors:
        return []
    best = max(competitors, key=lambda r: r["quality"])
    rows = []
    for r in results:
        if is_competitor(r["system"]):
            continue
        rows.append(
            {
                "system": r["system"],
                "versus": best["system"],
                "time_ratio": r["total_s"] / best["total_s"],
                "quality": r["quality"] - best["quality"],
                "detection": r["detection"] - best["detection"],
                "tstr": r["tstr"] - best["tstr"],
                "wins": sum(
                    [
                        r["quality"] >= best["quality"] - 0.005,
                        r["detection"] <= best["detection"] + 0.01,
                        not r["tstr"] < best["tstr"] - 0.01,
                        r["total_s"] <= best["total_s"],
                    ]
                ),
            }
        )
    return rows


def print_comparisons(table: str, rows: list[dict]) -> None:
    for c in rows:
        print(
            f"{table}: {c['system']} vs {c['versus']}: time {c['time_ratio']:.2f}x, quality "
            f"{c['quality']:+.3f}, detection {c['detection']:+.3f} (lower is better), TSTR "
            f"{c['tstr']:+.3f}; matches or beats it on {c['wins']}/4 (quality, detection, TSTR, "
            "time)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(DEFAULT_TABLES))
    parser.add_argument("--systems", default=DEFAULT_SYSTEMS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--tabularargn-minutes", type=float, default=2.0)
    parser.add_argument(
        "--tabularargn-python",
        default=None,
        help="the python of TabularARGN's venv (default: $TABULARARGN_PYTHON, else "
        "/work/venvs/mostly/bin/python)",
    )
    parser.add_argument("--json", help="also write every result to this JSON file")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs of each system, one model seed each"
    )
    args = parser.parse_args()
    settings = {}
    for item in args.set:
        key, value = item.split("=", 1)
        settings[key] = ast.literal_eval(value)
    systems = args.systems.split(",")
    unknown = [s for s in systems if not is_competitor(s) and not is_preset(s)]
    if unknown:
        parser.error(f"unknown systems: {unknown}")
    try:
        names = table_names(args.tables)
    except KeyError as error:
        parser.error(str(error))
    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    warnings.filterwarnings("ignore")
    print(
        f"load average at the start {os.getloadavg()[0]:.2f}; torch threads "
        f"{torch.get_num_threads()}; preset overrides {settings or 'none'}; "
        f"{args.repeats} run(s) of each system per table"
    )
    everything: dict[str, list[dict]] = {}
    comparisons: dict[str, list[dict]] = {}
    for name in names:
        table = TABLES[name]()
        train, test = holdout_split(table.frame, 0.2, seed=args.seed, stratify=table.target)
        schema = infer_schema(train)
        print(
            f"\n## {table.name} ({table.about}); {len(train):,} training rows, "
            f"{len(schema.included)} columns learned, target {table.target}"
        )
        results = [
            r
            for s in systems
            if (r := run_peer_or_preset(s, table, train, test, schema, settings, args)) is not None
        ]
        print_table(results)
        for r in results:
            if r.get("warnings"):
                print(f"{r['system']}: health warnings at the end: {', '.join(r['warnings'])}")
        everything[name] = results
        comparisons[name] = against_best_competitor(results)
        print_comparisons(name, comparisons[name])
    print_summary(everything, comparisons, systems)
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=1, default=str))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


def print_summary(everything: dict, comparisons: dict, systems: list[str]) -> None:
    if len(everything) < 2 and not any(comparisons.values()):
        return
    print("\n## Summary over tables (means; time in total seconds)")
    print(
        "| system | tables | time s | quality | shapes | trends | detection AUC | TSTR | DCR | "
        "calendar |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for system in systems:
        rows = [r for results in everything.values() for r in results if r["system"] == system]

        def mean(key: str, rows=rows) -> float:
            values = [r[key] for r in rows if r[key] is not None and not math.isnan(r[key])]
            return float(np.mean(values)) if values else math.nan

        print(
            f"| {system} | {len(rows)} | {sum(r['total_s'] for r in rows):.0f} | "
            f"{mean('quality'):.3f} | {mean('shapes'):.3f} | {mean('trends'):.3f} | "
            f"{mean('detection'):.3f} | {mean('tstr'):.3f} | {mean('dcr'):.0%} | "
            f"{mean('calendar'):.3f} |"
        )
    presets = [s for s in systems if not is_competitor(s)]
    if not any(comparisons.values()):
        return
    print("\n## Each preset against the best competitor of each table (higher quality)")
    print(
        "| table | system | versus | time ratio | quality diff | detection diff | TSTR diff | "
        "matches or beats (of 4) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for table, rows in comparisons.items():
        for c in rows:
            print(
                f"| {table} | {c['system']} | {c['versus']} | {c['time_ratio']:.2f}x | "
                f"{c['quality']:+.3f} | {c['detection']:+.3f} | {c['tstr']:+.3f} | {c['wins']} |"
            )
    for system in presets:
        rows = [c for cs in comparisons.values() for c in cs if c["system"] == system]
        if rows:
            ratios = [c["time_ratio"] for c in rows]
            print(
                f"{system}: matches or beats the best competitor on all four in "
                f"{sum(c['wins'] == 4 for c in rows)}/{len(rows)} tables; time ratio geometric "
                f"mean {math.exp(np.mean(np.log(ratios))):.2f}x"
            )


if __name__ == "__main__":
    main()
