"""The package version, recorded in model files and reports."""

__version__ = "0.3.0"
