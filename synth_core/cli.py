"""The command line: ``python -m synth_core inspect | fit | sample | evaluate | bundle | verify``.

A thin front end on the public API. Errors print one line ``error: ...`` on stderr and exit with
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import threading
import time
from collections.abc import Sequence

import synth_core as sc
from synth_core.backends import BACKEND_ENV, BACKEND_NAMES, SHARD_FORMATS
from synth_core.config import DEVICES
from synth_core.errors import SynthError
from synth_core.evaluation.targets import default_target, default_target_note
from synth_core.evaluation.verdicts import THRESHOLDS
from synth_core.handoff import commands as handoff
from synth_core.interrupt import first_interrupt_stops
from synth_core.models.variants import VARIANTS, recommended_private, validated
from synth_core.rules import (
    default_rules,
    derived_columns,
    discover_rules,
    kept_by_default,
    rule_line,
    rule_records,
)
from synth_core.schema import FAKE, NEW_IDS, TREATMENTS, Kind, Schema, infer_schema
from synth_core.tables import MIN_ROWS, ReadLimits, read_table, write_csv
from synth_core.tables.limits import MB, ROW_LIMIT_ENV, SIZE_LIMIT_ENV
from synth_core.training.presets import (
    DEFAULT_PRESET,
    PRESETS,
    RECOMMENDED_VARIANT,
    preset_config,
)
from synth_core.wording import copies_in_words, counted, percent

EXIT_USAGE = 2
FILLED_WITH = {  # what --replace does, in words
    FAKE: "made-up values",
    NEW_IDS: "new IDs (which rows share one is random: its rows need not agree with each other)",
}
LEAVE_OUT = "none"  # --replace COLUMN=none: no column in the synthetic file
STOPPING = (
    "stopping after this epoch: the model learned so far will be saved (Ctrl+C again quits "
    "without saving)"
)
FIT_RULES_SHOWN = 15  # fit lists this many of the rules it keeps; inspect lists every one


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, like every other error
        raise SynthError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m synth_core", description="Synth Studio's engine.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    inspect = sub.add_parser("inspect", help="read a table and print the inferred column kinds")
    inspect.add_argument("file")
    inspect.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _add_column_changes(inspect)
    _add_limits(inspect)
    _add_fit(sub.add_parser("fit", help="train a model on a table and save it"))
    _add_sample(sub.add_parser("sample", help="generate rows from a saved model"))
    _add_evaluate(
        sub.add_parser(
            "evaluate", help="score a synthetic table against the real one it was learnt from"
        )
    )
    handoff.add_commands(sub)
    return parser


def _add_limits(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--row-limit",
        type=int,
        metavar="N",
        help=f"refuse tables of more rows (default {ReadLimits.max_rows:,}, or {ROW_LIMIT_ENV})",
    )
    command.add_argument(
        "--size-limit",
        type=int,
        metavar="MB",
        help=f"refuse larger files (default {ReadLimits.max_bytes // MB} MB, or {SIZE_LIMIT_ENV})",
    )


def _read(path: str, args):
    """The table at ``path``, read within the limits the command line or environment set."""
    return read_table(path, limits=ReadLimits.from_settings(args.row_limit, args.size_limit))


def _add_column_changes(parser: argparse.ArgumentParser) -> None:
    """What a person changes of the inferred columns, as on the app's Columns page."""
    parser.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="COLUMN=KIND",
        help=f"read COLUMN as KIND instead of the inferred kind (repeat for several): "
        f"{', '.join(kind.value for kind in Kind)}",
    )
    parser.add_argument(
        "--replace",
        action="append",
        default=[],
        metavar="COLUMN=HOW",
        help=f"what fills a COLUMN the model does not learn (repeat for several): "
        f"{', '.join(TREATMENTS)} or {LEAVE_OUT} (made-up values of the same shape, new IDs "
        "that never repeat a real one, a constant column's one value, or no column)",
    )


def _changed_columns(schema: Schema, args) -> Schema:
    for text in args.kind:
        name, kind = _column_setting(text, "--kind", "COLUMN=KIND", "categorical")
        schema = schema.with_changes(name, kind=kind)
    for text in args.replace:
        name, how = _column_setting(text, "--replace", "COLUMN=HOW", "fake")
        schema = schema.with_changes(name, treatment=None if how == LEAVE_OUT else how)
    return schema


def _column_setting(text: str, option: str, form: str, example: str) -> tuple[str, str]:
    name, sign, value = text.rpartition("=")
    if not sign or not name.strip() or not value.strip():
        raise SynthError(f"{option} takes {form}, such as {option} 'Zip code={example}'.")
    return name.strip(), value.strip()


def _add_fit(fit: argparse.ArgumentParser) -> None:
    fit.add_argument("data")
    _add_limits(fit)
    fit.add_argument("--out", required=True, help="model file to write (.synth)")
    fit.add_argument(
        "--variant",
        choices=list(VARIANTS),
        help=f"model type (default: the recommended one, {RECOMMENDED_VARIANT})",
    )
    fit.add_argument("--condition", help="cgan: the column to condition on")
    fit.add_argument("--columns", help="comma-separated columns to keep (default: inferred)")
    _add_column_changes(fit)
    fit.add_argument(
        "--preset",
        choices=list(PRESETS),
        default=DEFAULT_PRESET,
        help=f"quick, balanced or best: tuned settings, as in the app (default: "
        f"{DEFAULT_PRESET}); options given here override them",
    )
    fit.add_argument("--epochs", type=int)
    fit.add_argument("--batch-size", type=int)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--device", choices=DEVICES, default="auto")
    fit.add_argument("--threads", type=int, help="CPU threads for training")
    fit.add_argument(
        "--dp-epsilon",
        type=float,
        metavar="E",
        help="train with differential privacy at this ε (ctgan, wgan-gp; for example 1, 3 "
        "or 10; δ = 1/(10 rows)); the ε spent is printed and saved in the model file",
    )
    fit.add_argument(
        "--holdout",
        type=float,
        default=0.2,
        metavar="FRACTION",
        help="share of rows kept away from training for evaluation (default 0.2; 0: none)",
    )
    fit.add_argument(
        "--holdout-out", metavar="FILE.csv", help="write the held-out rows here (for evaluate)"
    )
    fit.add_argument(
        "--no-rules", action="store_true", help="keep no business rule in the generated rows"
    )
    fit.add_argument(
        "--drop-rule",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="leave out rule N as 'inspect' numbers it (repeat for several); by default every "
        "rule all real rows obey is kept",
    )
    _add_backend(fit)


def _add_backend(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--backend",
        choices=BACKEND_NAMES,
        help="where the work runs: embedded (this process, the default) or ray (RAY_ADDRESS's "
        "cluster, else a local Ray instance; pip install -r requirements-ray.txt); "
        "default: the SYNTH_BACKEND setting",
    )


def _add_sample(sample: argparse.ArgumentParser) -> None:
    sample.add_argument("model")
    sample.add_argument("--rows", type=int, required=True)
    sample.add_argument(
        "--out",
        required=True,
        help="CSV file to write; a folder (DIR/) for numbered shards plus manifest.json",
    )
    sample.add_argument(
        "--where", action="append", default=[], help="only rows where COL=VALUE (repeatable)"
    )
    sample.add_argument("--seed", type=int)
    sample.add_argument("--keep-copies", action="store_true", help="keep copies of real rows")
    sample.add_argument(
        "--near-copy-filter",
        metavar="DATA.csv",
        help="also drop rows closer to a training row than real rows usually are: DATA.csv is "
        "the table given to fit (split again with fit's default holdout share and this model's "
        "seed; the held-out part sets the threshold)",
    )
    sample.add_argument(
        "--format", choices=SHARD_FORMATS, help="shards' format (default parquet): --out DIR/"
    )
    sample.add_argument(
        "--workers", type=int, help="shards generated at once (default 1); same rows for any N"
    )
    _add_backend(sample)


def _add_evaluate(evaluate: argparse.ArgumentParser) -> None:
    evaluate.add_argument("real", help="the real rows the model was trained on")
    evaluate.add_argument("synthetic", help="the synthetic rows")
    evaluate.add_argument(
        "--target",
        help="the column to predict in the usefulness test (default: as the app picks it, the "
        "last label filled in most rows, else the last number)",
    )
    evaluate.add_argument(
        "--holdout", metavar="FILE", help="real rows the model never saw (fit --holdout-out)"
    )
    evaluate.add_argument(
        "--columns", help="comma-separated columns to compare (default: inferred from REAL)"
    )
    evaluate.add_argument("--json", dest="json_out", metavar="OUT.json", help="write every score")
    evaluate.add_argument("--html", dest="html_out", metavar="OUT.html", help="write the report")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument(
        "--max-rows", type=int, help="compare at most this many rows per table (default 50,000)"
    )
    _add_backend(evaluate)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        commands = {"inspect": _inspect, "fit": _fit, "sample": _sample, "evaluate": _evaluate}
        commands |= handoff.COMMANDS
        return commands[args.command](args)
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

    result = _read(args.file, args)
    schema = _changed_columns(infer_schema(result.frame), args)
    rows = schema.summary_rows()
    rules = discover_rules(result.frame, schema)
    if args.json:
        found = rule_records(rules, schema)
        print(json.dumps({"rows": schema.rows, "columns": rows, "rules": found}, indent=2))
        return 0
    print(f"{counted(schema.rows, 'row')}, {counted(len(rows), 'column')}")
    for note in result.info.notes:
        print(f"note: {note}")
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        mark = "+" if r["include"] else "-"
        how = FILLED_WITH.get(r.get("treatment"))
        filled = f"; filled with {how}" if how else ""
        print(f"{mark} {r['name']:<{width}}  {r['kind']:<11}  {r['reason']}{filled}")
    print(
        f"rules found ({len(rules)}; fit keeps those marked +: ranges, and rules every real "
        "row obeys):"
    )
    for number, rule in enumerate(rules, start=1):
        print(f"  {'+' if kept_by_default(rule) else '-'} {rule_line(number, rule, schema)}")
    return 0


def _fit(args) -> int:

    if args.holdout_out and args.holdout == 0:
        raise SynthError("--holdout-out needs rows held out: give --holdout a share above 0.")
    started = time.monotonic()
    frame = _read(args.data, args).frame
    schema = _changed_columns(infer_schema(frame), args)
    if args.columns:
        schema = schema.with_only(_names(args.columns))
    read_in = time.monotonic() - started
    rules = _fit_rules(args, frame, schema)
    real = frame
    frame, holdout = sc.holdout_split(frame, args.holdout, seed=args.seed)
    overrides = {
        "variant": args.variant,
        "condition_column": args.condition,
        "seed": args.seed,
        "device": args.device,
        "threads": args.threads,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "dp_epsilon": args.dp_epsilon,
    }
    if args.dp_epsilon is not None and not args.variant:
        overrides["variant"] = recommended_private().name
        print(
            f"note: --dp-epsilon trains {overrides['variant']}, the recommended model type of "
            f"those with differential privacy ({RECOMMENDED_VARIANT} has none); choose another "
            "with --variant",
            file=sys.stderr,
        )
    config = validated(preset_config(args.preset, **overrides))
    if args.epochs is not None:  # as many epochs as asked for: no time limit of the preset
        config = config.replace(max_seconds=None)
    print(
        f"read {counted(len(frame) + len(holdout), 'row')} and inferred the kinds of "
        f"{counted(len(schema.columns), 'column')} in {read_in:.1f} s",
        file=sys.stderr,
    )
    if args.backend or os.environ.get(BACKEND_ENV):
        synth, snap = sc.fit_on_backend(
            args.backend, frame, schema, config, watch=_watch_job, rules=rules
        )
    else:
        progress = sc.TrainingProgress()
        done, stop = threading.Event(), threading.Event()
        reporter = threading.Thread(target=_report, args=(progress, done), daemon=True)
        reporter.start()
        try:
            with first_interrupt_stops(stop, STOPPING):
                synth = sc.Synthesizer(config).fit(
                    frame, schema, progress=progress, stop=stop, rules=rules
                )
        finally:
            done.set()
            reporter.join()
        snap = progress.snapshot()
    synth.protect_real_rows(real)
    synth.save(args.out)
    for note in snap.notes:
        print(f"note: {note}", file=sys.stderr)
    refers = {c.name: c.refers_to for c in synth.pii_.columns if c.refers_to}
    for info in schema.columns:
        if info.name in refers:
            print(
                f"note: '{info.name}' gets new IDs drawn from those of '{refers[info.name]}', "
                "whose real values it holds: each points at another synthetic row",
                file=sys.stderr,
            )
        elif info.treatment == NEW_IDS:
            print(f"note: '{info.name}' gets {FILLED_WITH[NEW_IDS]}", file=sys.stderr)
    print(
        f"saved {args.out} ({config.variant}, {counted(snap.epoch, 'epoch')}, "
        f"{snap.rows_seen:,} rows seen, "
        f"{snap.elapsed:.1f} s)"
    )
    if len(holdout):
        kept = f"held out {len(holdout)} of {len(frame) + len(holdout)} rows from training"
        if args.holdout_out:
            write_csv(holdout, args.holdout_out, schema.written_as)
            kept += f", written to {args.holdout_out} (evaluate --holdout)"
        print(kept)
    return 0


def _fit_rules(args, frame, schema) -> list:
    """The rules fit keeps, found on the whole table as 'inspect' numbers them, and printed."""
    if args.no_rules or args.dp_epsilon is not None:
        if args.dp_epsilon is not None and not args.no_rules:
            print("note: no business rules with differential privacy (finding them reads the rows)")
        return []
    found = discover_rules(frame, schema)
    kept = default_rules(found, args.drop_rule)
    if not found:
        print("rules kept: none (no business rule was found)")
        return kept
    print(f"rules kept ({len(kept)} of {len(found)} found; --drop-rule N leaves one out):")
    shown = [(number, rule) for number, rule in enumerate(found, start=1) if rule in kept]
    for number, rule in shown[:FIT_RULES_SHOWN]:
        print(f"  {rule_line(number, rule, schema)}")
    if len(shown) > FIT_RULES_SHOWN:
        print(f"  … and {len(shown) - FIT_RULES_SHOWN} more ('inspect {args.data}' lists them all)")
    return kept


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _watch_job(progress) -> None:
    """The progress bar of a fit running on a backend (``progress.job``), until it ends."""
    done = threading.Event()
    reporter = threading.Thread(target=_report, args=(progress, done), daemon=True)
    reporter.start()
    try:
        progress.job.join()
    finally:
        done.set()
        reporter.join()


def _report(progress, done: threading.Event) -> None:
    """Draw a progress bar on a terminal; plain lines every 10 % otherwise. Health warnings
    print as they appear, and those still holding at the end once more if not yet shown."""
    tty = sys.stderr.isatty()
    last_decile, shown, stage = -1, set(), ""
    while not done.wait(0.5 if tty else 1.0):
        snap = progress.snapshot()
        if snap.stage != stage and snap.stage != "training":
            stage = snap.stage
            clear = "\r\033[K" if tty else ""  # the progress bar's line, on a terminal
            print(f"{clear}{stage}", file=sys.stderr)
        if not snap.total_steps:
            continue
        _print_warnings(snap, shown, tty)
        line = progress_line(snap)
        if tty:
            filled = int(30 * snap.fraction)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {line}   ")
            sys.stderr.flush()
        elif int(snap.fraction * 10) > last_decile:
            last_decile = int(snap.fraction * 10)
            print(line, file=sys.stderr)
    if tty:
        sys.stderr.write("\n")
    _print_warnings(progress.snapshot(), shown, False)


def progress_line(snap) -> str:
    """One line on a run: epoch, latest losses, the discriminator's accuracy on real and on
    synthetic rows, the latest quality estimate, time left."""
    parts = [f"epoch {snap.epoch}/{snap.total_epochs}"]
    losses = {k: v[-1] for k, v in snap.steps.items() if v}
    g, d = losses.get("generator_loss"), losses.get("discriminator_loss")
    if g is not None and d is not None:
        parts.append(f"G {g:+.3f}  D {d:+.3f}")
    if "likelihood_loss" in losses:  # a likelihood model: its loss on training / held-out rows
        parts.append(f"NLL {losses['likelihood_loss']:.3f} / {losses['validation_loss']:.3f}")
    if snap.accuracy:
        _, real, fake = snap.accuracy[-1]
        parts.append(f"D right {real * 100:.0f} % real / {fake * 100:.0f} % synthetic")
    if snap.fidelity:
        parts.append(f"quality {snap.fidelity[-1][1] * 100:.0f} %")
    if snap.rows_seen:
        parts.append(f"{snap.rows_seen:,} rows seen")
    if snap.eta is not None:
        parts.append(f"{snap.eta:.0f} s left")
    return "  ".join(parts)


def _print_warnings(snap, shown: set[str], tty: bool) -> None:
    for warning in snap.warnings:
        if warning.key in shown:
            continue
        shown.add(warning.key)
        word = "note" if warning.level == "info" else "warning"
        prefix = "\r\033[K" if tty else ""  # clear the progress bar's line first
        print(f"{prefix}{word}: {warning.text()}", file=sys.stderr)


def _sample(args) -> int:

    if args.rows < 0:
        raise SynthError("--rows must be 0 or more.")
    if _wants_shards(args):
        return _sample_shards(args)
    conditions = {}
    for where in args.where:
        column, sep, value = where.partition("=")
        if not sep or not column.strip():
            raise SynthError("--where needs the form COLUMN=VALUE, for example income=>50K.")
        conditions[column.strip()] = value.strip()
    synth = sc.Synthesizer.load(args.model)
    near = _near_copy_filter(synth, args.near_copy_filter) if args.near_copy_filter else None
    started = time.monotonic()
    copies = near_copies = common = rejected = 0

    def chunks():
        nonlocal copies, near_copies, common, rejected
        for chunk in synth.iter_chunks(
            args.rows, conditions, args.seed, not args.keep_copies, near_copies=near
        ):
            copies += chunk.copies_removed
            near_copies += chunk.near_copies_removed
            common += chunk.common_copies_kept
            rejected += chunk.rule_rejected
            yield chunk.frame

    written = write_csv(chunks(), args.out, synth.schema_.written_as)
    elapsed = time.monotonic() - started
    rare_below = synth.copy_rule_.rare_below
    removed = "copies kept" if args.keep_copies else copies_in_words(copies, common, rare_below)
    if near is not None:
        removed += f", {near_copies} near copies removed ({near.describe()})"
    if synth.rules_:
        removed += (
            f", {counted(len(synth.rules_), 'business rule')} kept: "
            f"{counted(rejected, 'row')} rejected"
        )
    print(f"wrote {written} rows to {args.out} in {elapsed:.1f} s ({removed})")
    return 0


def _wants_shards(args) -> bool:
    folder = args.out.endswith(("/", os.sep)) or os.path.isdir(args.out)
    return folder or any(v is not None for v in (args.format, args.workers, args.backend))


def _sample_shards(args) -> int:
    """Numbered shards plus a manifest in the folder --out, on the chosen backend."""
    if args.where or args.near_copy_filter:
        raise SynthError(
            "--where and --near-copy-filter write one CSV file: give --out FILE.csv, without "
            "--format, --workers or --backend."
        )
    manifest = sc.sample_to_shards(
        args.backend,
        args.model,
        args.rows,
        args.out,
        fmt=args.format or "parquet",
        seed=args.seed,
        workers=args.workers or 1,
        remove_copies=not args.keep_copies,
    )
    removed = (
        "copies kept"
        if args.keep_copies
        else f"{manifest.copies_removed} rare copies removed, {manifest.common_copies_kept} "
        "common combinations kept"
    )
    print(
        f"wrote {manifest.rows} rows to {args.out} in {len(manifest.shards)} {manifest.fmt} "
        f"shards with {manifest.workers} worker(s) on {manifest.backend} in "
        f"{manifest.seconds:.1f} s ({removed}); list: manifest.json"
    )
    return 0


def _near_copy_filter(synth, path: str):
    """The near-copy filter for ``synth`` from the table it was fitted on."""

    frame = read_table(path).frame
    absent = [name for name in synth.columns if name not in frame.columns]
    if absent:
        raise SynthError(f"{path} lacks {_quoted(absent)}, which the model learned.")
    train, holdout = sc.holdout_split(frame, seed=synth.config_.seed)
    infos = [synth.schema_[name] for name in synth.columns]
    return sc.near_copy_filter(train[synth.columns], holdout[synth.columns], infos)


def _evaluate(args) -> int:
    real, synthetic, holdout, schema = _evaluation_inputs(args)
    if args.max_rows is not None and args.max_rows < 100:
        raise SynthError("--max-rows must be at least 100.")
    rules = discover_rules(real, schema)  # every rule the real rows (nearly) all obey
    args.target = args.target or _default_target(schema, derived_columns(rules))
    if args.backend:
        return _evaluate_on_backend(args, real, synthetic, holdout, schema)
    evaluation = sc.evaluate(
        real,
        synthetic,
        schema,
        holdout=holdout,
        target=args.target,
        seed=args.seed,
        **({"max_rows": args.max_rows} if args.max_rows else {}),
        rules=rules,
    )
    _print_summary(evaluation)
    if args.json_out:
        text = json.dumps(evaluation.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        _write_text(args.json_out, text)
        print(f"wrote {args.json_out}")
    if args.html_out:
        settings = {
            "Real file": args.real,
            "Synthetic file": args.synthetic,
            "Holdout file": args.holdout or "none",
            "Target column": args.target or "none",
            "Seed": args.seed,
        }
        _write_text(args.html_out, sc.html_report(evaluation, settings=settings))
        print(f"wrote {args.html_out}")
    return 0


def _default_target(schema, derived: set[str]) -> str | None:
    """The column the app would offer to predict; what was chosen is said on stderr."""
    target = default_target(schema, derived)
    print(f"note: {default_target_note(target)}", file=sys.stderr)
    return target


def _evaluate_on_backend(args, real, synthetic, holdout, schema) -> int:
    """Exact statistics over the whole tables on the backend, the scores on a seeded sample."""
    if holdout is not None or args.html_out:
        raise SynthError("--backend scores big tables without --holdout or --html.")
    scored = sc.evaluate_on_backend(
        args.backend, real, synthetic, schema, args.max_rows or 50_000, args.seed, args.target
    )
    _print_summary(scored.scores)
    print(f"note: {scored.describe_sample()}")
    for name, gap in sorted(scored.gaps().items(), key=lambda item: -item[1])[:5]:
        print(f"  largest difference in '{name}': {percent(gap)}")
    if args.json_out:
        text = json.dumps(scored.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        _write_text(args.json_out, text)
        print(f"wrote {args.json_out}")
    return 0


def _evaluation_inputs(args):
    """(real rows the model saw, synthetic rows, holdout or None, schema) from the files."""
    real = read_table(args.real).frame
    synthetic = read_table(args.synthetic).frame
    holdout = _holdout_rows(args.holdout) if args.holdout else None
    schema = infer_schema(real)
    if args.columns:
        schema = schema.with_only(_names(args.columns))
    absent = [name for name in schema.included_names if name not in synthetic.columns]
    if absent:
        shared = [name for name in schema.included_names if name in synthetic.columns]
        hint = f"--columns {','.join(shared)}" if shared else "a synthetic file made from REAL"
        raise SynthError(
            f"The synthetic file lacks {_quoted(absent)}, which the real file has. Compare "
            f"only the shared columns with {hint}, or generate the synthetic file again."
        )
    if holdout is not None:
        absent = [name for name in schema.included_names if name not in holdout.columns]
        if absent:
            raise SynthError(f"The holdout file lacks {_quoted(absent)}, which the real file has.")
        real, left_out = _without_holdout_rows(real, holdout, schema.included_names)
        if left_out and len(real) == 0:
            raise SynthError(
                f"Every row of {args.real} equals a row of the holdout file {args.holdout} in "
                "the columns compared, so no real row is left to compare with. Evaluate "
                "without --holdout, or compare more columns (--columns)."
            )
        if left_out:
            print(
                f"note: left out {counted(left_out, 'row')} of {args.real} equal to a row of "
                "the holdout file in the columns compared (the held-out rows, which the model "
                "did not train on, and any training rows just like them)",
                file=sys.stderr,
            )
    return real, synthetic, holdout, schema


def _holdout_rows(path: str):
    """The rows of the holdout file; refused, naming the file, when too few to score with."""
    limits = dataclasses.replace(ReadLimits.from_settings(), min_rows=1)
    frame = read_table(path, limits=limits).frame
    if len(frame) < MIN_ROWS:
        raise SynthError(
            f"The holdout file {path} has only {len(frame)} rows; the usefulness test and "
            f"the privacy distances need at least {MIN_ROWS}. Evaluate without --holdout, or "
            "hold out a larger share when you fit (fit --holdout 0.3)."
        )
    return frame


def _without_holdout_rows(real, holdout, columns):
    """REAL without the rows equal to a row of the holdout file in ``columns``."""

    shared = sc.exact_copy_mask(real[columns], holdout[columns])
    return real[~shared].reset_index(drop=True), int(shared.sum())


def _print_summary(evaluation) -> None:

    rows = evaluation.rows
    holdout = f", {rows['holdout']:,} holdout rows" if rows["holdout"] else ""
    print(
        f"compared {rows['synthetic']:,} synthetic with {rows['real']:,} real rows{holdout}, "
        f"{counted(len(evaluation.columns), 'column')}, in {evaluation.seconds:.1f} s"
    )
    quality, privacy, utility = evaluation.quality, evaluation.privacy, evaluation.ml_utility
    values = {
        "quality": percent(quality.quality),
        "column_shapes": percent(quality.column_shapes),
        "column_pair_trends": percent(quality.column_pair_trends),
        "diagnostic": percent(evaluation.diagnostic.score),
    }
    if utility is not None:
        values["ml_utility"] = (
            f"{utility.metric} {utility.synthetic:.2f} (real rows: {utility.real:.2f})"
        )
    detection, coverage = evaluation.detection, evaluation.precision_recall
    if detection is not None:
        values["detection"] = f"ROC AUC {detection.auc:.2f} (0.5: cannot tell them apart)"
    if coverage is not None:
        values["precision"] = percent(coverage.precision)
        values["recall"] = percent(coverage.recall)
    values |= {
        "exact_copies": f"{privacy.exact_copies:,} ({percent(privacy.exact_copy_share)}); "
        f"{privacy.common_copies:,} equal common combinations (≥ {privacy.rare_below} real rows)",
        "dcr": percent(privacy.dcr_share),
        "nndr": "–" if privacy.nndr is None else f"{privacy.nndr:.2f}",
        "privacy": evaluation.verdicts["privacy"].sentence,  # the part that sets the level
    }
    titles = {key: rule.title for key, rule in THRESHOLDS.items()} | {"privacy": "Privacy"}
    width = max(len(titles[key]) for key in values)
    for key, value in values.items():
        verdict = evaluation.verdicts.get(key)
        level = verdict.level if verdict is not None else "–"
        print(f"  {titles[key]:<{width}}  {level:<9}  {value}")
    for note in evaluation.notes:
        print(f"note: {note}")


def _quoted(names: list[str]) -> str:
    word = "column" if len(names) == 1 else "columns"
    return f"{word} " + ", ".join(f"'{name}'" for name in names)


def _write_text(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise SynthError(f"Could not write {path}: {error.strerror or error}.") from None
