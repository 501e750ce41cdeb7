"""The ``.synth`` format's versions: which ones this Synth Studio reads, and how the model.json
of an earlier version is brought up to today's.

To change the format: raise ``FORMAT_VERSION``, add to ``UPGRADES`` a function that turns the
previous version's model.json into the new one's (it gets untrusted JSON: the checks of
``modelcheck`` run after it), and commit a small model file of the new format to
``tests/fixtures/models`` with the rows it gives for seed 7 (``tests/unit/test_modelformat.py``
loads every one). Files of every earlier version keep loading; a file of a newer version is
refused with a message naming the version it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from synth_core.errors import ModelFileError
from synth_core.version import __version__

FORMAT = "synth-studio-model"
FORMAT_VERSION = 3  # written by this Synth Studio
FIRST_VERSION = 1  # the oldest format it reads
#: version -> a function turning a model.json of that version into one of the next version.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # Version 2 may encode a date as its calendar parts (``encoding.calendar_parts``); a date
    # of version 1, one number, is read as it is.
    1: lambda model: model,
    # Version 3 may keep a date's part that every real date shares as a constant instead of
    # learning it (a date of version 2 learns them all), and mends a later date at a gap
    # few real rows have: not in the rules of earlier files, whose rows stay as they were.
    2: lambda model: _with_order_rules(model, far_gaps_mended=False),
}


def _with_order_rules(model: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``model`` with ``fields`` set in each of its order rules (anything else as it is: the
    file's checks judge it later)."""
    rules = model.get("rules") if isinstance(model, dict) else None
    if not isinstance(rules, list):
        return model
    marked = [
        rule | fields if isinstance(rule, dict) and rule.get("kind") == "order" else rule
        for rule in rules
    ]
    return model | {"rules": marked}


RELEASE = re.compile(r"\d{1,4}(\.\d{1,4}){0,3}([a-z]{1,5}\d{0,4})?")


def manifest_fields() -> dict[str, Any]:
    """What a new file's manifest says about its format."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "saved_by": __version__}


def check_version(manifest: dict[str, Any]) -> int:
    """The format version of a file whose manifest is ``manifest``, once this Synth Studio reads
    it; a newer one is refused naming the version needed, a missing or odd one as foreign."""
    version = manifest.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool):
        if FIRST_VERSION <= version <= FORMAT_VERSION:
            return version
        if version > FORMAT_VERSION:
            raise _newer(version, manifest.get("saved_by"))
    raise ModelFileError(
        f"This model file has format version {str(version)[:20]}, but this Synth Studio reads "
        f"versions {FIRST_VERSION} to {FORMAT_VERSION}. Train the model again here."
    )


def upgrade(model: dict[str, Any], version: int) -> dict[str, Any]:
    """``model`` (model.json of format ``version``) as today's format."""
    for step in range(version, FORMAT_VERSION):
        model = UPGRADES[step](model)
    return model


def _newer(version: int, saved_by: Any) -> ModelFileError:
    needed = (
        f"Synth Studio {saved_by} or later"
        if isinstance(saved_by, str) and RELEASE.fullmatch(saved_by)
        else "a Synth Studio that reads it"
    )
    return ModelFileError(
        f"This model file has format version {version}, newer than this Synth Studio "
        f"({__version__}) reads (up to version {FORMAT_VERSION}). Open it with {needed}. "
        "Train the model again to use it here."
    )
