"""The command line: ``python -m synth_core inspect | fit | sample``.

A thin front end on the public API. Errors print one line ``error: ...`` on stderr and exit with
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence

from synth_core.errors import SynthError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, like every other error
        raise SynthError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m synth_core", description="Synth Studio's engine.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    inspect = sub.add_parser("inspect", help="read a table and print the inferred column kinds")
    inspect.add_argument("file")
    inspect.add_argument("--json", action="store_true", help="print JSON instead of a table")

    from synth_core.config import DEVICES, VARIANT_NAMES
    from synth_core.presets import PRESETS

    fit = sub.add_parser("fit", help="train a model on a table and save it")
    fit.add_argument("data")
    fit.add_argument("--out", required=True, help="model file to write (.synth)")
    fit.add_argument("--variant", choices=VARIANT_NAMES, default="ctgan")
    fit.add_argument("--condition", help="cgan: the column to condition on")
    fit.add_argument("--columns", help="comma-separated columns to keep (default: inferred)")
    fit.add_argument("--preset", choices=list(PRESETS), help="quick, balanced or best")
    fit.add_argument("--epochs", type=int)
    fit.add_argument("--batch-size", type=int)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--device", choices=DEVICES, default="auto")
    fit.add_argument("--threads", type=int, help="CPU threads for training")

    sample = sub.add_parser("sample", help="generate rows from a saved model")
    sample.add_argument("model")
    sample.add_argument("--rows", type=int, required=True)
    sample.add_argument("--out", required=True, help="CSV file to write")
    sample.add_argument("--where", help="only rows where COL=VALUE")
    sample.add_argument("--seed", type=int)
    sample.add_argument("--keep-copies", action="store_true", help="keep copies of real rows")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"inspect": _inspect, "fit": _fit, "sample": _sample}[args.command](args)
    except SynthError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exit_:  # --help exits 0 through argparse
        return int(exit_.code or 0)
    except Exception as error:  # never a traceback for the user
        print(f"error: unexpected failure ({type(error).__name__}): {error}", file=sys.stderr)
        return EXIT_USAGE


def _inspect(args) -> int:
    from synth_core.io import read_table
    from synth_core.schema import infer_schema

    result = read_table(args.file)
    schema = infer_schema(result.frame)
    rows = schema.summary_rows()
    if args.json:
        print(json.dumps({"rows": schema.rows, "columns": rows}, indent=2))
        return 0
    print(f"{schema.rows} rows, {len(rows)} columns")
    for note in result.info.notes:
        print(f"note: {note}")
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        mark = "+" if r["include"] else "-"
        print(f"{mark} {r['name']:<{width}}  {r['kind']:<11}  {r['reason']}")
    return 0


def _fit(args) -> int:
    from synth_core.config import TrainingConfig
    from synth_core.io import read_table
    from synth_core.presets import preset_config
    from synth_core.schema import infer_schema
    from synth_core.synthesizer import Synthesizer
    from synth_core.training import TrainingProgress

    frame = read_table(args.data).frame
    schema = infer_schema(frame)
    if args.columns:
        schema = schema.with_only([c.strip() for c in args.columns.split(",") if c.strip()])
    overrides = {
        "variant": args.variant,
        "condition_column": args.condition,
        "seed": args.seed,
        "device": args.device,
        "threads": args.threads,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
    }
    if args.preset:
        config = preset_config(args.preset, **overrides).validated()
    else:
        config = TrainingConfig(**{k: v for k, v in overrides.items() if v is not None}).validated()
    progress = TrainingProgress()
    done = threading.Event()
    reporter = threading.Thread(target=_report, args=(progress, done), daemon=True)
    reporter.start()
    try:
        synth = Synthesizer(config).fit(frame, schema, progress=progress)
    finally:
        done.set()
        reporter.join()
    synth.save(args.out)
    snap = progress.snapshot()
    for note in snap.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"saved {args.out} ({config.variant}, {snap.epoch} epochs, {snap.elapsed:.1f} s)")
    return 0


def _report(progress, done: threading.Event) -> None:
    """Draw a progress bar on a terminal; plain lines every 10 % otherwise."""
    tty = sys.stderr.isatty()
    last_decile = -1
    while not done.wait(0.5 if tty else 1.0):
        snap = progress.snapshot()
        if not snap.total_steps:
            continue
        losses = {k: v[-1] for k, v in snap.steps.items() if v}
        g, d = losses.get("generator_loss"), losses.get("discriminator_loss")
        loss_text = f"  G {g:+.3f}  D {d:+.3f}" if g is not None and d is not None else ""
        eta = f"{snap.eta:.0f} s left" if snap.eta is not None else ""
        line = f"epoch {snap.epoch}/{snap.total_epochs}{loss_text}  {eta}"
        if tty:
            filled = int(30 * snap.fraction)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {line}   ")
            sys.stderr.flush()
        elif int(snap.fraction * 10) > last_decile:
            last_decile = int(snap.fraction * 10)
            print(line, file=sys.stderr)
    if tty:
        sys.stderr.write("\n")


def _sample(args) -> int:
    from synth_core.io import write_csv
    from synth_core.synthesizer import Synthesizer

    if args.rows < 0:
        raise SynthError("--rows must be 0 or more.")
    conditions = None
    if args.where:
        column, sep, value = args.where.partition("=")
        if not sep or not column.strip():
            raise SynthError("--where needs the form COLUMN=VALUE, for example income=>50K.")
        conditions = {column.strip(): value.strip()}
    synth = Synthesizer.load(args.model)
    started = time.monotonic()
    copies = 0

    def chunks():
        nonlocal copies
        for chunk in synth.iter_chunks(args.rows, conditions, args.seed, not args.keep_copies):
            copies += chunk.copies_removed
            yield chunk.frame

    written = write_csv(chunks(), args.out)
    elapsed = time.monotonic() - started
    print(
        f"wrote {written} rows to {args.out} in {elapsed:.1f} s "
        f"({copies} copies of real rows removed)"
    )
    return 0
