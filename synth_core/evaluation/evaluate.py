"""How good and how safe a synthetic table is: fidelity, usefulness and privacy in one call.

``evaluate(real, synthetic, schema, holdout=..., target=...)`` runs SDMetrics' Quality and
Diagnostic reports (not re-implemented), per-column distributions, association matrices,
train-on-synthetic usefulness, the detection score (can a classifier tell the tables apart),
precision and recall for distributions, and the privacy checks, and puts every score in plain words
(:mod:`synth_core.evaluation.verdicts`). The parts live in their own modules; this one orchestrates.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synth_core.errors import DataError, SchemaError, check_stop
from synth_core.evaluation.associations import Associations, association_matrices
from synth_core.evaluation.detection import DETECTION_ROWS, Detection, detection_score
from synth_core.evaluation.marginals import Marginal, calendar_marginals, column_marginals
from synth_core.evaluation.precision_recall import COVERAGE_ROWS, PrecisionRecall, precision_recall
from synth_core.evaluation.privacy_scores import PrivacyScores, privacy_scores
from synth_core.evaluation.sampling import at_most
from synth_core.evaluation.sdmetrics_reports import (
    DiagnosticScores,
    QualityScores,
    diagnostic_scores,
    quality_reading,
    quality_scores,
    sdmetrics_metadata,
)
from synth_core.evaluation.usefulness import MAX_CLASSES, Utility, ml_utility, usefulness_targets
from synth_core.evaluation.validity import Validity, validity_checks
from synth_core.evaluation.verdicts import (
    PRIVACY_PARTS,
    Verdict,
    nndr_verdict,
    verdict_for,
    with_detection,
    without_distances,
    worst,
)
from synth_core.rules import Rule
from synth_core.schema import (
    DISCRETE_KINDS,
    ColumnInfo,
    Kind,
    Schema,
)
from synth_core.tables.split import holdout_split

__all__ = [
    "DEFAULT_MAX_ROWS",
    "STAGES",
    "DiagnosticScores",
    "Evaluation",
    "QualityScores",
    "evaluate",
    "quality_scores",
    "sdmetrics_metadata",
    "usefulness_targets",
]

#: The parts of an evaluation, in the order they run, with what each does in plain words.
STAGES = {
    "quality": "Comparing each column and each pair of columns (SDMetrics quality)",
    "diagnostic": "Checking that values are valid (SDMetrics diagnostic)",
    "marginals": "Drawing each column's distribution",
    "associations": "Measuring how columns relate",
    "usefulness": "Training models on synthetic and on real rows (usefulness)",
    "privacy": "Measuring distances to real rows (privacy)",
    "detection": "Training a classifier to tell the tables apart (detection)",
    "precision_recall": "Measuring realism and variety (precision and recall)",
}
DEFAULT_MAX_ROWS = 50_000  # rows per table; larger tables are subsampled (seeded)
IDENTIFIER_SHARE = {Kind.CATEGORICAL: 0.5, Kind.INTEGER: 0.95}  # distinct values / rows
FEW_TEST_ROWS = 500  # below this the usefulness and DCR scores are noisy, and the notes say so
NO_SIGNAL = 0.05  # a real-data model beats guessing by less than this: nothing to compare
UNCOMPARED_SHOWN = 5  # columns the scores leave out that the notes name


@dataclass(frozen=True)
class Evaluation:
    """Everything known about a synthetic table compared with the real one."""

    quality: QualityScores
    column_shapes_details: pd.DataFrame  # Column, Metric, Score
    pair_trends_details: pd.DataFrame  # Column 1, Column 2, Metric, Score, Real/Synthetic Corr.
    diagnostic: DiagnosticScores
    marginals: dict[str, Marginal]
    associations: Associations
    ml_utility: Utility | None
    privacy: PrivacyScores
    verdicts: dict[str, Verdict]
    notes: list[str]
    rows: dict[str, int]  # rows used: real, synthetic, holdout
    seconds: float
    columns: tuple[str, ...] = ()  # the columns compared
    seed: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per part
    detection: Detection | None = None
    precision_recall: PrecisionRecall | None = None
    validity: Validity | None = None  # business rules and basic checks
    calendars: dict[str, list[Marginal]] = field(default_factory=dict)  # by date column

    def to_dict(self) -> dict:
        """The evaluation as JSON-ready data (NaN as null)."""
        data = {
            "quality": self.quality.quality,
            "column_shapes": self.quality.column_shapes,
            "column_pair_trends": self.quality.column_pair_trends,
            "diagnostic": {
                "score": self.diagnostic.score,
                "data_validity": self.diagnostic.data_validity,
                "data_structure": self.diagnostic.data_structure,
            },
            "ml_utility": self.ml_utility.to_dict() if self.ml_utility else None,
            "privacy": self.privacy.to_dict(),
            "detection": self.detection.to_dict() if self.detection else None,
            "precision_recall": self.precision_recall.to_dict() if self.precision_recall else None,
            "validity": self.validity.to_dict() if self.validity else None,
            "verdicts": {key: verdict.to_dict() for key, verdict in self.verdicts.items()},
            "column_shapes_details": _records(self.column_shapes_details),
            "column_pair_trends_details": _records(self.pair_trends_details),
            "marginals": {name: m.to_dict() for name, m in self.marginals.items()},
            "calendars": {
                name: [m.to_dict() for m in views] for name, views in self.calendars.items()
            },
            "associations": self.associations.to_dict(),
            "notes": list(self.notes),
            "rows": dict(self.rows),
            "columns": list(self.columns),
            "seed": self.seed,
            "seconds": self.seconds,
            "timings": dict(self.timings),
        }
        return _clean(data)


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    schema: Schema,
    *,
    holdout: pd.DataFrame | None = None,
    target: str | None = None,
    seed: int = 0,
    max_rows: int = DEFAULT_MAX_ROWS,
    stop: threading.Event | None = None,
    on_stage: Callable[[str, float], None] | None = None,
    rules: Sequence[Rule] = (),
) -> Evaluation:
    """Compare ``synthetic`` with ``real`` (the rows the generator learnt from) over the
    schema's included columns.

    ``holdout``: real rows the generator never saw; usefulness is tested on them and the
    distance-to-closest-record share needs them. ``target``: the column the usefulness test
    predicts (None skips the test; see :func:`usefulness_targets`). Tables above ``max_rows``
    rows are subsampled with ``seed``, which the notes say. ``stop``: once set (by another
    thread), the evaluation ends before its next part. ``on_stage(part, fraction)``, when
    given, is called as each part starts (a key of :data:`STAGES`, with the share of the parts
    already done) and once at the end with ``("done", 1.0)``. ``rules``: business rules
    (``synth_core.rules``) whose real and synthetic shares the validity checks report.

    Raises:
        Stopped: ``stop`` was set.
        DataError: a table lacks columns of the schema, has no rows, or the target cannot be
            predicted.
    """
    started = time.perf_counter()
    notes: list[str] = []
    whole = (real, synthetic)
    real, synthetic, holdout, columns = _inputs(
        real, synthetic, holdout, schema, target, max_rows, seed, notes
    )
    infos = [schema[name] for name in columns]
    parts = [part for part in STAGES if target is not None or part != "usefulness"]
    timed = _Stopwatch(parts, on_stage, stop)
    quality, diagnostic, shapes, trends = _sdmetrics_scores(
        timed, real, synthetic, schema, columns, seed, notes
    )
    marginals, calendars = timed("marginals", _distributions, real, synthetic, infos)
    associations = timed("associations", association_matrices, real, synthetic, infos)
    utility = _usefulness(timed, real, synthetic, holdout, infos, target, seed, notes)
    privacy = _privacy(timed, real, synthetic, infos, holdout, seed, notes, whole)
    detection, coverage = _realism(timed, real, synthetic, infos, seed, notes)
    verdicts = _verdicts(quality, diagnostic, shapes, trends, utility, privacy, real, infos)
    verdicts |= _fidelity_verdicts(detection, coverage)
    if "quality" in verdicts:
        verdicts["quality"] = with_detection(verdicts["quality"], verdicts.get("detection"))
    validity = validity_checks(real, synthetic, infos, schema, rules)
    notes += _reading_notes(quality, utility, privacy, holdout, verdicts, target)
    if on_stage is not None:
        on_stage("done", 1.0)
    return Evaluation(
        quality=quality,
        column_shapes_details=shapes,
        pair_trends_details=trends,
        diagnostic=diagnostic,
        marginals=marginals,
        calendars=calendars,
        associations=associations,
        ml_utility=utility,
        privacy=privacy,
        verdicts=verdicts,
        notes=notes,
        rows=_rows_used(real, synthetic, holdout),
        seconds=time.perf_counter() - started,
        columns=tuple(columns),
        seed=seed,
        timings=timed.timings,
        detection=detection,
        precision_recall=coverage,
        validity=validity,
    )


def _distributions(
    real: pd.DataFrame, synthetic: pd.DataFrame, infos: list[ColumnInfo]
) -> tuple[dict[str, Marginal], dict[str, list[Marginal]]]:
    return column_marginals(real, synthetic, infos), calendar_marginals(real, synthetic, infos)


class _Stopwatch:
    """Runs one part of the evaluation and keeps the seconds it took under the part's name;
    says which part starts to ``on_stage``, with the share of ``parts`` done; raises ``Stopped``
    before a part once ``stop`` is set."""

    def __init__(
        self,
        parts: list[str],
        on_stage: Callable[[str, float], None] | None,
        stop: threading.Event | None = None,
    ) -> None:
        self.timings: dict[str, float] = {}
        self.parts = parts
        self.on_stage = on_stage
        self.stop = stop

    def __call__(self, part: str, compute, *args, **kwargs):
        check_stop(self.stop)
        if self.on_stage is not None:
            self.on_stage(part, len(self.timings) / len(self.parts))
        start = time.perf_counter()
        result = compute(*args, **kwargs)
        self.timings[part] = time.perf_counter() - start
        return result


# ------------------------------------------------------------------------------ inputs
def _inputs(real, synthetic, holdout, schema, target, max_rows, seed, notes):
    """The tables cut to the schema's included columns and bounded to ``max_rows`` rows (an
    empty holdout as None), and those columns; raises when they cannot be compared."""
    columns = _columns(schema, real, synthetic, holdout)
    if note := _uncompared(schema, columns):
        notes.append(note)
    if target is not None:
        _check_target(schema, columns, target)
    real = _bounded(real[columns], "real", max_rows, seed, notes)
    synthetic = _bounded(synthetic[columns], "synthetic", max_rows, seed, notes)
    if holdout is not None and len(holdout):
        holdout = _bounded(holdout[columns], "holdout", max_rows, seed, notes)
    else:
        holdout = None
    return real, synthetic, holdout, columns


def _uncompared(schema: Schema, columns: list[str]) -> str | None:
    """What a reader of the scores should know when they cover only some of the real table's
    columns: a score over one column of five is not the copy of the table it reads as."""
    others = [name for name in schema.names if name not in columns]
    if not others:
        return None
    shown = ", ".join(f"'{name}'" for name in others[:UNCOMPARED_SHOWN])
    more = f" and {len(others) - UNCOMPARED_SHOWN:,} more" if len(others) > UNCOMPARED_SHOWN else ""
    return (
        f"The scores cover {len(columns):,} of the real table's {len(schema.names):,} columns; "
        f"{shown}{more} {'is' if len(others) == 1 else 'are'} not compared (left out: "
        "identifiers, free text, personal data, "
        "constants, or columns you left out)."
    )


def _rows_used(real, synthetic, holdout) -> dict[str, int]:
    return {
        "real": len(real),
        "synthetic": len(synthetic),
        "holdout": 0 if holdout is None else len(holdout),
    }


def _columns(schema, real, synthetic, holdout) -> list[str]:
    columns = schema.included_names
    if not columns:
        raise SchemaError("No column is included, so there is nothing to compare.")
    for what, frame in (("real", real), ("synthetic", synthetic), ("holdout", holdout)):
        if frame is None:
            continue
        absent = [name for name in columns if name not in frame.columns]
        if absent:
            listed = ", ".join(f"'{name}'" for name in absent)
            raise DataError(
                f"The {what} table lacks {'column' if len(absent) == 1 else 'columns'} {listed}. "
                "Compare tables with the same columns, or leave those columns out."
            )
    for what, frame in (("real", real), ("synthetic", synthetic)):
        if len(frame) == 0:
            raise DataError(f"The {what} table has no rows, so there is nothing to compare.")
    return columns


def _check_target(schema: Schema, columns: list[str], target: str) -> None:
    if target not in schema.names:
        schema[target]  # raises with the column names and a suggestion
    allowed = [name for name in usefulness_targets(schema) if name in columns]
    if target not in allowed:
        info = schema[target]
        why = "it is left out" if not info.include else f"it holds {info.kind.value} values"
        raise DataError(
            f"Column '{target}' cannot be the column to predict: {why}. "
            f"Choose one of: {', '.join(allowed) or 'no column'}."
        )


def _bounded(frame, what, max_rows, seed, notes) -> pd.DataFrame:
    if len(frame) <= max_rows:
        return frame.reset_index(drop=True)
    notes.append(
        f"The {what} table has {len(frame):,} rows; a random {max_rows:,} of them "
        f"(seed {seed}) were compared, to keep the evaluation fast."
    )
    return at_most(frame, max_rows, seed).reset_index(drop=True)


# ------------------------------------------------------------------------------ SDMetrics
def _sdmetrics_scores(timed, real, synthetic, schema, columns, seed, notes):
    """SDMetrics' Quality and Diagnostic reports: (quality, diagnostic, column shapes details,
    pair trends details)."""
    reading = timed("quality", quality_reading, real, synthetic, schema, columns, seed)
    diagnostic = timed("diagnostic", diagnostic_scores, real, synthetic, schema, columns)
    if reading.note:
        notes.append(reading.note)
    return reading.scores, diagnostic, reading.shapes, reading.trends


# ------------------------------------------------------------------------------ usefulness
def _usefulness(timed, real, synthetic, holdout, infos, target, seed, notes) -> Utility | None:
    """Train-on-synthetic usefulness for predicting ``target``; None without a target."""
    if target is None:
        return None
    return timed("usefulness", _utility, real, synthetic, holdout, infos, target, seed, notes)


def _utility(real, synthetic, holdout, infos, target, seed, notes) -> Utility:
    values = real[target].nunique()
    if values > MAX_CLASSES and next(i for i in infos if i.name == target).kind in DISCRETE_KINDS:
        notes.append(
            f"'{target}' has {values:,} different values: the usefulness test predicts its "
            f"{MAX_CLASSES - 1} most common and groups the rest as one, to keep scoring fast."
        )
    if holdout is not None:
        return ml_utility(real, synthetic, holdout, infos, target, seed)
    try:
        train, test = holdout_split(real, seed=seed)
    except DataError:
        raise DataError(
            f"The usefulness test needs real rows to test on: pass the holdout rows, or a real "
            f"table larger than {len(real):,} rows."
        ) from None
    notes.append(
        "There was no holdout, so the usefulness test scores on a fifth of the training rows, "
        "which the generator saw: the synthetic score may look better than it is."
    )
    return ml_utility(train, synthetic, test, infos, target, seed)


# ------------------------------------------------------------------------------ privacy
def _privacy(timed, real, synthetic, infos, holdout, seed, notes, whole) -> PrivacyScores:
    """Exact copies (over the ``whole`` tables, unsampled) and distances to the training rows;
    why a score is missing goes to notes."""
    sampled = len(real) < len(whole[0]) or len(synthetic) < len(whole[1])
    privacy = timed(
        "privacy",
        privacy_scores,
        real,
        synthetic,
        infos,
        holdout,
        seed,
        whole=whole if sampled else None,
    )
    if privacy.note:
        notes.append(privacy.note)
    return privacy


# ------------------------------------------------------------------------------ realism
def _realism(timed, real, synthetic, infos, seed, notes) -> tuple[Detection, PrecisionRecall]:
    """The detection score and precision and recall, each on a seeded sample of both tables."""
    detection = timed("detection", detection_score, real, synthetic, infos, seed)
    coverage = timed("precision_recall", precision_recall, real, synthetic, infos, seed)
    if max(len(real), len(synthetic)) > min(DETECTION_ROWS, COVERAGE_ROWS):
        notes.append(
            f"The detection score compares a random {detection.rows:,} rows of each table, and "
            f"precision and recall a random {max(coverage.rows.values()):,} (seed {seed}), to "
            "keep the evaluation fast."
        )
    return detection, coverage


# ------------------------------------------------------------------------------ verdicts
def _verdicts(quality, diagnostic, shapes, trends, utility, privacy, real, infos):
    worst_column = _lowest(shapes, ["Column"])
    worst_pair = _lowest(trends, ["Column 1", "Column 2"])
    scores = {
        "quality": (quality.quality, None),
        "column_shapes": (quality.column_shapes, worst_column and f"Furthest off: {worst_column}."),
        "column_pair_trends": (
            quality.column_pair_trends,
            worst_pair and f"Least kept: {worst_pair}.",
        ),
        "diagnostic": (diagnostic.score, None),
    }
    identifiers = _identifier_like(real, infos)
    leave_out = None
    if identifiers:
        one = len(identifiers) == 1
        names = ", ".join(f"'{name}'" for name in identifiers)
        leave_out = (
            f"{names} {'looks' if one else 'look'} like an identifier: "
            f"leave {'it' if one else 'them'} out."
        )
    privacy_values = {
        "exact_copies": privacy.exact_copy_share,
        "dcr": privacy.dcr_share,
        "nndr": privacy.nndr,
    }
    scores |= {key: (privacy_values[key], leave_out) for key in PRIVACY_PARTS}
    verdicts = {}
    for key, (value, hint) in scores.items():
        if value is None or math.isnan(value):
            continue
        verdict = (
            nndr_verdict(value, privacy.nndr_holdout) if key == "nndr" else verdict_for(key, value)
        )
        if hint and verdict.level != "excellent":  # advice only where something is off
            verdict = verdict_for(key, value, hint=hint)
        verdicts[key] = verdict
    if utility is not None and (verdict := _utility_verdict(utility)) is not None:
        verdicts["ml_utility"] = verdict
    verdicts["privacy"] = without_distances(
        worst("Privacy", [verdicts[k] for k in PRIVACY_PARTS if k in verdicts]),
        measured="dcr" in verdicts,
        copies=privacy.exact_copies,
    )
    return verdicts


def _fidelity_verdicts(detection: Detection, coverage: PrecisionRecall) -> dict[str, Verdict]:
    scores = {
        "detection": detection.auc,
        "precision": coverage.precision,
        "recall": coverage.recall,
    }
    return {key: verdict_for(key, value) for key, value in scores.items() if not math.isnan(value)}


def _utility_verdict(utility: Utility) -> Verdict | None:
    if utility.real - max(utility.baseline, 0.0) < NO_SIGNAL:
        return None
    metric = utility.metric[:1].upper() + utility.metric[1:]
    hint = (
        f"{metric} {utility.synthetic:.2f} when trained on synthetic rows, "
        f"{utility.real:.2f} on real rows."
    )
    return verdict_for("ml_utility", utility.ratio, hint=hint)


def _lowest(details: pd.DataFrame, names: list[str]) -> str | None:
    scored = details.dropna(subset=["Score"]) if "Score" in details else details.iloc[:0]
    if scored.empty:
        return None
    row = scored.loc[scored["Score"].idxmin()]
    return " and ".join(f"'{row[name]}'" for name in names) + f" (score {row['Score']:.2f})"


def _identifier_like(real: pd.DataFrame, infos: list[ColumnInfo]) -> list[str]:
    """Columns with a different value in (nearly) every row: they single people out."""
    out = []
    for info in infos:
        share = IDENTIFIER_SHARE.get(info.kind)
        if share is not None and len(real) >= 20 and real[info.name].nunique() >= share * len(real):
            out.append(info.name)
    return out


# ------------------------------------------------------------------------------ notes
def _reading_notes(quality, utility, privacy, holdout, verdicts, target) -> list[str]:
    """What to keep in mind when reading the scores: where a score says less than it seems."""
    notes = []
    if utility is not None and utility.test_rows < FEW_TEST_ROWS:
        notes.append(
            f"The usefulness test scored on only {utility.test_rows:,} real rows, so its scores "
            "can move by several points from one run to the next."
        )
    if privacy.dcr_share is not None and len(holdout) < FEW_TEST_ROWS:
        notes.append(
            f"The distance-to-closest-record share compares with only {len(holdout):,} rows "
            "the model never saw, so it can move by several points from one run to the next."
        )
    if utility is not None and "ml_utility" not in verdicts:
        notes.append(
            f"Even a model trained on the real rows predicts '{target}' hardly better than "
            "guessing, so the usefulness test says little here: pick another column to predict."
        )
    if math.isnan(quality.column_pair_trends):
        notes.append(
            "No two columns are strongly related in the real table, so SDMetrics has no pair "
            "trends to compare."
        )
    return notes


# ------------------------------------------------------------------------------ JSON
def _records(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict(orient="records")


def _clean(value):
    """Plain Python values for json.dumps: NaN and infinities as None, numpy scalars unwrapped."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
