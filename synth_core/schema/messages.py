"""How values and column names appear in the reasons and errors people read."""

from __future__ import annotations

import difflib
from typing import Any

from synth_core.wording import shorten

LONGEST_EXAMPLE = 80  # characters of a value quoted in full in a message


def quote(value: Any, limit: int = 30) -> str:
    """``value`` in single quotes, shortened to ``limit`` characters."""
    return f"'{shorten(str(value), limit)}'"


def join_quoted(values: list[Any], limit: int = 30) -> str:
    """'a', 'b' and 'c', each shortened to ``limit`` characters, or longer (up to
    ``LONGEST_EXAMPLE``) where shortening would make two different values look the same."""
    texts = [str(value) for value in values]
    longest = min(max(map(len, texts), default=0), LONGEST_EXAMPLE)
    while limit < longest and len({shorten(t, limit) for t in texts}) < len(set(texts)):
        limit += 10
    quoted = [quote(text, limit) for text in texts]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def quoted_list(values: list[Any]) -> str:
    """'a', 'b', 'c' (longer values kept whole up to ``LONGEST_EXAMPLE`` characters)."""
    return ", ".join(quote(value, limit=LONGEST_EXAMPLE) for value in values)


def describe_value(value: Any) -> str:
    """A setting's value as a person would name it: 'nothing (null)', 'a list', '3' ..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return quote(value, limit=40) if isinstance(value, str) else repr(value)
    return {dict: "an object", list: "a list"}.get(type(value), type(value).__name__)


def unknown_columns_message(unknown: list[Any], names: list[str]) -> str:
    """There is no such column: with the nearest names, or else the columns there are."""
    suggestions = {str(name): _near_matches(str(name), names) for name in unknown}
    if len(unknown) == 1:
        name, close = next(iter(suggestions.items()))
        message = f"There is no column called {quote(name, limit=80)}."
    else:
        message = f"There are no columns called {quoted_list(list(suggestions))}."
        close = [match for matches in suggestions.values() for match in matches]
    if close:
        return message + f" Did you mean {' or '.join(quote(c, limit=80) for c in close)}?"
    listing = quoted_list(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return message + (f" The columns are: {listing}." if names else " The table has no columns.")


def _near_matches(name: str, names: list[str]) -> list[str]:
    lowered = {candidate.lower(): candidate for candidate in reversed(names)}
    matches = difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
    return [lowered[match] for match in matches]
