"""Figures in plain words, the same way everywhere: shares as percentages, sizes, long names."""

from __future__ import annotations

import math
import re

NO_VALUE = "–"
GROUPED_FROM = 10_000  # thousands are grouped from here on: 1990 (a year), 12,500


def percent(share: float | None, decimals: int = 1) -> str:
    """``0.873`` as '87.3 %' (with ``decimals`` places); '–' when there is no value."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return NO_VALUE
    return f"{share * 100:.{decimals}f} %"


def rough_percent(share: float) -> str:
    """A whole percentage that never rounds a few cells away: 'under 1 %', 'over 99 %'."""
    value = share * 100
    if 0 < value < 1:
        return "under 1 %"
    if 99 < value < 100:
        return "over 99 %"
    return f"{round(value)} %"


def human_bytes(size: int) -> str:
    """'1.5 MB', '12 KB', '300 bytes'."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def shorten(text: str, limit: int = 200) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def duration(seconds: float) -> str:
    """'45 s', '1 min 20 s', '2 h 5 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def plain_range(low: float, high: float, decimals: int | None = None) -> tuple[str, str]:
    """Both ends of a range as people write numbers: ``0.8``, ``1990`` (a year, say),
    ``12,500.5``, rounded to ``decimals`` places or in the shortest form when None; thousands
    grouped in both or in neither ('2,710.3 to 13,415.3', not '2710.3 to 13,415.3')."""
    grouped = max(abs(low), abs(high)) >= GROUPED_FROM
    return _plain(low, decimals, grouped), _plain(high, decimals, grouped)


def _plain(value: float, decimals: int | None, grouped: bool) -> str:
    grouping = "," if grouped else ""
    text = f"{value:{grouping}.{decimals}f}" if decimals is not None else f"{value:{grouping}g}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def with_decimal_comma(text: str) -> str:
    """``text`` with its numbers written with a decimal comma and '.' thousands ('12,500.5' as
    '12.500,5'), as a file written so reads them."""
    return re.sub(r"\d[\d,.]*\d", lambda m: m.group(0).translate(_COMMA_DECIMALS), text)


_COMMA_DECIMALS = str.maketrans({",": ".", ".": ","})


def counted(number: int, noun: str) -> str:
    """'1 row', '1,250 rows': ``number`` with ``noun`` made plural (an s) where it needs to be."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def copies_in_words(removed: int, kept: int, rare_below: int) -> str:
    """What the copy filter did, both counts in words (``synth_core.privacy.filters.CopyRule``)."""
    said = f"{counted(removed, 'row')} removed: copies of real rows that fewer than {rare_below} "
    said += "real rows share"
    if kept:
        said += (
            f"; {counted(kept, 'row')} kept that equal common combinations, shared by "
            f"≥ {rare_below} real rows"
        )
    return said
