"""The handoff zip: the synthetic table (CSV, and .xlsx where it fits), the report, the
manifest and the README. Never the real data; the model file only when asked for.

``make_bundle`` does it all from a model (what ``python -m synth_core bundle`` runs);
``build_bundle`` packs rows already made (what the app's Download page uses).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from synth_core.evaluation.evaluate import evaluate
from synth_core.handoff import generation as gen
from synth_core.handoff.facts import privacy_facts
from synth_core.handoff.generation import Generation, Made
from synth_core.handoff.layout import CSV, MANIFEST, MODEL, README, REPORT, XLSX
from synth_core.handoff.manifest import build_manifest
from synth_core.handoff.readme import WHAT_EACH_FILE_IS, readme_text
from synth_core.handoff.request import Request
from synth_core.reporting.report import html_report
from synth_core.synthesizer import Synthesizer
from synth_core.tables import to_csv_bytes, to_xlsx_bytes

if TYPE_CHECKING:
    from synth_core.evaluation.evaluate import Evaluation
    from synth_core.training.progress import ProgressSnapshot

EXCEL_MAX_ROWS = 1_048_575  # an Excel sheet's rows, less the header
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Contents:
    """What goes into a bundle besides the manifest and the README."""

    csv: bytes
    frame: pd.DataFrame  # the same rows, for the .xlsx
    generation: Generation
    model_file: bytes  # hashed for the manifest; packed only with ``include_model``
    report: str | None = None  # the HTML report, when the rows were scored
    evaluation: Evaluation | None = None
    include_model: bool = False


def make_bundle(
    synth: Synthesizer, model_file: bytes, request: Request, real: pd.DataFrame | None = None
) -> bytes:
    """A bundle of new rows from ``synth`` (read from ``model_file``). With ``real`` (the table
    given to ``fit``) the near-copy filter applies and the rows are scored."""
    split = gen.real_rows(synth, real) if real is not None else None
    near = gen.near_copies_for(synth, split)
    made = gen.generate(synth, request.rows, request.seed, request.conditions, near)
    evaluation = report = None
    if split is not None:
        evaluation = score(synth, made, split, request.target)
        report = recipient_report(synth, made.generation, evaluation)
    contents = Contents(
        made.csv,
        made.frame,
        made.generation,
        model_file,
        report,
        evaluation,
        request.include_model,
    )
    return build_bundle(synth, contents)


def bundle_of_rows(
    synth: Synthesizer,
    frame: pd.DataFrame,
    generation: Generation,
    evaluation: Evaluation | None = None,
    include_model: bool = False,
    settings: dict[str, Any] | None = None,
    training: ProgressSnapshot | None = None,
) -> bytes:
    """A bundle of rows already made (the app's): ``evaluation``, when given, scored exactly
    these rows; ``settings`` and the ``training`` record go to the report."""
    csv = to_csv_bytes(frame, synth.schema_.written_as)
    report = None
    if evaluation is not None:
        report = recipient_report(synth, generation, evaluation, settings, training)
    contents = Contents(csv, frame, generation, synth.to_bytes(), report, evaluation, include_model)
    return build_bundle(synth, contents)


def score(
    synth: Synthesizer, made: Made, split: gen.RealRows, target: str | None = None
) -> Evaluation:
    """The scores of ``made`` against the real rows, as the Compare page works them out."""
    columns = synth.columns
    return evaluate(
        split.train[columns],
        made.frame[columns],
        synth.schema_,
        holdout=split.holdout[columns] if len(split.holdout) else None,
        target=target,
        seed=synth.config_.seed,
    )


def recipient_report(
    synth: Synthesizer,
    generation: Generation,
    evaluation: Evaluation,
    settings: dict[str, Any] | None = None,
    training: ProgressSnapshot | None = None,
) -> str:
    """The HTML report for a recipient: no real row in it (the closest pairs are left out)."""
    run = {
        "Model type": synth.config_.variant,
        "Columns learned": ", ".join(synth.columns),
        "Rows generated": generation.rows,
        "Generation seed": generation.seed,
        **(settings or {}),
    }
    return html_report(
        evaluation,
        title="Synthetic data handoff: report",
        settings=run,
        privacy_facts=privacy_facts(synth, generation),
        real_rows=False,
        training=training,
    )


def build_bundle(synth: Synthesizer, contents: Contents, created=None) -> bytes:
    """The zip's bytes: every file, then the manifest with their SHA-256 sums, and the README."""
    files: dict[str, bytes] = {CSV: contents.csv}
    frame = contents.frame
    if len(frame) <= EXCEL_MAX_ROWS and frame.shape[1] <= EXCEL_MAX_COLUMNS:
        files[XLSX] = to_xlsx_bytes(frame, synth.schema_.written_as)
    if contents.report is not None:
        files[REPORT] = contents.report.encode("utf-8")
    if contents.include_model:
        files[MODEL] = contents.model_file
    files[README] = readme_text(
        synth, contents.generation, list(files), contents.report is not None
    ).encode("utf-8")
    listed = {
        name: {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "what": WHAT_EACH_FILE_IS[name],
        }
        for name, data in files.items()
    }
    created = created or dt.datetime.now(dt.UTC)
    manifest = build_manifest(
        synth,
        contents.generation,
        listed,
        hashlib.sha256(contents.model_file).hexdigest(),
        contents.evaluation,
        created,
    )
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False)
    return _zipped({MANIFEST: text.encode("utf-8"), **files}, created)


def _zipped(files: dict[str, bytes], created: dt.datetime) -> bytes:
    stamp = created.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
