"""Exceptions whose messages are written for a person, not a programmer.

Every message names the problem and what to do about it. The app shows ``str(error)`` as it is;
the command line prints ``error: <message>`` and exits with status 2.
"""


class SynthError(Exception):
    """Base class: something the user can fix, explained in plain words."""


class DataError(SynthError):
    """The input table cannot be read or used as it is."""


class SchemaError(SynthError):
    """A column setting or a schema file is not valid."""


class TrainingError(SynthError):
    """Training could not start or had to stop."""


class ModelFileError(SynthError):
    """A model file is damaged, foreign or from an incompatible version."""
