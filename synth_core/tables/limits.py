"""How much a read accepts: the bounds that protect the app, and how a breach is worded."""

from __future__ import annotations

from dataclasses import dataclass

from synth_core.errors import DataError
from synth_core.wording import human_bytes

MIN_ROWS = 20


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that protect the app from inputs that are too large, or too small to learn from."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 500
    min_rows: int = MIN_ROWS


def too_many_bytes(limits: ReadLimits, size: int) -> DataError:
    return DataError(
        f"The file is larger than the limit of {human_bytes(limits.max_bytes)} "
        f"(it has at least {human_bytes(size)}). Use a smaller sample of its rows, "
        "or split it into parts."
    )


def too_many_rows(limits: ReadLimits) -> DataError:
    return DataError(
        f"The table has more than {limits.max_rows:,} rows, the limit. Use a sample of "
        "fewer rows, or split the file into parts."
    )


def too_many_columns(limits: ReadLimits, width: int) -> DataError:
    return DataError(
        f"The table has {width:,} columns; the limit is {limits.max_columns:,}. "
        "Remove the columns you do not need, then try again."
    )
