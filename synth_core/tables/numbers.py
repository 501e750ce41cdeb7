"""Numbers in text cells: the file's decimal and thousands separators, and parsing columns.

Numbers are recognised a whole column at a time: its distinct values joined by newlines and
matched by one regular expression, far faster than a Python call per value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synth_core.tables.cells import NUMBER_GAP_WORDS, FactorisedColumn
from synth_core.tables.styles import style_of


def _joined(values: list[str]) -> str | None:
    """The values joined by newlines, the typographic minus (U+2212, as word processors and
    web pages write '−19.42') read as a minus; None when a value holds a newline (never a
    number)."""
    joined = "\n".join(values)
    if joined.count("\n") != len(values) - 1:
        return None
    return joined.replace("\u2212", "-")


def _each_line(pattern: str) -> re.Pattern:
    """A pattern that fully matches newline-joined values when every value matches."""
    return re.compile(rf"(?:{pattern})(?:\n(?:{pattern}))*", re.ASCII)


def _every_line(pattern: str) -> re.Pattern:
    """A pattern whose findall() returns the newline-joined values that match."""
    return re.compile(rf"^(?:{pattern})$", re.ASCII | re.MULTILINE)


# Thousands groups must start with 1-9 so that "0.123" is never read as 123.
_COMMA_DECIMAL_EVIDENCE = _every_line(
    r"[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,})|0,\d+|[1-9]\d{0,2}(?:\.\d{3}){2,})"
)
_DOT_DECIMAL_EVIDENCE = _every_line(
    r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+\.\d+|\d*\.(?:\d{1,2}|\d{4,})|0\.\d+|[1-9]\d{0,2}(?:,\d{3}){2,})"
)
_NUMBERISH = _each_line(r"[+-]?[.,' \xa0\u202f]*\d[\d.,' \xa0\u202f]*(?:[eE][+-]?\d+)?")
_EVIDENCE_SAMPLE = 5_000  # distinct values per column: plenty to judge a style, and fast
_PLAIN_INTEGERS = _each_line(r"[+-]?\d+")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")  # an address such as '196.106.235.163'
_INTEGER_CHARACTERS = re.compile(r"[0-9+\-\n]*", re.ASCII)
_LEADING_ZERO = re.compile(r"^[+-]?0\d", re.ASCII | re.MULTILINE)
_THOUSANDS_CANDIDATES = (".", ",", " ", "\xa0", "\u202f", "'")


def detect_number_style(columns: list[FactorisedColumn]) -> tuple[str, str | None]:
    """Decide the file's decimal and thousands separators from number-like columns.

    Only columns whose present values all look like numbers vote, so text such as "3,5 kg" or
    a list "1,2" in a text column cannot flip the decision. Unambiguous forms vote: "3,5",
    "0,25", "1.234,56", "1.234.567" for a decimal comma; their mirror images for a decimal point.
    "1.234" alone is ambiguous and does not vote. A tie means a decimal point.
    """
    texts = []
    for column in columns:
        # Words for "no value" among numbers ('unknown') do not keep a column from voting.
        sample = column.present()[:_EVIDENCE_SAMPLE]
        present = [value for value in sample if value.lower() not in NUMBER_GAP_WORDS]
        joined = _joined(present)
        if not joined or not _NUMBERISH.fullmatch(joined) or _PLAIN_INTEGERS.fullmatch(joined):
            continue
        if sum(map(bool, map(_IPV4.fullmatch, present))) * 2 < len(present):
            texts.append(joined)
    comma = sum(len(_COMMA_DECIMAL_EVIDENCE.findall(text)) for text in texts)
    dot = sum(len(_DOT_DECIMAL_EVIDENCE.findall(text)) for text in texts)
    decimal = "," if comma > dot else "."
    best, best_count = None, 0
    for separator in _THOUSANDS_CANDIDATES:
        if separator == decimal:
            continue
        sep, point = re.escape(separator), re.escape(decimal)
        grouped = _every_line(rf"[+-]?[1-9]\d{{0,2}}(?:{sep}\d{{3}})+(?:{point}\d+)?")
        count = sum(len(grouped.findall(text)) for text in texts)
        if count > best_count:
            best, best_count = separator, count
    return decimal, best


class NumberParser:
    """Turns a factorised column into a numeric or text array under one number style."""

    def __init__(self, decimal: str, thousands: str | None) -> None:
        self.decimal = decimal
        self.thousands = thousands
        whole = r"\d+"
        if thousands is not None:
            whole = rf"(?:[1-9]\d{{0,2}}(?:{re.escape(thousands)}\d{{3}})+|\d+)"
        point = re.escape(decimal)
        self.numbers = _each_line(rf"[+-]?(?:{whole}(?:{point}\d*)?|{point}\d+)(?:[eE][+-]?\d+)?")
        self.characters = re.compile(rf"[0-9+\-eE\n{point}]*", re.ASCII)

    def convert(self, column: FactorisedColumn) -> np.ndarray:
        """Return the column's cells as int64, float64, or object (str and NaN)."""
        present = ~column.missing
        if not present.any():
            return np.full(len(column.codes), np.nan)  # nothing to go on: float64, like pandas
        numbers = self._parse(column.present())
        if numbers is not None:
            any_missing = bool(column.missing[column.codes].any())
            if numbers.dtype == np.int64 and not any_missing:
                full = np.zeros(len(column.values), dtype=np.int64)
                full[present] = numbers
                return full.take(column.codes)
            if numbers.dtype != np.int64 or np.abs(numbers).max() <= 2**53:
                full = np.full(len(column.values), np.nan)
                full[present] = numbers
                return full.take(column.codes)
            # else: float64 would silently change these integers; keep them as text
        text = column.values.copy()
        text[column.missing] = np.nan
        return text.take(column.codes)

    def _parse(self, present: list[str]) -> np.ndarray | None:
        """int64 or float64 values for ``present``, or None if they are not all numbers."""
        joined = _joined(present)
        if joined is None:
            return None
        if self.thousands is not None and self.thousands in joined:
            if not self.numbers.fullmatch(joined):
                return None
            joined = joined.replace(self.thousands, "")
        elif not self.characters.fullmatch(joined):
            # Only digits, signs, "e" and the decimal separator from here on, so float() and
            # int() below are exactly as strict as self.numbers, and much faster.
            return None
        if _LEADING_ZERO.search(joined):
            return None  # codes such as ZIP "01234": keep the zero
        if self.decimal != ".":
            joined = joined.replace(self.decimal, ".")
        strings = np.array(joined.split("\n"), dtype=object)
        try:
            if _INTEGER_CHARACTERS.fullmatch(joined):
                return strings.astype(np.int64)
            floats = strings.astype(np.float64)
        except ValueError:
            return None  # e.g. "1-2" or "e5"
        except OverflowError:
            return None  # longer than any int64: an identifier, keep it as text
        return floats if np.isfinite(floats).all() else None  # not e.g. "1e999"


# Money and percentages as people write them: '$1,234.50', '1.234,50 €', '12%', '-£3.20'.
# A currency's symbol or ISO code ('DKK 1,683,748', '1.683.748 kr.', '12,50 EUR').
_CURRENCY = (
    r"(?:[$€£¥]|R\$|kr\.?|zł|Fr\.|USD|EUR|GBP|JPY|CHF|DKK|SEK|NOK|ISK|CAD|AUD|NZD|CNY|INR|BRL|"
    r"MXN|ZAR|PLN|CZK|HUF|TRY|KRW|SGD|HKD)"
)
_FORMATTED = (
    rf"^(?P<sign>[+-]?)(?P<pre>(?:(?:US)?{_CURRENCY} ?)?)(?P<body>\d[\d.,' \xa0\u202f]*?)"
    rf"(?P<post>(?:[ \xa0]?(?:{_CURRENCY}|%))?)$"
)
_GROUP_SPACES = r"[ \xa0\u202f']"
_PARENTHESISED = r"(?:(?:US)?[$€£¥] ?)?\([^()]*\d[^()]*\)"


def formatted_numbers(column: FactorisedColumn) -> tuple[np.ndarray, str] | None:
    """The column's cells as float64 when every present value is a number written with one
    currency symbol or a percent sign (the number as shown: '12%' is 12), or plain with its
    negatives in parentheses ('(0.04)'), each column in its own style ('1.234,50 €' beside
    '$1,234.50'), with the style's pattern ('$#,##0.00', see ``synth_core.tables.styles``);
    None otherwise."""
    present = column.present()
    if not present:
        return None
    texts = pd.Series(present, dtype=object)
    # Accounting's negatives: '($5,000.00)', '$(5,000.00)'.
    parenthesised = texts.str.fullmatch(_PARENTHESISED)
    texts = texts.where(~parenthesised, "-" + texts.str.replace(r"[()]", "", regex=True))
    parts = texts.str.extract(_FORMATTED)
    if parts["body"].isna().any():
        return None
    marks = (parts["pre"] + parts["post"]).str.strip()
    if marks.nunique() > 1:
        return None
    # Without a currency or percent sign, only accounting's negatives beside plain positives
    # ('19.42', '(0.04)'): a column of '(3)' alone is labels.
    if (marks == "").all() and not (parenthesised.any() and not parenthesised.all()):
        return None
    body = parts["body"].str.replace(_GROUP_SPACES, "", regex=True)
    comma_decimal = (
        body.str.contains(r",\d{1,2}$").any() and not body.str.contains(r"\.\d{1,2}$").any()
    )
    decimal, thousands = (",", ".") if comma_decimal else (".", ",")
    if not body.str.fullmatch(_grouped(decimal, thousands)).all():
        # Dots that group thousands without a decimal comma anywhere ('kr. 1.683.748').
        decimal, thousands = thousands, decimal
        if not body.str.fullmatch(_grouped(decimal, thousands)).all():
            return None
    plain = body.str.replace(thousands, "", regex=False).str.replace(decimal, ".", regex=False)
    numbers = plain.astype(np.float64).to_numpy() * np.where(parts["sign"] == "-", -1.0, 1.0)
    full = np.full(len(column.values), np.nan)
    full[~column.missing] = numbers
    # Thousands grouped by spaces ('1 007,50 €') are read without them, and written with them.
    spaces = parts["body"].str.extract(rf"\d({_GROUP_SPACES})\d{{3}}")[0].dropna()
    if len(spaces):
        body, thousands = parts["body"], _commonest(spaces)
    pattern = style_of(
        _commonest(parts["pre"]),
        _commonest(parts["post"]),
        body,
        decimal,
        thousands,
        bool(parenthesised.any()),
    )
    return full.take(column.codes), pattern


def _grouped(decimal: str, thousands: str) -> str:
    """A number with its thousands grouped by ``thousands`` (or not grouped) and ``decimal``."""
    group, point = re.escape(thousands), re.escape(decimal)
    return rf"(?:[1-9]\d{{0,2}}(?:{group}\d{{3}})+|\d+)(?:{point}\d+)?"


def _commonest(texts: pd.Series) -> str:
    return str(texts.mode().iloc[0])
