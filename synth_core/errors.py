"""Exceptions whose messages are written for a person, not a programmer.

Every message names the problem and what to do about it. The app shows ``str(error)`` as it is;
the command line prints ``error: <message>`` and exits with status 2.
"""

from threading import Event


class SynthError(Exception):
    """Base class: something the user can fix, explained in plain words."""


class DataError(SynthError):
    """The input table cannot be read or used as it is."""


class SchemaError(SynthError):
    """A column setting or a schema file is not valid."""


class TrainingError(SynthError):
    """Training could not start or had to stop."""


class RuleError(SynthError):
    """A business rule cannot be kept: it names columns of the wrong kinds, the real table
    breaks it, or conditions asked together break it."""


class ModelFileError(SynthError):
    """A model file is damaged, foreign or from an incompatible version."""


class Stopped(SynthError):
    """A run was stopped on request before it made anything: no model, no rows, no scores."""


def check_stop(stop: Event | None) -> None:
    """Raise ``Stopped`` once ``stop`` is set: the cooperative stop that long steps call between
    their parts (a column, a chunk, a score), so that Stop takes effect in every phase."""
    if stop is not None and stop.is_set():
        raise Stopped("Stopped on request before anything was made.")
