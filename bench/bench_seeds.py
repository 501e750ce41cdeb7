"""What one setting of a preset is worth over several model seeds, against another setting.

One run of a table is one draw: on Adult the Best preset's quality ranges 0.978-0.990 between
model seeds on the same split. So a change of setting is judged over several seeds: each table is
split once (80 % train, stratified on its target, seed 0, as ``bench_race.py``), then the preset
trains with each model seed and each setting, and the race's scores are printed per seed with
their means (quality, detection AUC, TSTR) and the epochs run.

Run: .venv/bin/python bench/bench_seeds.py --tables adult,flights [--preset best]
         [--seeds 10-13] [--set validation_patience=3] [--versus validation_patience=6]
Without ``--versus`` only the ``--set`` setting (or the preset as it is) runs.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tables import TABLES, table_names  # noqa: E402

from synth_core.evaluation.detection import detection_score  # noqa: E402
from synth_core.evaluation.evaluate import quality_scores  # noqa: E402
from synth_core.evaluation.usefulness import ml_utility  # noqa: E402
from synth_core.schema import infer_schema  # noqa: E402
from synth_core.synthesizer import Synthesizer  # noqa: E402
from synth_core.tables.split import holdout_split  # noqa: E402
from synth_core.training.presets import preset_config  # noqa: E402


def settings_of(items: list[str]) -> dict:
    return {k: ast.literal_eval(v) for k, v in (item.split("=", 1) for item in items)}


def seeds_of(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def score(table, train, test, schema, preset: str, seed: int, settings: dict) -> tuple:
    synth = Synthesizer(preset_config(preset, seed=seed, **settings)).fit(train, schema)
    synthetic = synth.sample(len(train), seed=seed + 1)
    quality = quality_scores(train, synthetic, schema).quality
    detection = detection_score(train, synthetic, schema.included, seed=0).auc
    tstr = ml_utility(train, synthetic, test, schema.included, table.target, seed=0).synthetic
    return quality, detection, tstr, synth.progress_.snapshot().epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default="adult")
    parser.add_argument("--preset", default="best")
    parser.add_argument("--seeds", default="10-13", help="model seeds: FIRST-LAST")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--versus", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    warnings.filterwarnings("ignore")
    runs = [settings_of(args.set)] + ([settings_of(args.versus)] if args.versus else [])
    print(f"load average at the start {os.getloadavg()[0]:.2f}; preset {args.preset}")
    print("| table | setting | quality per seed | mean quality | mean detection | mean TSTR "
          "| epochs |\n|---|---|---|---|---|---|---|")  # fmt: skip
    for name in table_names(args.tables):
        table = TABLES[name]()
        train, test = holdout_split(table.frame, 0.2, seed=0, stratify=table.target)
        schema = infer_schema(train)
        for settings in runs:
            rows = [
                score(table, train, test, schema, args.preset, seed, settings)
                for seed in seeds_of(args.seeds)
            ]
            means = np.mean([row[:3] for row in rows], axis=0)
            print(
                f"| {name} | {settings or 'preset'} | "
                f"{', '.join(f'{row[0]:.3f}' for row in rows)} | {means[0]:.4f} | "
                f"{means[1]:.3f} | {means[2]:.3f} | {', '.join(str(row[3]) for row in rows)} |",
                flush=True,
            )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
