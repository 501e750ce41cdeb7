"""The command line's handoff commands: ``bundle`` and ``verify`` (registered by ``cli``).

The model code is reached through the lazy public API, so that ``verify`` (and the command
line's start) never imports torch."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import synth_core as sc
from synth_core.errors import SynthError
from synth_core.evaluation.targets import default_target, default_target_note
from synth_core.handoff.request import Request
from synth_core.handoff.verify import NotIntact, verify_bundle
from synth_core.rules import derived_columns
from synth_core.tables import read_table

EXIT_NOT_INTACT = 1


def add_commands(sub) -> None:
    """Add ``bundle`` and ``verify`` to the command line's subcommands."""
    bundle = sub.add_parser(
        "bundle",
        help="make a handoff zip: synthetic rows, report, manifest and README for a recipient",
    )
    bundle.add_argument("model", help="the model file (.synth)")
    bundle.add_argument("--rows", type=int, required=True)
    bundle.add_argument("--out", required=True, help="the zip to write (handoff.zip)")
    bundle.add_argument("--seed", type=int, help="default: the model's seed")
    bundle.add_argument(
        "--where", action="append", metavar="COL=VALUE", help="only rows where COL=VALUE"
    )
    bundle.add_argument(
        "--data",
        metavar="REAL.csv",
        help="the table given to fit: scores the rows (the report) and removes near copies",
    )
    bundle.add_argument(
        "--target", help="with --data: the column to predict in the usefulness test"
    )
    bundle.add_argument(
        "--include-model",
        action="store_true",
        help="add the model file (it can remember real rows: only for people who may see them)",
    )
    verify = sub.add_parser("verify", help="check that a handoff zip is intact")
    verify.add_argument("bundle", help="the handoff zip")


def conditions_from(texts: list[str] | None) -> dict[str, str]:
    """{column: value} from ``--where COL=VALUE`` options."""
    conditions = {}
    for text in texts or []:
        column, sep, value = text.partition("=")
        if not sep or not column.strip():
            raise SynthError("--where needs the form COLUMN=VALUE, for example income=>50K.")
        conditions[column.strip()] = value.strip()
    return conditions


def run_bundle(args: argparse.Namespace) -> int:
    if args.rows < 1:
        raise SynthError("--rows must be at least 1.")
    synth = sc.Synthesizer.load(args.model)  # refuses a missing, changed or foreign file
    if args.target and not args.data:
        raise SynthError("--target needs --data: the usefulness test trains on the real table.")
    real = read_table(args.data).frame if args.data else None
    target = args.target
    if real is not None and target is None:
        target = default_target(synth.schema_, derived_columns(synth.rules_))
        print(f"note: {default_target_note(target)}", file=sys.stderr)
    request = Request(args.rows, args.seed, conditions_from(args.where), target, args.include_model)
    zipped = sc.make_bundle(synth, Path(args.model).read_bytes(), request, real)
    _write(args.out, zipped)
    scored = "scored, with the report" if real is not None else "not scored (give --data)"
    print(f"wrote {args.out} ({len(zipped):,} bytes; {scored})")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    try:
        verified = verify_bundle(args.bundle)
    except NotIntact as error:
        print(f"error: not intact: {error}", file=sys.stderr)
        return EXIT_NOT_INTACT
    print(verified.sentence())
    return 0


COMMANDS = {"bundle": run_bundle, "verify": run_verify}


def _write(path: str, data: bytes) -> None:
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise SynthError(f"Could not write {path}: {error.strerror or error}.") from None
