"""How a column of money or percentages was written ('$1,234.50', '1.234,50 €', '12%'), as a short
pattern that the reader records and the writer applies to generated numbers.

A pattern is written the way spreadsheets write number formats: ``$#,##0.00``, ``#.##0,00 €``,
``0%``, ``0.0%``, ``0.000000e+00`` (scientific notation). What comes before and after the digits
is kept as it is (the currency symbol or the percent sign, with any space); ``#,##0`` means
thousands are grouped with ','; the zeros after the decimal separator say how many decimals are
written. A separator followed by exactly ``##0`` groups thousands; any other separator is the
decimal one. Accounting's negatives in parentheses (``($5,000.00)``) add the spreadsheet's
section for negative numbers: ``$#,##0.00;($#,##0.00)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

NUMBER_STYLES = "number_styles"  # key of ``DataFrame.attrs``: {column: pattern} as read
GENERAL = "General"  # Excel's pattern for numbers as short as they read
GENERAL_COMMA = "General (decimal comma)"  # the same in a file of decimal commas ('0,512')

_PATTERN = re.compile(r"^(?P<pre>[^#0]*)(?P<digits>[#0][#0.,' \xa0\u202f]*0|0)(?P<post>[^#0]*)$")
_GROUPED = re.compile(r"^#(?P<sep>[.,' \xa0\u202f])##0(?:(?P<point>[.,])(?P<zeros>0+))?$")
_PLAIN = re.compile(r"^0(?:(?P<point>[.,])(?P<zeros>0+))?$")
_SCIENTIFIC = re.compile(r"^0(?:(?P<point>[.,])(?P<zeros>0+))?(?P<e>[eE])\+00$")


@dataclass(frozen=True)
class NumberStyle:
    """How the numbers of one column are written."""

    prefix: str = ""
    suffix: str = ""
    decimal: str = "."
    thousands: str | None = None
    decimals: int = 0
    parenthesised: bool = False  # negatives written '($5,000.00)', as accountants write them
    exponent: str = ""  # 'e' or 'E': scientific notation ('8.198567e-01', pattern '0.000000e+00')
    # Excel's General: each number as short as it reads, whole ones without decimals ('80',
    # '0.512'), where a column mixes them; a plain float would be written '80.0'.
    general: bool = False

    @property
    def pattern(self) -> str:
        """The style as a pattern such as ``$#,##0.00`` (see the module's docstring)."""
        if self.general:
            return GENERAL_COMMA if self.decimal == "," else GENERAL
        digits = f"#{self.thousands}##0" if self.thousands else "0"
        if self.decimals:
            digits += self.decimal + "0" * self.decimals
        digits += f"{self.exponent}+00" if self.exponent else ""
        positive = f"{self.prefix}{digits}{self.suffix}"
        return f"{positive};({positive})" if self.parenthesised else positive

    @property
    def excel_format(self) -> str:
        """The style as an Excel number format ('"$"#,##0.00', '#,##0.00" €"'): Excel writes
        its own separators for the reader's language, and shows the text around the digits as
        it is (a '%' quoted, so that the value is not multiplied by 100)."""
        if self.general:
            return GENERAL
        digits = "#,##0" if self.thousands else "0"
        if self.decimals:
            digits += "." + "0" * self.decimals
        digits += f"{self.exponent}+00" if self.exponent else ""
        prefix = f'"{self.prefix}"' if self.prefix else ""
        suffix = f'"{self.suffix}"' if self.suffix else ""
        positive = f"{prefix}{digits}{suffix}"
        return f"{positive};({positive})" if self.parenthesised else positive

    @classmethod
    def of(cls, pattern: str) -> NumberStyle:
        """The style a pattern describes; ValueError, saying why, for one that is not valid."""
        positive, _, negative = pattern.partition(";") if isinstance(pattern, str) else ("", "", "")
        if negative and negative != f"({positive})":
            raise ValueError(
                f"{pattern!r} is not a number pattern: its negative part can only be the "
                f"positive one in parentheses, ({positive})"
            )
        if negative:
            return replace(cls.of(positive), parenthesised=True)
        if pattern in (GENERAL, GENERAL_COMMA):
            return cls(general=True, decimal="," if pattern == GENERAL_COMMA else ".")
        if isinstance(pattern, str) and (scientific := _SCIENTIFIC.match(pattern)):
            point = scientific["point"] or "."
            return cls(
                decimal=point, decimals=len(scientific["zeros"] or ""), exponent=scientific["e"]
            )
        match = _PATTERN.match(pattern) if isinstance(pattern, str) else None
        digits = match and (_GROUPED.match(match["digits"]) or _PLAIN.match(match["digits"]))
        if not digits:
            raise ValueError(
                f"{pattern!r} is not a number pattern: write it like $#,##0.00, #.##0,00 € or 0%"
            )
        thousands = digits.groupdict().get("sep")
        point = digits["point"] or ("," if thousands == "." else ".")
        if point == thousands:
            raise ValueError(f"{pattern!r} uses {point!r} both for thousands and for decimals")
        zeros = digits["zeros"] or ""
        return cls(match["pre"], match["post"], point, thousands, len(zeros))

    def write(self, values: pd.Series) -> pd.Series:
        """The numbers as text in this style ('-$1,234.50'); missing values stay missing."""
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        present = np.isfinite(numbers)
        out = pd.Series(np.nan, index=values.index, dtype=object, name=values.name)
        if self.general:
            shown = [f"{n:.0f}" if n == int(n) else repr(float(n)) for n in numbers[present]]
            if self.decimal != ".":
                shown = [text.replace(".", self.decimal) for text in shown]
            out[present] = np.array(shown, dtype=object)
            return out
        if self.exponent:
            plain = [
                f"{abs(number):.{self.decimals}{self.exponent}}" for number in numbers[present]
            ]
        else:
            plain = [f"{abs(number):,.{self.decimals}f}" for number in numbers[present]]
        texts = pd.Series(plain, dtype=object)
        if self.thousands != ",":
            swap = {",": self.thousands or "", ".": self.decimal}
            texts = texts.str.replace(r"[,.]", lambda m: swap[m.group(0)], regex=True)
        negative = numbers[present] < 0
        written = self.prefix + texts.to_numpy(dtype=str) + self.suffix
        if self.parenthesised:
            written = np.where(negative, "(" + written + ")", written)
        else:
            written = np.where(negative, "-", "") + written
        out[present] = written.astype(object)
        return out


def style_of(
    prefix: str,
    suffix: str,
    bodies: pd.Series,
    decimal: str,
    thousands: str,
    parenthesised: bool = False,
) -> str:
    """The pattern of a column written with ``prefix``/``suffix`` around ``bodies`` (the digits
    with their separators, as written): grouped when any value shows a thousands separator, with
    the number of decimals most values show; ``parenthesised``: negatives in parentheses."""
    grouped = bool(bodies.str.contains(re.escape(thousands), regex=True).any())
    after = bodies.str.extract(rf"{re.escape(decimal)}(\d+)$")[0]
    lengths = after.where(after.notna(), "").str.len()
    decimals = int(lengths.mode().iloc[0]) if len(lengths) else 0
    style = NumberStyle(
        prefix, suffix, decimal, thousands if grouped else None, decimals, parenthesised
    )
    return style.pattern


def written_in_styles(frame: pd.DataFrame, patterns: dict[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` whose columns named in ``patterns`` are written in their style
    (money and percentages as the real table wrote them); other columns unchanged."""
    chosen = {name: pattern for name, pattern in patterns.items() if name in frame.columns}
    if not chosen:
        return frame
    styled = {name: NumberStyle.of(pattern).write(frame[name]) for name, pattern in chosen.items()}
    return frame.assign(**styled)
