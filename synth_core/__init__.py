"""Synth Studio's engine: read a table, learn it with a GAN, sample, evaluate, save.

A plain Python library with no Streamlit import; the app and ``python -m synth_core`` are two thin
front ends on this public API.
"""

from synth_core.errors import DataError, ModelFileError, SchemaError, SynthError, TrainingError

__all__ = [
    "DataError",
    "ModelFileError",
    "SchemaError",
    "SynthError",
    "TrainingError",
]
__version__ = "0.1.0"
