"""Business rules, off against on: how many synthetic rows obey what every real row obeys.

Adult (the app's bundled sample; ``../shared/data/adult.csv`` when present): the share of
synthetic rows whose ``education`` and ``education-num`` pair as in the real table, and the
SDMetrics quality. The sales table of ``tests/sales_table.py`` (``sales_with_rules``: order and
ship dates, a category / sub-category hierarchy, city / state, Sales = Unit Price × Quantity):
the date order, the hierarchy and the total. Each with the recommended model (argn) and the Quick
demo preset, 80 % of the rows learned (seed 0); also the time rule discovery takes on Adult.

``--variant vaegan`` (or any model type) trains that model type with the same preset instead.

Run: .venv/bin/python bench/bench_rules.py [--rows 10000] [--table adult|sales|both]
    [--variant argn]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import synth_core as sc  # noqa: E402
from synth_core.evaluation.evaluate import quality_scores  # noqa: E402
from synth_core.rules import discover_rules, obeyed_shares  # noqa: E402
from tests.sales_table import sales_with_rules  # noqa: E402

SHARED_ADULT = ROOT.parent / "shared" / "data" / "adult.csv"


def adult():
    frame = sc.read_table(SHARED_ADULT).frame if SHARED_ADULT.exists() else sc.load_demo().frame
    return frame, {"education ↔ education-num": "education and education-num"}


def sales():
    watched = {
        "date order": "Ship Date is on or after",
        "hierarchy": "each Sub-Category belongs",
        "city → state": "each City belongs",
        "total": "Sales = ",
    }
    return sales_with_rules(10_000, seed=0), watched


def measure(name: str, frame, watched: dict[str, str], rows: int, variant: str) -> None:
    schema = sc.infer_schema(frame)
    started = time.perf_counter()
    found = discover_rules(frame, schema)
    found_s = time.perf_counter() - started
    print(f"{name} ({variant}): {len(frame):,} rows, {len(found)} rules found in {found_s:.3f} s")
    train, _ = sc.holdout_split(frame, 0.2, seed=0)
    for label, rules in (("off", []), ("on", None)):
        config = sc.preset_config("quick", seed=0, variant=variant)
        started = time.perf_counter()
        synth = sc.Synthesizer(config).fit(train, schema, rules=rules)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        result = synth.generate(rows, seed=1)
        sample_s = time.perf_counter() - started
        shares = dict(zip(found, obeyed_shares(result.frame, found, schema), strict=True))
        picked = {
            key: next(s for rule, s in shares.items() if rule.describe(schema).startswith(words))
            for key, words in watched.items()
        }
        quality = quality_scores(train[synth.columns], result.frame[synth.columns], schema)
        print(
            f"  rules {label:<3} ({len(synth.rules_)} kept): "
            + ", ".join(f"{key} {share:.1%}" for key, share in picked.items())
            + f"; quality {quality.quality:.3f} (shapes {quality.column_shapes:.3f}, "
            f"pairs {quality.column_pair_trends:.3f}); fit {fit_s:.1f} s, "
            f"{rows:,} rows in {sample_s:.1f} s, {result.rule_rejected} rejected"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--table", choices=["adult", "sales", "both"], default="both")
    parser.add_argument("--variant", default="argn")
    args = parser.parse_args()
    if args.table in ("adult", "both"):
        measure("Adult", *adult(), args.rows, args.variant)
    if args.table in ("sales", "both"):
        measure("Sales", *sales(), args.rows, args.variant)


if __name__ == "__main__":
    main()
