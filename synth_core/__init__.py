"""Synth Studio's engine: read a table, learn it, sample, evaluate, save.

A plain Python library with no Streamlit import; the app and ``python -m synth_core`` are two thin
front ends on this public API. Names are imported on first use, so ``import synth_core`` stays
fast and ``inspect`` never loads torch::

    import synth_core as sc

    table = sc.read_table("data.csv").frame
    schema = sc.infer_schema(table)
    model = sc.Synthesizer(sc.preset_config("quick")).fit(table, schema)
    synthetic = model.sample(1000)
    scores = sc.evaluate(table, synthetic, schema)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synth_core.errors import DataError, ModelFileError, SchemaError, SynthError, TrainingError
from synth_core.version import __version__

#: Public name -> the module that defines it.
_LAZY = {
    "TrainingConfig": "synth_core.config",
    "read_table": "synth_core.tables.read",
    "write_csv": "synth_core.tables.write",
    "holdout_split": "synth_core.tables.split",
    "load_demo": "synth_core.tables.datasets",
    "Schema": "synth_core.schema",
    "infer_schema": "synth_core.schema",
    "VARIANTS": "synth_core.models.variants",
    "config_for": "synth_core.models.variants",
    "PRESETS": "synth_core.training.presets",
    "preset_config": "synth_core.training.presets",
    "TrainingProgress": "synth_core.training.loop",
    "Synthesizer": "synth_core.synthesizer",
    "TrainingJob": "synth_core.jobs",
    "make_bundle": "synth_core.handoff.bundle",
    "verify_bundle": "synth_core.handoff.verify",
    "near_copy_filter": "synth_core.privacy.filters",
    "evaluate": "synth_core.evaluation.evaluate",
    "exact_copy_mask": "synth_core.evaluation.privacy_scores",
    "html_report": "synth_core.reporting.report",
    "backend_for": "synth_core.backends.choice",
    "fit_on_backend": "synth_core.backends.commands",
    "sample_to_shards": "synth_core.backends.commands",
    "evaluate_on_backend": "synth_core.backends.commands",
}

__all__ = [
    "PRESETS",
    "VARIANTS",
    "DataError",
    "ModelFileError",
    "Schema",
    "SchemaError",
    "SynthError",
    "Synthesizer",
    "TrainingConfig",
    "TrainingError",
    "TrainingJob",
    "TrainingProgress",
    "__version__",
    "backend_for",
    "config_for",
    "evaluate",
    "evaluate_on_backend",
    "exact_copy_mask",
    "fit_on_backend",
    "holdout_split",
    "html_report",
    "infer_schema",
    "load_demo",
    "make_bundle",
    "near_copy_filter",
    "preset_config",
    "read_table",
    "sample_to_shards",
    "verify_bundle",
    "write_csv",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'synth_core' has no attribute '{name}'")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:
    from synth_core.backends.choice import backend_for
    from synth_core.backends.commands import (
        evaluate_on_backend,
        fit_on_backend,
        sample_to_shards,
    )
    from synth_core.config import TrainingConfig
    from synth_core.evaluation.evaluate import evaluate
    from synth_core.evaluation.privacy_scores import exact_copy_mask
    from synth_core.handoff.bundle import make_bundle
    from synth_core.handoff.verify import verify_bundle
    from synth_core.jobs import TrainingJob
    from synth_core.models.variants import VARIANTS, config_for
    from synth_core.privacy.filters import near_copy_filter
    from synth_core.reporting.report import html_report
    from synth_core.schema import Schema, infer_schema
    from synth_core.synthesizer import Synthesizer
    from synth_core.tables.datasets import load_demo
    from synth_core.tables.read import read_table
    from synth_core.tables.split import holdout_split
    from synth_core.tables.write import write_csv
    from synth_core.training.loop import TrainingProgress
    from synth_core.training.presets import PRESETS, preset_config
