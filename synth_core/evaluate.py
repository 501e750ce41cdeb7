"""How close a synthetic table is to the real one, scored by SDMetrics (not re-implemented)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
from sdmetrics.reports import QualityReport

from synth_core.schema import Kind, Schema

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


def sdmetrics_metadata(schema: Schema, columns: list[str] | None = None) -> dict:
    """SDMetrics' single-table metadata for the modelled columns of ``schema``."""
    names = columns if columns is not None else schema.included_names
    out = {}
    for name in names:
        info = schema[name]
        entry = {"sdtype": _SDTYPES.get(info.kind, "categorical")}
        if info.kind == Kind.DATETIME and info.datetime_format:
            entry["datetime_format"] = info.datetime_format
        out[name] = entry
    return {"columns": out}


def quality_scores(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> QualityScores:
    """Run SDMetrics' Quality Report on the columns both tables share with the schema."""
    columns = [c for c in schema.included_names if c in real.columns and c in synthetic.columns]
    metadata = {"tables": {TABLE: sdmetrics_metadata(schema, columns)}}
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(
            {TABLE: real[columns]}, {TABLE: synthetic[columns]}, metadata, verbose=False
        )
    properties = report.get_properties().set_index("Property")["Score"]
    return QualityScores(
        quality=float(report.get_score()),
        column_shapes=float(properties["Column Shapes"]),
        column_pair_trends=float(properties["Column Pair Trends"]),
    )
