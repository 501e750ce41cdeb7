"""How much a read accepts: the bounds that protect the app, and how a breach is worded.

The row and size limits are settings: ``SYNTH_MAX_ROWS`` and ``SYNTH_MAX_FILE_MB`` in the
environment (the app and the command line), or the command line's ``--row-limit`` and
``--size-limit``. README.md ("Limits") gives the memory each size needs.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from synth_core.errors import DataError, SynthError
from synth_core.wording import human_bytes

MIN_ROWS = 20
ROW_LIMIT_ENV = "SYNTH_MAX_ROWS"
SIZE_LIMIT_ENV = "SYNTH_MAX_FILE_MB"
MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that protect the app from inputs that are too large, or too small to learn from."""

    max_bytes: int = 200 * MB
    max_rows: int = 2_000_000
    max_columns: int = 500
    min_rows: int = MIN_ROWS

    @classmethod
    def from_settings(
        cls,
        max_rows: int | None = None,
        max_mb: int | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> ReadLimits:
        """The limits set by the arguments, else by the environment, else the defaults."""
        rows = max_rows if max_rows is not None else whole_number_setting(environ, ROW_LIMIT_ENV)
        size = max_mb if max_mb is not None else whole_number_setting(environ, SIZE_LIMIT_ENV)
        limits = cls()
        if rows is not None:
            limits = dataclasses.replace(limits, max_rows=_at_least(rows, MIN_ROWS, "row"))
        if size is not None:
            limits = dataclasses.replace(limits, max_bytes=_at_least(size, 1, "size") * MB)
        return limits


def whole_number_setting(environ: Mapping[str, str], name: str) -> int | None:
    """The whole number set as ``name`` in ``environ`` (``5_000_000`` and ``5,000,000`` read
    too), None when unset; a refusal naming the setting when it is not a whole number."""
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        raise SynthError(
            f"{name}={raw!r} is not a whole number. Set it to a number such as 5000000, "
            "or unset it for the default."
        ) from None


def _at_least(value: int, lowest: int, what: str) -> int:
    if value < lowest:
        unit = "rows" if what == "row" else "MB"
        raise SynthError(f"The {what} limit must be at least {lowest:,} {unit}; it is {value:,}.")
    return value


def too_many_bytes(limits: ReadLimits, size: int) -> DataError:
    return DataError(
        f"The file is larger than the limit of {human_bytes(limits.max_bytes)} "
        f"(it has at least {human_bytes(size)}). Use a smaller sample of its rows, "
        "or split it into parts; whoever runs Synth Studio can raise the limit "
        f"({SIZE_LIMIT_ENV}, or --size-limit on the command line)."
    )


def too_many_rows(limits: ReadLimits) -> DataError:
    return DataError(
        f"The table has more than {limits.max_rows:,} rows, the limit. Use a sample of "
        "fewer rows, or split the file into parts; whoever runs Synth Studio can raise the "
        f"limit ({ROW_LIMIT_ENV}, or --row-limit on the command line)."
    )


def too_many_columns(limits: ReadLimits, width: int) -> DataError:
    return DataError(
        f"The table has {width:,} columns; the limit is {limits.max_columns:,}. "
        "Remove the columns you do not need, then try again."
    )
