"""Rules that recognise yes/no words, personal data, identifiers and free text, from a column's
name and the shape of its values."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synth_core.schema.findings import Finding, TextSample
from synth_core.schema.given_names import holds_given_name
from synth_core.schema.kinds import Kind
from synth_core.schema.messages import quote
from synth_core.schema.names import (
    ADDRESS_WORDS,
    CODE_WORDS,
    COMPANY_MIN_SHARE,
    COMPANY_WORDS,
    ID_WORDS,
    NATIONAL_ID_PHRASES,
    NOT_ADDRESS_WORDS,
    NOT_PERSON_WORDS,
    PERSON_WORDS,
    PHONE_WORDS,
    POSTAL_WORDS,
    has_phrase,
    has_word,
    is_id_name,
    names_people,
)
from synth_core.schema.rarity import RARE_BELOW, RARE_LABEL, rare_share
from synth_core.wording import rough_percent

PII_MIN_SHARE = 0.80  # of values that must look like emails, phone numbers, names ...
IDENTIFIER_MIN_UNIQUE = 0.99  # share of distinct values for an identifier found by its values
NAMED_IDENTIFIER_MIN_UNIQUE = 0.95  # ... for one whose name says so ('id', 'key', 'code')
ROW_LABEL_MIN_UNIQUE = 0.85  # ... for short text unnamed: a label of each row ('Mazda RX4')
IDENTIFIER_MIN_VALUES = 20  # uniqueness in a handful of rows proves nothing
CODE_MIN_SHARE = 0.95  # of values that must look like codes ('CA-2016-152156')
KEY_MIN_DISTINCT = 50  # a key that repeats: at least this many different values
CODE_MAX_CATEGORIES = 100  # whole numbers named like a code with more values are amounts
CODE_SAME_LENGTH = 0.9  # share of codes found by their values that have one length
SEQUENCE_MAX_SPREAD = 1.1  # 0 or 1 up to about the count: row numbers
TEXT_MIN_UNIQUE = 0.5  # free text: most rows differ ...
TEXT_MIN_MEAN_LENGTH = 40  # ... and values are long ...
TEXT_MIN_MEAN_WORDS = 6  # ... or have many words
SENTENCE_MIN_SHARE = 0.5  # of values written as sentences: notes, free text
NAME_MAX_WORDS = 8  # 'Cumings, Mrs. John Bradley (Florence Briggs Thayer)' is 7
GIVEN_NAME_MIN_SHARE = 0.6  # of values holding a known first name: names whatever the header
ONE_OFF_MIN_SHARE = 0.5  # of values that fewer than RARE_BELOW rows share: left out by default
RARE_NOTE_SHARE = 0.2  # ... kept, but the reason says how much comes out as RARE_LABEL

BOOLEAN_PAIRS = frozenset(
    frozenset(pair)
    for pair in (("true", "false"), ("yes", "no"), ("y", "n"), ("0", "1"), ("t", "f"))
)
# All are matched against whole values (str.fullmatch).
EMAIL_PATTERN = r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
SSN_PATTERN = r"\d{3}-\d{2}-\d{4}"
PHONE_PATTERN = r"\+?\(?\d[\d ().\-/]*\d"
PHONE_EXTENSION = r"(?i) ?(?:x|ext\.?) ?\d{1,5}$"
PHONE_FORMATTING = r"[+ ().\-]"
PHONE_MARKS = r"^\+|\(\d+\)"  # a country code's plus, an area code in brackets
PHONE_DIGITS = (7, 15)
IPV4_PATTERN = r"\d{1,3}(?:\.\d{1,3}){3}"
_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
    "terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|row|alley|rue|chemin|via|calle|"
    "avenida|strasse|straße|str|weg|gasse|platz|allee"
)
ADDRESS_PATTERN = (
    rf"\d+[a-z]?(?:[-/]\d+[a-z]?)?,? (?:[^\W\d_][\w'.-]* ){{0,5}}(?:{_STREET_WORDS})\b.*"
    r"|[^\W\d_][\w'. -]*?(?:straße|strasse|str\.|weg|gasse|platz|allee) \d+[a-z]?\b.*"
)
NAME_PATTERN = r"[^\W\d_][^\d@#$%&*=+<>|{}\[\]/\\:;!?_]*"
CODE_PATTERN = r"(?=\S*\d)[A-Za-z0-9][A-Za-z0-9_\-./:#]*"
DIGITS_PATTERN = r"\d+"
SENTENCE_PATTERN = r"[A-Z][^.!?]*\w(?: \S+){3,}[.!?]"  # five words or more, ending with a stop
# Letters and digits together, maybe in groups joined by separators: 'CG-12520', 'N949UW'.
KEY_CODE_PATTERN = r"(?=[^ ]*\d)(?=[^ ]*[A-Za-z])[A-Za-z0-9]+(?:[-_./:#][A-Za-z0-9]+)*"
SINGLE_WORD_PATTERN = r"\S+"
NUMBER_LIKE_PATTERN = r"[-+]?\d.*"  # amounts with units, time stamps: measures, not labels
REPEATING_KEY_REASON = (
    "repeats: a key that links rows, such as one customer's orders ({distinct:,} different "
    "values{example}); left out by default"
)


# ------------------------------------------------------------------------------ whole numbers
def numeric_phone(tokens: tuple[str, ...], finite: np.ndarray) -> Finding | None:
    """Phone numbers stored as numbers: a phone-like name and 7 to 15 digits each."""
    low_digits, high_digits = PHONE_DIGITS
    digits = np.floor(np.log10(np.maximum(np.abs(finite), 1))) + 1
    if has_word(tokens, PHONE_WORDS) and ((digits >= low_digits) & (digits <= high_digits)).all():
        return _pii("phone", "phone numbers")
    return None


def numeric_identifier(
    tokens: tuple[str, ...],
    low: float,
    high: float,
    distinct: int,
    count: int,
    increasing: bool = False,
) -> Finding | None:
    """Unique whole numbers named like an ID, or counting up like row numbers: with few gaps,
    or rising from row to row (``increasing``: the row numbers of a sample or a filtered
    export)."""
    unique = distinct / count
    if is_id_name(tokens) and unique >= NAMED_IDENTIFIER_MIN_UNIQUE:
        return Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)} and named like an ID: an identifier, left out by default",
        )
    # Row numbers start at 0 or 1; other runs of unique whole numbers (years) are data.
    few_gaps = high - low + 1 <= SEQUENCE_MAX_SPREAD * distinct
    counts_up = low in (0, 1) and (few_gaps or (increasing and distinct == count))
    if count >= IDENTIFIER_MIN_VALUES and unique >= IDENTIFIER_MIN_UNIQUE and counts_up:
        return Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)}, counting up like 1, 2, 3: "
            "an identifier, left out by default",
        )
    if (is_id_name(tokens) or names_people(tokens)) and distinct >= KEY_MIN_DISTINCT:
        return _repeating_key(distinct, "")
    return None


def numeric_code(tokens: tuple[str, ...], distinct: int, count: int) -> Finding | None:
    """Whole numbers named like a code ('Postal Code', 'MS.SubClass'): labels, not amounts;
    postal codes nearly every one of ``count`` rows has its own point at their rows, as
    ``text_postal_code`` says."""
    postal = has_word(tokens, POSTAL_WORDS)
    if postal and _one_each(distinct, count):
        return Finding(Kind.IDENTIFIER, _rare_postal_reason(distinct / count))
    if postal or (has_word(tokens, CODE_WORDS) and distinct <= CODE_MAX_CATEGORIES):
        what = "postal codes" if postal else "whole numbers named like a code"
        return Finding(
            Kind.CATEGORICAL,
            f"{what}: labels rather than amounts, {distinct:,} categories",
        )
    return None


# ------------------------------------------------------------------------------ text
def text_boolean(column: TextSample) -> Finding | None:
    if column.distinct != 2:
        return None
    pair = sorted(column.values.unique())
    if frozenset(value.lower() for value in pair) not in BOOLEAN_PAIRS:
        return None
    return Finding(
        Kind.BOOLEAN, f"two values, {quote(pair[0])} and {quote(pair[1])}: a yes/no column"
    )


def text_email(column: TextSample) -> Finding | None:
    if column.matches(EMAIL_PATTERN, PII_MIN_SHARE):
        return _pii("email", "email addresses")
    return None


def text_national_id(column: TextSample) -> Finding | None:
    named = has_phrase(column.tokens, NATIONAL_ID_PHRASES) and column.high_cardinality
    if named or column.matches(SSN_PATTERN, PII_MIN_SHARE):
        return _pii("national_id", "national ID numbers (such as social security numbers)")
    return None


def text_phone(column: TextSample) -> Finding | None:
    # Without a name hint, only formatted numbers count ('+44 20 7946 0018', '(555) 010-2345'),
    # and never in a column named 'id' ('Order ID': '100-2345-67'); in one named like another
    # key, only numbers with a phone's own marks ('Contact Number': '(555) 010-2345', not
    # 'BandNumber': '877-76317', a bird's ring).
    hinted = has_word(column.tokens, PHONE_WORDS)
    if not hinted and has_word(column.tokens, ID_WORDS | POSTAL_WORDS):
        return None
    formatting = PHONE_MARKS if is_id_name(column.tokens) else PHONE_FORMATTING

    def looks_like_phone(texts: pd.Series) -> pd.Series:
        body = texts.str.replace(PHONE_EXTENSION, "", regex=True)
        low, high = PHONE_DIGITS
        phone = (
            body.str.fullmatch(PHONE_PATTERN)
            & body.str.count(r"\d").between(low, high)
            & ~body.str.fullmatch(IPV4_PATTERN)
        )
        return phone if hinted else phone & body.str.contains(formatting)

    if column.passes(looks_like_phone, PII_MIN_SHARE):
        return _pii("phone", "phone numbers")
    return None


def text_address(column: TextSample) -> Finding | None:
    tokens = column.tokens
    named = has_word(tokens, ADDRESS_WORDS) and not has_word(tokens, NOT_ADDRESS_WORDS)
    if named and column.high_cardinality and column.matches(r".*[^\W\d_].*", PII_MIN_SHARE):
        return _pii("address", "street addresses")
    if column.matches(ADDRESS_PATTERN, PII_MIN_SHARE, flags=re.IGNORECASE):
        return _pii("address", "street addresses")
    return None


def text_person_name(column: TextSample) -> Finding | None:
    """Named for people and written as names; or, whatever the column's name (a header in
    another language), written as names most of which hold a known first name."""
    tokens = column.tokens
    if has_word(tokens, NOT_PERSON_WORDS) or not column.high_cardinality:
        return None
    if not column.passes(_looks_like_name, PII_MIN_SHARE):
        return None
    # A column called just 'name' names anything; in lower case ('big_meat', 'the_greek': the
    # pizzas of a menu) it names people only if they hold first names.
    called_name = set(tokens) <= {"name", "names"}
    generic = called_name and (
        column.passes(_lower_case, PII_MIN_SHARE)
        or column.passes(_company_words, COMPANY_MIN_SHARE)  # 'Citigroup', 'Toyota Motor'
    )
    if has_word(tokens, PERSON_WORDS) and not generic:
        return _pii("name", "people's names")
    if column.passes(holds_given_name, GIVEN_NAME_MIN_SHARE):
        return _pii("name", f"people's names, such as {quote(column.texts.iloc[0])}")
    return None


def _company_words(texts: pd.Series) -> pd.Series:
    words = texts.str.lower().str.findall(r"[^\W\d_]+")
    return words.map(lambda found: not COMPANY_WORDS.isdisjoint(found))


def _lower_case(texts: pd.Series) -> pd.Series:
    return texts.str.islower()


def _looks_like_name(texts: pd.Series) -> pd.Series:
    texts = texts.str.replace("_", " ", regex=False)  # 'devin_rivera_borrego', as systems write
    first = texts.str.slice(0, 1)
    return (
        texts.str.fullmatch(NAME_PATTERN)
        & (texts.str.count(r"\s+") < NAME_MAX_WORDS)
        # Capitalised, all in lower case as some exports and systems write them, or in a script
        # without capitals (Japanese, Chinese).
        & (first.str.isupper() | texts.str.islower() | (first.str.upper() == first.str.lower()))
    )


def text_postal_code(column: TextSample) -> Finding | None:
    """Postal codes are places shared by many rows: categories, never keys or amounts (codes of
    digits only are categories too, see ``_categorical`` in ``infer``); unless nearly every row
    has its own, when they point at the real rows as labels do (``text_row_label``)."""
    if not has_word(column.tokens, POSTAL_WORDS):
        return None
    if rare_codes(column):
        return Finding(Kind.IDENTIFIER, _rare_postal_reason(column.unique_share))
    if column.matches(DIGITS_PATTERN, 1.0):
        return None
    return Finding(
        Kind.CATEGORICAL,
        f"postal codes like {quote(column.texts.iloc[0])}: {column.distinct:,} categories",
    )


def _rare_postal_reason(unique: float) -> str:
    return (
        f"postal codes, {_unique_phrase(unique)}: as categories a model could only copy them, "
        "each pointing at its real row; an identifier, left out by default"
    )


def rare_codes(column: TextSample) -> bool:
    """Whether nearly every row has a code of its own (as a label of one row each)."""
    return _one_each(column.distinct, len(column.values))


def _one_each(distinct: int, count: int) -> bool:
    """Whether ``count`` values, ``distinct`` of them different, give nearly every row its own."""
    return count >= IDENTIFIER_MIN_VALUES and distinct / count >= ROW_LABEL_MIN_UNIQUE


def text_identifier(column: TextSample) -> Finding | None:
    unique = column.unique_share
    if is_id_name(column.tokens) and unique >= NAMED_IDENTIFIER_MIN_UNIQUE:
        return Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)} and named like an ID: an identifier, left out by default",
        )
    if (
        len(column.values) >= IDENTIFIER_MIN_VALUES
        and unique >= IDENTIFIER_MIN_UNIQUE
        and column.matches(CODE_PATTERN, CODE_MIN_SHARE)
    ):
        return Finding(
            Kind.IDENTIFIER,
            f"{_unique_phrase(unique)} (codes like {quote(column.values.iloc[0])}): "
            "an identifier, left out by default",
        )
    if column.distinct >= KEY_MIN_DISTINCT and _key_values(column):
        return _repeating_key(column.distinct, f", such as {quote(column.texts.iloc[0])}")
    return None


def _key_values(column: TextSample) -> bool:
    """Single words when named like a key; otherwise codes of letters and digits of one
    length ('CG-12520', 'N949UW')."""
    if is_id_name(column.tokens):
        return column.matches(SINGLE_WORD_PATTERN, CODE_MIN_SHARE)
    if has_word(column.tokens, POSTAL_WORDS):
        return False
    if not column.matches(KEY_CODE_PATTERN, CODE_MIN_SHARE):
        return False
    lengths = column.texts.str.len().to_numpy()
    common = np.bincount(lengths, weights=column.weights).argmax()
    return column.share(lengths == common) >= CODE_SAME_LENGTH


def _repeating_key(distinct: int, example: str) -> Finding:
    return Finding(Kind.IDENTIFIER, REPEATING_KEY_REASON.format(distinct=distinct, example=example))


def text_free(column: TextSample) -> Finding | None:
    notes = _notes(column)
    if column.unique_share < TEXT_MIN_UNIQUE and not notes:
        return None
    total = column.weights.sum()
    mean_length = float((column.texts.str.len().to_numpy() * column.weights).sum() / total)
    words = column.texts.str.count(r"\s+").to_numpy() + 1
    mean_words = float((words * column.weights).sum() / total)
    if mean_length < TEXT_MIN_MEAN_LENGTH and mean_words < TEXT_MIN_MEAN_WORDS and not notes:
        return None
    how = "written as sentences" if notes else "most rows different"
    return Finding(
        Kind.TEXT,
        f"free text (about {round(mean_words)} words per row, {how}): left out by default",
    )


def text_row_label(column: TextSample) -> Finding | None:
    """Short text that differs in (almost) every row ('Mazda RX4', airport codes such as 'ABQ'):
    a label of one row each. A model learns such a column as categories seen once, so it could
    only copy real labels, each pointing at the real row it names."""
    unique = column.unique_share
    if not rare_codes(column):
        return None
    # '5.00 kg', unread time stamps: measures; but codes of digits written with leading zeros
    # ('06269') are labels.
    if column.matches(NUMBER_LIKE_PATTERN, CODE_MIN_SHARE) and not _zero_padded(column):
        return None
    return Finding(
        Kind.IDENTIFIER,
        f"{_unique_phrase(unique)}, such as {quote(column.texts.iloc[0])}: a label of one row "
        "each (a name or code), which a model could only copy; an identifier, left out by "
        "default",
    )


def text_one_offs(column: TextSample) -> Finding | None:
    """Short text where most rows hold a value that few rows share (job titles typed by hand,
    the names of a few rows each): learnt, most of it could only come out as ``RARE_LABEL``
    (``synth_core.schema.rarity``), so it is left out unless asked for."""
    share = _rare_share(column.values, None)
    if share is None or share < ONE_OFF_MIN_SHARE:
        return None
    return Finding(Kind.CATEGORICAL, _one_offs_reason(share, "rows share"), left_out=True)


def rare_text(values: pd.Series, owners: np.ndarray | None, holder: str | None):
    """(left out, reason) of a kept text column by how many of its rows hold a value that
    fewer than ``RARE_BELOW`` people share (a person's job title or home town, on each of their
    rows; ``owners`` says whose each row is, by the column ``holder``), or rows where no column
    says whose they are: most, left out and why; ``RARE_NOTE_SHARE`` or more, kept with what
    comes out as ``RARE_LABEL``; None otherwise."""
    present = values.notna().to_numpy()
    share = _rare_share(values[present].astype(str), None if owners is None else owners[present])
    who = "rows share" if holder is None else f"people share (told apart by {quote(holder)})"
    if share is None or share < RARE_NOTE_SHARE:
        return None
    if holder is not None and share >= ONE_OFF_MIN_SHARE:
        return True, _one_offs_reason(share, who)
    return False, (
        f"{rough_percent(share)} of rows hold a value that fewer than {RARE_BELOW} {who}: "
        f"those come out as {quote(RARE_LABEL)}"
    )


def _rare_share(values: pd.Series, owners: np.ndarray | None) -> float | None:
    """The share of ``values`` (present ones, text) that fewer than ``RARE_BELOW`` rows (or the
    people of ``owners``) share; None for too few values to tell."""
    return None if len(values) < IDENTIFIER_MIN_VALUES else rare_share(values, owners)


def _one_offs_reason(share: float, who: str) -> str:
    """Why a text column is left out where ``share`` of its rows hold a value that fewer than
    ``RARE_BELOW`` rows (or people: ``who``) share."""
    return (
        f"{rough_percent(share)} of rows hold a value that fewer than {RARE_BELOW} {who}, "
        f"which could point at one person: learnt, it would come out as {quote(RARE_LABEL)}; "
        "left out by default"
    )


def _zero_padded(column: TextSample) -> bool:
    return bool(column.texts.str.match(r"0\d").any()) and column.matches(DIGITS_PATTERN, 1.0)


def _notes(column: TextSample) -> bool:
    """Sentences typed by people ('Not enough blood for isotopes.'), even when a few repeat."""
    return column.matches(SENTENCE_PATTERN, SENTENCE_MIN_SHARE)


def _pii(pii_type: str, what: str) -> Finding:
    return Finding(
        Kind.PII, f"looks like {what}: personal data, left out by default", {"pii_type": pii_type}
    )


def _unique_phrase(unique: float) -> str:
    if unique >= 1:
        return "unique in every row"
    if unique >= NAMED_IDENTIFIER_MIN_UNIQUE:
        return "unique in almost every row"
    return f"a different value in {rough_percent(unique)} of rows"
