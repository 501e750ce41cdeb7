"""The quality race: this project's presets against SDV's TVAE, side by side on the same split.

For each table (80 % train split stratified on its target, seed 0): fit time (wall, including
preprocessing), SDMetrics quality with column shapes and pair trends (synthetic rows as many as
the training rows, against the training split), and train-on-synthetic / test-on-real scores
(HistGradientBoosting on the 20 % held out: macro-F1 for a label), the DCR share (synthetic rows
closer to a training row than to a held-out one: about 50 % means no memorising; higher means
rows are copied or nearly so), then the ratios against TVAE.

Each system also gets the detection AUC (a gradient-boosted classifier telling real from
synthetic rows, 3-fold, 0.5 ideal; ``synth_core.evaluation.detection``) and the number of
generated rows that copy a training row found only once in the training split ("unique copies").
The presets' rows are drawn without the copy filter (``remove_copies=False``), so what the model
itself generates is scored; the app and ``sample`` remove such copies by default.

Setup (bench-only requirements): .venv/bin/pip install -r requirements-bench.txt
Run:   .venv/bin/python bench/bench_race.py [--tables adult,breast_cancer,orders]
           [--systems tvae-300,tvae-50,quick,balanced,best,argn:best] [--seed 0]
           [--set key=value ...]
A system is ``tvae-EPOCHS``, a preset name (the recommended model type), or ``TYPE:PRESET`` for
a preset of another model type (``argn:quick``, ``vaegan:best``). ``--set`` overrides a setting
of this project's presets (for trying variations), for example ``--set adversarial_weight=0``.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tables import TABLES  # noqa: E402

from synth_core.evaluation.detection import detection_score  # noqa: E402
from synth_core.evaluation.evaluate import quality_scores, sdmetrics_metadata  # noqa: E402
from synth_core.evaluation.privacy_scores import privacy_scores  # noqa: E402
from synth_core.evaluation.usefulness import ml_utility  # noqa: E402
from synth_core.models.variants import VARIANTS  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.synthesizer import Synthesizer  # noqa: E402
from synth_core.tables.hashing import row_hashes  # noqa: E402
from synth_core.tables.split import holdout_split  # noqa: E402
from synth_core.training.presets import PRESETS, preset_config  # noqa: E402

DEFAULT_SYSTEMS = "tvae-300,tvae-50,quick,best"


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
    """("best", "argn") for "argn:best"; ("best", None) for "best" (the recommended type)."""
    variant, _, preset = system.rpartition(":")
    return preset, variant or None


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
    return (lambda n: synth.sample(n, seed=seed + 1, remove_copies=False)), info


def unique_copies(train, synthetic, columns: list[str]) -> int:
    """Synthetic rows equal to a training row that occurs only once in the training rows."""
    real = row_hashes(train[columns])
    values, counts = np.unique(real, return_counts=True)
    return int(np.isin(row_hashes(synthetic[columns]), values[counts == 1]).sum())


def run(system: str, table, train, test, schema, seed: int, settings: dict) -> dict:
    start = time.perf_counter()
    if system.startswith("tvae-"):
        sample, info = fit_tvae(train, schema, int(system.split("-")[1]), seed)
    else:
        sample, info = fit_preset(train, schema, system, seed, settings)
    fit_s = time.perf_counter() - start
    synthetic = sample(len(train))
    sample_s = time.perf_counter() - start - fit_s
    scores = quality_scores(train, synthetic, schema)
    utility = ml_utility(train, synthetic, test, schema.included, table.target, seed=seed)
    privacy = privacy_scores(train, synthetic, schema.included, holdout=test, seed=seed)
    detection = detection_score(train, synthetic, schema.included, seed=seed)
    return {
        "dcr": privacy.dcr_share,
        "detection": detection.auc,
        "copies": unique_copies(train, synthetic, schema.included_names),
        "system": system,
        "fit_s": fit_s,
        "sample_s": sample_s,
        "quality": scores.quality,
        "shapes": scores.column_shapes,
        "trends": scores.column_pair_trends,
        "tstr": utility.synthetic,
        "real": utility.real,
        "metric": utility.metric,
        **info,
    }


def known_preset(system: str) -> bool:
    preset, variant = preset_and_variant(system)
    return preset in PRESETS and (variant is None or variant in VARIANTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--systems", default=DEFAULT_SYSTEMS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    settings = {}
    for item in args.set:
        key, value = item.split("=", 1)
        settings[key] = ast.literal_eval(value)
    systems = args.systems.split(",")
    unknown = [s for s in systems if not s.startswith("tvae-") and not known_preset(s)]
    if unknown:
        parser.error(f"unknown systems: {unknown}")
    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    warnings.filterwarnings("ignore")
    print(
        f"load average at the start {os.getloadavg()[0]:.2f}; torch threads "
        f"{torch.get_num_threads()}; preset overrides {settings or 'none'}"
    )
    for name in args.tables.split(","):
        table = TABLES[name]()
        train, test = holdout_split(table.frame, 0.2, seed=args.seed, stratify=table.target)
        schema = infer_schema(train)
        print(
            f"\n## {table.name} ({table.about}); {len(train):,} training rows, target "
            f"{table.target}"
        )
        print(
            "| system | fit s | sample s | epochs (kept) | quality | shapes | trends | "
            "detection AUC | TSTR | real | DCR | unique copies |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        results = []
        for system in systems:
            r = run(system, table, train, test, schema, args.seed, settings)
            results.append(r)
            kept = f" ({r['best epoch']})" if r.get("best epoch") else ""
            print(
                f"| {system} | {r['fit_s']:.1f} | {r['sample_s']:.1f} | {r['epochs']}{kept} | "
                f"{r['quality']:.3f} | {r['shapes']:.3f} | {r['trends']:.3f} | "
                f"{r['detection']:.3f} | {r['tstr']:.3f} | {r['real']:.3f} | {r['dcr']:.0%} | "
                f"{r['copies']} |",
                flush=True,
            )
        for r in results:
            if r.get("warnings"):
                print(f"{r['system']}: health warnings at the end: {', '.join(r['warnings'])}")
        reference = next((r for r in results if r["system"].startswith("tvae-")), None)
        if reference is not None:
            for r in results:
                if r is reference:
                    continue
                print(
                    f"{r['system']} vs {reference['system']}: time "
                    f"{r['fit_s'] / reference['fit_s']:.2f}x, quality "
                    f"{r['quality'] - reference['quality']:+.3f}, shapes "
                    f"{r['shapes'] - reference['shapes']:+.3f}, trends "
                    f"{r['trends'] - reference['trends']:+.3f}, detection "
                    f"{r['detection'] - reference['detection']:+.3f}, TSTR "
                    f"{r['tstr'] - reference['tstr']:+.3f} ({r['metric']})"
                )
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
