"""SDMetrics' Quality and Diagnostic reports on a real and a synthetic table (not
re-implemented): their scores, and the details of each column and each pair of columns.

Every pair of columns is one SDMetrics comparison, so a table of 300 columns has 44,850 of them
and minutes of waiting. A table of more than ``MAX_PAIRED_COLUMNS`` has its columns split at
random (seeded) into groups of ``GROUP_COLUMNS``, one report each: every column's shape is
measured, and the pairs within the groups stand for all pairs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sdmetrics.reports import DiagnosticReport, QualityReport

from synth_core.schema import Kind, Schema, parse_datetimes
from synth_core.wording import counted

MAX_PAIRED_COLUMNS = 100  # every pair of these many columns is compared
GROUP_COLUMNS = 50  # columns per group of a wider table
_TREND_COLUMNS = [
    "Column 1",
    "Column 2",
    "Metric",
    "Score",
    "Real Correlation",
    "Synthetic Correlation",
]
_THRESHOLD = "Meets Threshold?"  # SDMetrics' mark of the pairs its trends score averages


TABLE = "table"
_SDTYPES = {
    Kind.NUMERICAL: "numerical",
    Kind.INTEGER: "numerical",
    Kind.CATEGORICAL: "categorical",
    Kind.BOOLEAN: "boolean",
    Kind.DATETIME: "datetime",
}


@dataclass(frozen=True)
class QualityScores:
    """SDMetrics' Quality Report: the overall score and its two properties (each 0..1)."""

    quality: float
    column_shapes: float
    column_pair_trends: float


@dataclass(frozen=True)
class DiagnosticScores:
    """SDMetrics' Diagnostic Report: the overall score and its two properties (each 0..1)."""

    score: float
    data_validity: float
    data_structure: float


def sdmetrics_metadata(schema: Schema, columns: list[str] | None = None) -> dict:
    """SDMetrics' single-table metadata for the modelled columns of ``schema``."""
    names = columns if columns is not None else schema.included_names
    out = {}
    for name in names:
        info = schema[name]
        # Dates reach SDMetrics read already (``_dated``): its own reading knows neither a mix
        # of formats nor the formats of this project's own (such as '%-H' for '9:05').
        out[name] = {"sdtype": _SDTYPES.get(info.kind, "categorical")}
    return {"columns": out}


@dataclass(frozen=True)
class QualityReading:
    """The Quality Report's scores, its details per column (Column, Metric, Score) and per pair
    of columns, and the pairs compared (``pairs`` of ``all_pairs``)."""

    scores: QualityScores
    shapes: pd.DataFrame
    trends: pd.DataFrame
    pairs: int
    all_pairs: int

    @property
    def note(self) -> str | None:
        """What a reader should know when not every pair was compared."""
        if self.pairs == self.all_pairs:
            return None
        return (
            f"The table has many columns: the trends of {self.pairs:,} of its "
            f"{self.all_pairs:,} pairs of columns were compared (pairs within random groups of "
            f"{counted(GROUP_COLUMNS, 'column')}), to keep the evaluation fast."
        )


def quality_scores(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> QualityScores:
    """Run SDMetrics' Quality Report on the columns both tables share with the schema."""
    columns = [c for c in schema.included_names if c in real.columns and c in synthetic.columns]
    return quality_reading(real, synthetic, schema, columns).scores


def quality_reading(real, synthetic, schema: Schema, columns: list[str], seed: int = 0):
    """SDMetrics' Quality Report on ``columns``, in groups when there are many of them."""
    reports = [
        _report(QualityReport(), real, synthetic, schema, group)
        for group in column_groups(columns, seed)
    ]
    shapes = pd.concat(
        [_details(r, "Column Shapes", ["Column", "Metric", "Score"]) for r in reports]
    )
    trends = pd.concat(
        [_details(r, "Column Pair Trends", [*_TREND_COLUMNS, _THRESHOLD]) for r in reports],
        ignore_index=True,
    )
    if len(reports) == 1:
        scores = _scores(reports[0])
    else:
        shape_score, trend_score = shapes["Score"].mean(), _trend_score(trends)
        quality = float(np.nanmean([shape_score, trend_score]))
        scores = QualityScores(quality, float(shape_score), float(trend_score))
    all_pairs = len(columns) * (len(columns) - 1) // 2
    shown = trends[[c for c in _TREND_COLUMNS if c in trends.columns]]
    return QualityReading(scores, shapes.reset_index(drop=True), shown, len(trends), all_pairs)


def column_groups(columns: list[str], seed: int) -> list[list[str]]:
    """``columns`` as one group, or split at random (``seed``) into groups of about
    ``GROUP_COLUMNS`` when there are more than ``MAX_PAIRED_COLUMNS``."""
    if len(columns) <= MAX_PAIRED_COLUMNS:
        return [list(columns)]
    order = np.random.default_rng(seed).permutation(len(columns))
    count = -(-len(columns) // GROUP_COLUMNS)
    return [[columns[i] for i in sorted(part)] for part in np.array_split(order, count)]


def _trend_score(trends: pd.DataFrame) -> float:
    """The mean of the pairs' scores that SDMetrics averages (those meeting its threshold)."""
    if _THRESHOLD in trends.columns:
        trends = trends[trends[_THRESHOLD].astype("boolean").fillna(False)]
    return float(trends["Score"].mean())


def diagnostic_scores(real, synthetic, schema: Schema, columns: list[str]) -> DiagnosticScores:
    """SDMetrics' Diagnostic Report on ``columns`` (one comparison per column)."""
    return _diagnostic(_report(DiagnosticReport(), real, synthetic, schema, columns))


def _report(report, real, synthetic, schema, columns):
    metadata = {"tables": {TABLE: sdmetrics_metadata(schema, columns)}}
    real, synthetic = _same_number_types(
        _dated(real, schema, columns), _dated(synthetic, schema, columns)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate({TABLE: real}, {TABLE: synthetic}, metadata, verbose=False)
    return report


def _same_number_types(real: pd.DataFrame, synthetic: pd.DataFrame):
    """Both frames with a number column that is whole in one and decimal in the other read as
    decimals in both: '37' written for the real '37.0' (or a column of whole numbers with gaps,
    which pandas reads as decimals) is the same value, and the diagnostic's table structure
    would count it as a column of another type."""
    mixed = [
        name
        for name in real.columns
        if name in synthetic.columns
        and pd.api.types.is_numeric_dtype(real[name])
        and pd.api.types.is_numeric_dtype(synthetic[name])
        and not pd.api.types.is_bool_dtype(real[name])
        and not pd.api.types.is_bool_dtype(synthetic[name])
        and real[name].dtype != synthetic[name].dtype
    ]
    if not mixed:
        return real, synthetic
    decimals = dict.fromkeys(mixed, "float64")
    return real.astype(decimals), synthetic.astype(decimals)


def _dated(frame: pd.DataFrame, schema: Schema, columns: list[str]) -> pd.DataFrame:
    """``frame[columns]`` with the date columns written as text read as dates, each with its
    column's format."""
    frame = frame[columns]
    written = [
        name
        for name in columns
        if schema[name].kind == Kind.DATETIME
        and schema[name].datetime_format
        and not pd.api.types.is_datetime64_any_dtype(frame[name])
    ]
    if written:
        frame = frame.assign(
            **{name: parse_datetimes(frame[name], schema[name].datetime_format) for name in written}
        )
    return frame


def _scores(report) -> QualityScores:
    properties = report.get_properties().set_index("Property")["Score"]
    return QualityScores(
        quality=float(report.get_score()),
        column_shapes=float(properties["Column Shapes"]),
        column_pair_trends=float(properties["Column Pair Trends"]),
    )


def _diagnostic(report) -> DiagnosticScores:
    properties = report.get_properties().set_index("Property")["Score"]
    return DiagnosticScores(
        score=float(report.get_score()),
        data_validity=float(properties["Data Validity"]),
        data_structure=float(properties["Data Structure"]),
    )


def _details(report, name: str, keep: list[str]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        details = report.get_details(name)
    return details[[c for c in keep if c in details.columns]].reset_index(drop=True)
