"""Schema inference: kinds a person would agree with, plain reasons, a schema that round-trips."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from synth_core.errors import SchemaError
from synth_core.schema.model import (
    MODELLED_KINDS,
    PII_TYPES,
    ColumnInfo,
    Kind,
    Schema,
    format_datetimes,
    infer_schema,
    parse_datetimes,
)
from synth_core.tables import read_table

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ADULT = ROOT / "synth_core" / "tables" / "datasets" / "adult.csv.gz"

# Formats the inference can produce (``%-d`` style: numbers without a leading zero).
SUPPORTED_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%-d/%-m/%Y",
    "%-m/%-d/%Y %-H:%M",
    "%-m/%-d/%y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%-d %b %Y",
    "%d %B %Y",
    "%d-%b-%y",
    "%b %-d, %Y",
    "%B %d, %Y",
    "%m/%d/%Y %I:%M %p",
    "%-m/%-d/%y %-I:%M%p",
]


def infer_one(values, name: str = "column") -> ColumnInfo:
    """Infer a single column given as a list or Series."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    return infer_schema(pd.DataFrame({name: series}))[name]


def text_with_missing(values: list, missing: int) -> pd.Series:
    return pd.Series(list(values) + [np.nan] * missing, dtype=object)


@pytest.fixture(scope="module")
def sales() -> Schema:
    return infer_schema(read_table(FIXTURES / "sales_orders.csv").frame)


@pytest.fixture(scope="module")
def passengers() -> Schema:
    return infer_schema(read_table(FIXTURES / "passengers.csv").frame)


@pytest.fixture(scope="module")
def adult() -> Schema:
    return infer_schema(read_table(ADULT).frame)


# ---------------------------------------------------------------------------------- fixtures
def test_european_export_kinds() -> None:
    schema = infer_schema(read_table(FIXTURES / "european_cp1252.csv").frame)
    assert schema["Kunde"].kind == Kind.PII  # German for "customer": a column of names
    assert schema["Kunde"].pii_type == "name"
    assert not schema["Kunde"].include
    assert schema["Stadt"].kind == Kind.CATEGORICAL
    assert schema["Betrag €"].kind == Kind.NUMERICAL
    assert schema["Betrag €"].decimals == 2
    assert schema["Menge"].kind == Kind.INTEGER
    assert schema["Datum"].kind == Kind.DATETIME
    assert schema["Datum"].datetime_format == "%d.%m.%Y"


@pytest.mark.parametrize(
    ("column", "kind", "pii_type"),
    [
        ("Order ID", Kind.IDENTIFIER, None),
        ("Order Date", Kind.DATETIME, None),
        ("Ship Date", Kind.DATETIME, None),
        ("Customer Name", Kind.PII, "name"),
        ("Customer Email", Kind.PII, "email"),
        ("Phone", Kind.PII, "phone"),
        ("Segment", Kind.CATEGORICAL, None),
        ("Region", Kind.CATEGORICAL, None),
        ("Sales", Kind.NUMERICAL, None),
        ("Quantity", Kind.INTEGER, None),
        ("Discount", Kind.NUMERICAL, None),
    ],
)
def test_sales_orders_kinds(sales: Schema, column: str, kind: Kind, pii_type: str | None) -> None:
    info = sales[column]
    assert info.kind is kind
    assert info.pii_type == pii_type
    assert info.include == (kind in MODELLED_KINDS)


def test_sales_orders_facts(sales: Schema) -> None:
    assert sales.rows == 48
    assert sales["Order Date"].datetime_format == "%m/%d/%Y"
    assert "month-first, since some second numbers are above 12" in sales["Order Date"].reason
    assert sales["Order Date"].earliest is not None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sales["Order Date"].latest)
    assert sales["Sales"].decimals == 2
    assert sales["Quantity"].decimals == 0
    assert (sales["Quantity"].minimum, sales["Quantity"].maximum) == (1, 9)
    assert sales["Order ID"].reason == (
        "unique in every row and named like an ID: an identifier, left out by default"
    )
    assert sales["Customer Email"].reason == (
        "looks like email addresses: personal data, left out by default"
    )
    assert sales.included_names == [
        "Order Date",
        "Ship Date",
        "Segment",
        "Region",
        "Sales",
        "Quantity",
        "Discount",
    ]


@pytest.mark.parametrize(
    ("column", "kind", "pii_type"),
    [
        ("PassengerId", Kind.IDENTIFIER, None),
        ("Survived", Kind.BOOLEAN, None),
        ("Pclass", Kind.INTEGER, None),
        ("Name", Kind.PII, "name"),
        ("Sex", Kind.CATEGORICAL, None),
        ("Age", Kind.NUMERICAL, None),
        ("SibSp", Kind.INTEGER, None),
        ("Parch", Kind.INTEGER, None),
        ("Ticket", Kind.CATEGORICAL, None),
        ("Fare", Kind.NUMERICAL, None),
        ("Cabin", Kind.CATEGORICAL, None),
        ("Embarked", Kind.CATEGORICAL, None),
    ],
)
def test_passengers_kinds(
    passengers: Schema, column: str, kind: Kind, pii_type: str | None
) -> None:
    assert passengers[column].kind is kind
    assert passengers[column].pii_type == pii_type


def test_passengers_facts(passengers: Schema) -> None:
    assert passengers["Age"].missing == pytest.approx(9 / 45)
    assert passengers["Embarked"].missing == pytest.approx(2 / 45)
    assert passengers["Survived"].reason == "only the values 0 and 1: a yes/no column"
    assert "set it to categorical" in passengers["Pclass"].reason
    cabin = passengers["Cabin"]
    assert cabin.missing == pytest.approx(35 / 45)
    assert cabin.reason.endswith("; 78 % missing")
    assert cabin.include  # mostly missing, but not so empty that it is left out


def test_adult_kinds(adult: Schema) -> None:
    assert adult.rows == 32_561
    assert adult["age"].kind is Kind.INTEGER
    assert (adult["age"].minimum, adult["age"].maximum) == (17, 90)
    assert adult["workclass"].kind is Kind.CATEGORICAL
    assert adult["workclass"].missing > 0
    assert adult["fnlwgt"].kind is Kind.INTEGER  # many values, but repeated: not an identifier
    assert adult["income"].kind is Kind.CATEGORICAL
    assert adult["sex"].kind is Kind.CATEGORICAL
    assert adult.included_names == adult.names


# ---------------------------------------------------------------------------------- each kind
def test_empty_column() -> None:
    info = infer_one([np.nan] * 5)
    assert (info.kind, info.include, info.missing, info.distinct) == (Kind.EMPTY, False, 1.0, 0)
    assert info.reason == "every cell is empty: nothing to learn, left out"


def test_constant_column() -> None:
    info = infer_one(["Acme"] * 4 + [np.nan])
    assert (info.kind, info.include, info.distinct) == (Kind.CONSTANT, False, 1)
    assert info.reason.startswith("the same value ('Acme') in every filled row")


@pytest.mark.parametrize(
    "values",
    [
        ["True", "False", "True"],
        ["yes", "no", "no"],
        ["Y", "N", "Y"],
        ["0", "1", "1"],
        ["t", "f", "f"],
        ["TRUE", "FALSE", np.nan],
    ],
)
def test_boolean_words(values: list) -> None:
    info = infer_one(values)
    assert info.kind is Kind.BOOLEAN
    assert info.include
    assert re.fullmatch(r"two values, '.+' and '.+': a yes/no column", info.reason)


def test_boolean_numbers_and_dtype() -> None:
    assert infer_one([0, 1, 1, 0]).kind is Kind.BOOLEAN
    assert infer_one([0.0, 1.0, np.nan]).kind is Kind.BOOLEAN
    assert infer_one([True, False, True]).kind is Kind.BOOLEAN


def test_two_arbitrary_words_are_categorical() -> None:
    info = infer_one(["Male", "Female", "Female"])
    assert info.kind is Kind.CATEGORICAL
    assert info.reason == "text with 2 categories: 'Female' and 'Male'"


def test_integer_and_numerical() -> None:
    whole = infer_one([3, 17, 42, 8, 8, 5, 12, 30])
    assert (whole.kind, whole.decimals, whole.minimum, whole.maximum) == (Kind.INTEGER, 0, 3, 42)
    assert whole.reason == "whole numbers from 3 to 42"
    floats_but_whole = infer_one([1.0, 2.0, np.nan, 7.0, 9.0, 12.0, 15.0])
    assert floats_but_whole.kind is Kind.INTEGER
    money = infer_one([261.96, 731.94, 14.62, 957.5775, 22.368])
    assert (money.kind, money.decimals) == (Kind.NUMERICAL, 4)
    assert money.reason == "numbers from 14.62 to 957.5775 with up to 4 decimals"


def test_decimals_ignore_float_noise_and_are_capped() -> None:
    assert infer_one([0.1 + 0.2, 0.7, 1.5]).decimals == 1
    assert infer_one([1 / 3, 2 / 3, 0.5]).decimals == 6


def test_year_numbers_stay_integer() -> None:
    info = infer_one(list(range(1990, 2021)), name="year")
    assert info.kind is Kind.INTEGER
    assert info.reason == "whole numbers from 1990 to 2020"


def test_free_text() -> None:
    comments = [
        f"Parcel {i} arrived late and the box was dented, please check the courier"
        for i in range(30)
    ]
    info = infer_one(comments, name="comments")
    assert (info.kind, info.include) == (Kind.TEXT, False)
    assert re.fullmatch(
        r"free text \(about \d+ words per row, .*\): left out by default", info.reason
    )


def test_many_categories_are_mentioned() -> None:
    values = [f"Item{i % 150}" for i in range(400)]
    info = infer_one(values, name="product")
    assert info.kind is Kind.CATEGORICAL
    assert info.reason.startswith("text with many categories (150)")


# ---------------------------------------------------------------------------------- personal data
@pytest.mark.parametrize(
    ("name", "values", "pii_type", "what"),
    [
        (
            "contact",
            [f"user{i}@example.org" for i in range(10)],
            "email",
            "email addresses",
        ),
        (
            "tel",
            [f"+44 20 7946 {i:04d}" for i in range(10)],
            "phone",
            "phone numbers",
        ),
        (
            "mobile",
            [f"0207946{i:04d}" for i in range(10)],
            "phone",
            "phone numbers",
        ),
        (
            "contact number",
            [f"(555) 010-{i:04d}" for i in range(10)],
            "phone",
            "phone numbers",
        ),
        (
            "first_name",
            ["Alvo", "Brisa", "Corvin", "Delphy", "Elowen", "Fennick", "Gorwin", "Halsey"],
            "name",
            "people's names",
        ),
        (
            "where",
            ["12 Main Street", "221B Baker St", "5 rue de la Paix", "Hauptstraße 5", "7 Elm Road"],
            "address",
            "street addresses",
        ),
        (
            "home_address",
            ["Flat 3, Mill House", "The Old Rectory", "Rose Cottage", "Unit 9, Dock Yard"],
            "address",
            "street addresses",
        ),
        ("code", ["123-45-6789", "987-65-4321", "555-12-3456"], "national_id", "national ID"),
        ("passport", [f"X{i:08d}" for i in range(12)], "national_id", "national ID"),
    ],
)
def test_personal_data(name: str, values: list, pii_type: str, what: str) -> None:
    info = infer_one(values, name=name)
    assert (info.kind, info.pii_type, info.include) == (Kind.PII, pii_type, False)
    assert info.reason.startswith(f"looks like {what}")
    assert info.reason.endswith(": personal data, left out by default")


def test_phone_numbers_read_as_numbers() -> None:
    info = infer_one([5550100123 + i for i in range(10)], name="Mobile")
    assert (info.kind, info.pii_type) == (Kind.PII, "phone")


def test_names_need_a_hint_and_many_values() -> None:
    # Capitalised words in a column not named like a person are just categories or text.
    cities = ["New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Dallas"] * 3
    assert infer_one(cities, name="city").kind is Kind.CATEGORICAL
    segments = ["Consumer", "Corporate", "Home Office"] * 10
    assert infer_one(segments, name="Customer Segment").kind is Kind.CATEGORICAL


def test_not_phone_numbers() -> None:
    ips = [f"192.168.1.{i}" for i in range(30)]
    assert infer_one(ips, name="host").kind is not Kind.PII
    ids = [f"100-{i:04d}-77" for i in range(30)]
    assert infer_one(ids, name="Order ID").kind is Kind.IDENTIFIER


# ---------------------------------------------------------------------------------- identifiers
def test_identifier_codes_by_value() -> None:
    codes = [f"ORD-{i:05d}" for i in range(1, 41)]
    info = infer_one(codes, name="order")
    assert (info.kind, info.include) == (Kind.IDENTIFIER, False)
    assert info.reason == (
        "unique in every row (codes like 'ORD-00001'): an identifier, left out by default"
    )
    uuids = [f"8f14e45f-ceea-467f-a0e6-{i:012x}" for i in range(40)]
    assert infer_one(uuids, name="token").kind is Kind.IDENTIFIER


def test_identifier_numbers() -> None:
    assert infer_one(list(range(1, 51)), name="row").kind is Kind.IDENTIFIER  # 1..N
    named = infer_one([7, 3, 99, 1024, 5, 61], name="customer_id")
    assert named.kind is Kind.IDENTIFIER
    assert "named like an ID" in named.reason
    rng = np.random.default_rng(1)
    spread = rng.choice(10**9, size=50, replace=False)
    assert infer_one(spread, name="population").kind is Kind.INTEGER  # unique, not counting up


def test_unique_floats_are_not_identifiers() -> None:
    rng = np.random.default_rng(2)
    measurements = rng.normal(170, 10, size=60).round(3)
    assert infer_one(measurements, name="height").kind is Kind.NUMERICAL
    assert infer_one(measurements, name="id").kind is Kind.NUMERICAL


def test_repeated_values_are_not_identifiers() -> None:
    values = [f"T{i % 30}" for i in range(60)]
    assert infer_one(values, name="ticket_code").kind is Kind.CATEGORICAL


def test_zip_codes_with_leading_zeros() -> None:
    zips = ["01234", "02139", "90210", "01234", "10001", "02139"] * 5
    info = infer_one(zips, name="zip")
    assert info.kind is Kind.CATEGORICAL
    assert info.reason.startswith("codes written with leading zeros (like '01234')")
    unique = [f"{i:05d}" for i in range(200, 240)]
    assert infer_one(unique, name="postcode").kind is Kind.IDENTIFIER


# ---------------------------------------------------------------------------------- missing values
def test_mostly_missing_column_is_left_out() -> None:
    info = infer_one(text_with_missing(["a", "b", "c"], 47), name="rare")
    assert info.kind is Kind.CATEGORICAL
    assert not info.include
    assert info.reason.endswith("; 94 % missing, so left out by default (include it if it matters)")


# ---------------------------------------------------------------------------------- dates
def test_day_first_from_data() -> None:
    info = infer_one(["13/01/2016", "02/03/2016", "05/04/2016"] * 5)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, "%d/%m/%Y")
    assert "day-first, since some first numbers are above 12" in info.reason
    assert (info.earliest, info.latest) == ("2016-01-13", "2016-04-05")


def test_month_first_from_data() -> None:
    info = infer_one(["01/13/2016", "02/03/2016", "05/04/2016"] * 5)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, "%m/%d/%Y")
    assert "month-first, since some second numbers are above 12" in info.reason


@pytest.mark.parametrize(
    ("values", "fmt", "order"),
    [
        (["01/02/2016", "03/04/2016", "05/06/2016"], "%m/%d/%Y", "month-first"),
        (["01.02.2016", "03.04.2016", "05.06.2016"], "%d.%m.%Y", "day-first"),
        (["01-02-2016", "03-04-2016", "05-06-2016"], "%m-%d-%Y", "month-first"),
    ],
)
def test_ambiguous_day_and_month(values: list, fmt: str, order: str) -> None:
    info = infer_one(values)
    assert info.datetime_format == fmt
    assert f"could be day-first or month-first; read as {order} — change it if wrong" in info.reason


def test_day_first_decided_beyond_the_sample() -> None:
    # Only one of 12,000 values shows that the dates are day-first.
    values = ["01/02/2016", "03/04/2016", "05/06/2016"] * 4_000
    values[-1] = "25/06/2016"
    info = infer_one(values)
    assert info.datetime_format == "%d/%m/%Y"


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2016-11-08", "2017-01-30", "2016-02-29"], "%Y-%m-%d"),
        (["2016-11-08 14:05:00", "2017-01-30 09:00:59"], "%Y-%m-%d %H:%M:%S"),
        (["2016-11-08T14:05", "2017-01-30T09:00"], "%Y-%m-%dT%H:%M"),
        (["2016/11/08", "2017/01/30"], "%Y/%m/%d"),
        (["11/8/2016 14:05", "1/18/2016 4:05", "3/2/2017 23:59"], "%-m/%-d/%Y %-H:%M"),
        (["08.11.2016", "30.01.2017"], "%d.%m.%Y"),
        (["08-11-2016", "30-01-2017"], "%d-%m-%Y"),
        (["08/11/16", "30/01/17"], "%d/%m/%y"),
        (["8 Nov 2016", "30 Jan 2017"], "%-d %b %Y"),
        (["8 November 2016", "30 January 2017"], "%-d %B %Y"),
        (["Nov 8, 2016", "Jan 30, 2017"], "%b %-d, %Y"),
        (["08-Nov-16", "30-Jan-17"], "%d-%b-%y"),
        (["11/08/2016 2:05 PM", "01/30/2017 11:45 AM"], "%m/%d/%Y %-I:%M %p"),
    ],
)
def test_datetime_formats_detected_and_reproduced(values: list, fmt: str) -> None:
    info = infer_one(values)
    assert info.kind is Kind.DATETIME
    assert info.datetime_format == fmt
    assert info.reason.startswith(("dates like", "dates and times like"))
    series = pd.Series(values)
    rewritten = format_datetimes(parse_datetimes(series, fmt), fmt)
    assert rewritten.tolist() == values


def test_a_few_unreadable_dates_are_tolerated() -> None:
    values = [f"2016-01-{day:02d}" for day in range(1, 29)] * 2 + ["soon"]
    info = infer_one(values)
    assert info.kind is Kind.DATETIME
    assert "1 values are not dates in this format and will be treated as missing" in info.reason
    mostly_not_dates = [f"2016-01-{day:02d}" for day in range(1, 21)] + ["soon", "later"] * 5
    assert infer_one(mostly_not_dates).kind is not Kind.DATETIME


def test_parse_and_format_keep_missing_values_and_index() -> None:
    values = pd.Series(["11/8/2016", np.nan, "1/18/2016"], index=[5, 6, 7], name="when")
    parsed = parse_datetimes(values, "%-m/%-d/%Y")
    assert str(parsed.dtype) == "datetime64[ns]"
    assert parsed.isna().tolist() == [False, True, False]
    rewritten = format_datetimes(parsed, "%-m/%-d/%Y")
    assert rewritten.index.tolist() == [5, 6, 7]
    assert rewritten.iloc[0] == "11/8/2016"
    assert rewritten.iloc[2] == "1/18/2016"
    assert np.isnan(rewritten.iloc[1])
    padded = format_datetimes(parsed, "%d/%m/%Y")
    assert padded.iloc[0] == "08/11/2016"
    assert np.isnan(padded.iloc[1])


def _truncate(stamp: dt.datetime, fmt: str) -> pd.Timestamp:
    stamp = pd.Timestamp(stamp)
    if "%S" in fmt:
        return stamp.floor("s")
    if "%M" in fmt:
        return stamp.floor("min")
    return stamp.floor("D")


_STAMPS = st.lists(
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2060, 12, 31)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=75, deadline=None)
@given(stamps=_STAMPS, fmt=st.sampled_from(SUPPORTED_FORMATS))
def test_format_parse_round_trip(stamps: list[dt.datetime], fmt: str) -> None:
    text = format_datetimes(pd.Series(pd.to_datetime(stamps)), fmt)
    parsed = parse_datetimes(text, fmt)
    assert parsed.tolist() == [_truncate(stamp, fmt) for stamp in stamps]
    assert format_datetimes(parsed, fmt).tolist() == text.tolist()


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(stamps=_STAMPS, fmt=st.sampled_from(SUPPORTED_FORMATS))
def test_inferred_format_reproduces_the_text(stamps: list[dt.datetime], fmt: str) -> None:
    text = format_datetimes(pd.Series(pd.to_datetime(stamps)), fmt)
    assume(text.nunique() >= 2)
    info = infer_one(text)
    assert info.kind is Kind.DATETIME, info.reason
    inferred = info.datetime_format
    assert format_datetimes(parse_datetimes(text, inferred), inferred).tolist() == text.tolist()


# ---------------------------------------------------------------------------------- other dtypes
def test_robust_to_other_dtypes() -> None:
    frame = pd.DataFrame(
        {
            "flag": pd.Series([True, False, True, True]),
            "maybe": pd.Series([True, None, False, True], dtype="boolean"),
            "when": pd.to_datetime(["2016-11-08", "2017-01-30", None, "2016-02-29"]),
            "stamp": pd.to_datetime(["2016-11-08 14:05", "2017-01-30 09:00", None, None]),
            "colour": pd.Series(["red", "blue", "red", None], dtype="category"),
            "count": pd.Series([1, None, 3, 4], dtype="Int64"),
            "ratio": pd.Series([0.5, None, 0.25, 1.0], dtype="Float64"),
            "label": pd.Series(["x", "y", None, "x"], dtype="string"),
            "mixed": pd.Series([1, "a", 2.5, None], dtype=object),
            "numbers_as_objects": pd.Series([1, 2, 3, None], dtype=object),
            "coded": pd.Series([1, 2, 1, 2], dtype="category"),
        }
    )
    schema = infer_schema(frame)
    kinds = {column.name: column.kind for column in schema.columns}
    assert kinds == {
        "flag": Kind.BOOLEAN,
        "maybe": Kind.BOOLEAN,
        "when": Kind.DATETIME,
        "stamp": Kind.DATETIME,
        "colour": Kind.CATEGORICAL,
        "count": Kind.INTEGER,
        "ratio": Kind.NUMERICAL,
        "label": Kind.CATEGORICAL,
        "mixed": Kind.CATEGORICAL,
        "numbers_as_objects": Kind.INTEGER,
        "coded": Kind.INTEGER,
    }
    assert schema["when"].datetime_format == "%Y-%m-%d"
    assert schema["stamp"].datetime_format == "%Y-%m-%d %H:%M:%S"
    assert schema["when"].earliest == "2016-02-29"
    assert schema["count"].missing == 0.25
    assert schema["colour"].dtype == "category"
    assert schema["count"].dtype == "Int64"


_CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(),
    st.booleans(),
    st.sampled_from(["01/02/2016", "13/02/2016", "2016-01-01", "yes", "a@b.co", "0123"]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=30), min_size=1, max_size=3))
def test_any_table_gets_a_schema_that_round_trips(columns: list[list]) -> None:
    length = max(len(cells) for cells in columns)
    frame = pd.DataFrame(
        {
            f"c{i}": pd.Series(cells + [None] * (length - len(cells)), dtype=object)
            for i, cells in enumerate(columns)
        }
    )
    for table in (frame, frame.infer_objects()):
        schema = infer_schema(table)
        assert schema.names == list(table.columns)
        assert Schema.from_json(schema.to_json()) == schema
        json.dumps(schema.summary_rows(), allow_nan=False)


def test_frame_checks() -> None:
    with pytest.raises(SchemaError, match="more than one column called 'a'"):
        infer_schema(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    schema = infer_schema(pd.DataFrame({0: [1, 2, 3], "b": ["x", "y", "z"]}))
    assert schema.names == ["0", "b"]
    assert infer_schema(pd.DataFrame({"a": []})).columns[0].kind is Kind.EMPTY
    with pytest.raises(TypeError):
        infer_schema([[1, 2]])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- changes
def test_getitem_suggests_near_matches(sales: Schema) -> None:
    with pytest.raises(SchemaError, match=r"no column called 'Ordr ID'\. Did you mean 'Order ID'"):
        sales["Ordr ID"]
    with pytest.raises(SchemaError, match=r"The columns are: 'Order ID', 'Order Date'"):
        sales["zzz"]


def test_with_changes_kind(passengers: Schema) -> None:
    changed = passengers.with_changes("Pclass", kind="categorical")
    info = changed["Pclass"]
    assert (info.kind, info.include, info.overridden) == (Kind.CATEGORICAL, True, True)
    assert info.reason == "set by you (was: integer)"
    assert passengers["Pclass"].kind is Kind.INTEGER  # the original is unchanged
    assert changed.names == passengers.names
    ticket = passengers.with_changes("PassengerId", kind=Kind.CATEGORICAL)["PassengerId"]
    assert ticket.include  # a modelled kind is included by default
    left_out = passengers.with_changes("Sex", kind="text")["Sex"]
    assert not left_out.include


def test_with_changes_include(passengers: Schema) -> None:
    changed = passengers.with_changes("Name", include=True)
    assert changed["Name"].include and changed["Name"].overridden
    assert changed["Name"].kind is Kind.PII
    assert changed["Name"].reason.endswith("left out by default (included by you)")
    back = changed.with_changes("Name", include=False)["Name"]
    assert back.reason.endswith("left out by default (left out by you)")
    assert "included by you" not in back.reason
    same = passengers.with_changes("Age", include=True)
    assert same == passengers


def test_with_changes_errors(passengers: Schema) -> None:
    with pytest.raises(
        SchemaError, match=r"'money' is not a column kind\. Choose one of: numerical"
    ):
        passengers.with_changes("Fare", kind="money")
    with pytest.raises(SchemaError, match="Did you mean 'Fare'"):
        passengers.with_changes("fare ", kind="numerical")
    with pytest.raises(SchemaError, match="cannot be a yes/no"):
        passengers.with_changes("Embarked", kind="boolean")
    with pytest.raises(SchemaError, match="cannot be set to empty: it has 3 different values"):
        passengers.with_changes("Embarked", kind="empty")
    with pytest.raises(SchemaError, match="cannot be set to constant"):
        passengers.with_changes("Embarked", kind="constant")
    with pytest.raises(SchemaError, match="must be true or false"):
        passengers.with_changes("Embarked", include="yes")  # type: ignore[arg-type]


def test_empty_and_constant_columns_cannot_be_included() -> None:
    frame = pd.DataFrame({"blank": [np.nan] * 3, "same": ["x"] * 3, "n": [1, 2, 3]})
    schema = infer_schema(frame)
    with pytest.raises(SchemaError, match="every cell is empty, so there is nothing to learn"):
        schema.with_changes("blank", include=True)
    with pytest.raises(SchemaError, match="same value in every filled row"):
        schema.with_changes("same", include=True)
    with pytest.raises(SchemaError, match="its kind can only be 'empty'"):
        schema.with_changes("blank", kind="categorical")
    as_category = schema.with_changes("same", kind="categorical")["same"]
    assert not as_category.include  # one value: still nothing to learn
    with pytest.raises(SchemaError, match="nothing to learn"):
        schema.with_only(["same", "n"])


def test_with_changes_datetime_format() -> None:
    schema = infer_schema(pd.DataFrame({"d": ["01/02/2016", "03/04/2016"] * 3}))
    fixed = schema.with_changes("d", datetime_format="%d/%m/%Y")["d"]
    assert fixed.datetime_format == "%d/%m/%Y"
    assert fixed.reason == "date format set by you (was: %m/%d/%Y)"
    assert fixed.overridden
    with pytest.raises(SchemaError, match="needs a year"):
        schema.with_changes("d", datetime_format="%d/%m")
    with pytest.raises(SchemaError, match="'%Q' is not a date code"):
        schema.with_changes("d", datetime_format="%d/%m/%Y %Q")
    with pytest.raises(SchemaError, match="'%-Y' and '%K' are not date codes"):
        schema.with_changes("d", datetime_format="%-Y %m %K")
    with pytest.raises(SchemaError, match="lone %"):
        schema.with_changes("d", datetime_format="%d/%m/%Y %")
    text = schema.with_changes("d", kind="categorical")
    with pytest.raises(SchemaError, match="not a date column"):
        text.with_changes("d", datetime_format="%d/%m/%Y")


def test_with_only(sales: Schema) -> None:
    chosen = sales.with_only(["Sales", "Segment", "Customer Name"])
    assert chosen.included_names == ["Customer Name", "Segment", "Sales"]
    assert chosen["Customer Name"].overridden
    assert chosen["Order Date"].overridden and not chosen["Order Date"].include
    assert not chosen["Order ID"].overridden  # already left out
    assert sales.with_only("Sales").included_names == ["Sales"]
    with pytest.raises(SchemaError, match=r"no columns called 'Sails', 'Regoin'\. Did you mean"):
        sales.with_only(["Sails", "Regoin"])
    with pytest.raises(SchemaError, match="at least one column"):
        sales.with_only([])


# ---------------------------------------------------------------------------------- saving
def test_json_round_trip_of_inferred_schemas(sales: Schema, passengers: Schema) -> None:
    for schema in (
        sales,
        passengers,
        sales.with_only(["Sales"]).with_changes("Quantity", kind="categorical"),
    ):
        text = schema.to_json()
        assert Schema.from_json(text) == schema
        assert Schema.from_dict(json.loads(text)) == schema


def test_summary_rows_are_json_friendly(passengers: Schema) -> None:
    rows = passengers.summary_rows()
    json.dumps({"rows": passengers.rows, "columns": rows}, allow_nan=False)
    age = next(row for row in rows if row["name"] == "Age")
    assert age["kind"] == "numerical"
    assert age["missing"] == 0.2
    assert (age["min"], age["max"], age["decimals"]) == (0.83, 67.0, 2)
    pclass = next(row for row in rows if row["name"] == "Pclass")
    assert (pclass["min"], pclass["max"]) == (1, 3)
    assert isinstance(pclass["min"], int)
    name = next(row for row in rows if row["name"] == "Name")
    assert name["pii_type"] == "name"
    assert "min" not in name and "datetime_format" not in name


def _valid_column(**changes) -> dict:
    column = {
        "name": "age",
        "kind": "integer",
        "reason": "whole numbers",
        "include": True,
        "missing": 0.0,
        "distinct": 5,
        "dtype": "int64",
    }
    column.update(changes)
    return column


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be an object with 'rows' and 'columns'"),
        ({"rows": 3}, "'columns' is missing"),
        ({"rows": -1, "columns": []}, "'rows' must be a whole number"),
        ({"rows": 3, "columns": {}}, "'columns' must be a list"),
        ({"rows": 3, "columns": [], "extra": 1}, "unknown settings 'extra'"),
        ({"rows": 3, "columns": [], "version": 99}, "newer version"),
        ({"rows": 3, "columns": ["age"]}, "column 1 must be an object"),
        ({"rows": 3, "columns": [_valid_column(kind="money")]}, "'kind' must be one of numerical"),
        ({"rows": 3, "columns": [_valid_column(include="yes")]}, "'include' must be true or false"),
        ({"rows": 3, "columns": [_valid_column(missing=1.5)]}, "'missing' must be a share"),
        ({"rows": 3, "columns": [_valid_column(distinct=2.5)]}, "'distinct' must be a whole"),
        ({"rows": 3, "columns": [_valid_column(decimals=9)]}, "'decimals' must be a whole"),
        ({"rows": 3, "columns": [_valid_column(pii_type="dna")]}, "'pii_type' must be one of"),
        ({"rows": 3, "columns": [_valid_column(colour="red")]}, "unknown settings 'colour'"),
        ({"rows": 3, "columns": [{"name": "age"}]}, r"column 1 \('age'\) lacks 'kind'"),
        ({"rows": 3, "columns": [_valid_column(), _valid_column()]}, "more than one column"),
        ({"rows": 3, "columns": [_valid_column(kind="empty")]}, "every cell is empty"),
    ],
)
def test_from_dict_rejects_malformed_schemas(data, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        Schema.from_dict(data)


def test_from_json_rejects_bad_json() -> None:
    with pytest.raises(SchemaError, match=r"not valid JSON \(Expecting .* at line 1"):
        Schema.from_json("{rows: 3")
    with pytest.raises(SchemaError) as raised:
        Schema.from_dict({"rows": 3, "columns": [1]})
    assert str(raised.value).endswith(
        "Fix the schema file, or infer the schema again from the table."
    )


_FINITE = st.floats(allow_nan=False, allow_infinity=False)
_OPTIONAL_TEXT = st.none() | st.text(max_size=20)


def _includable(column: ColumnInfo) -> ColumnInfo:
    if column.kind in (Kind.EMPTY, Kind.CONSTANT) or column.distinct < 2:
        column.include = False
    return column


_COLUMNS = st.builds(
    ColumnInfo,
    name=st.text(min_size=1, max_size=20),
    kind=st.sampled_from(list(Kind)),
    reason=st.text(max_size=60),
    include=st.booleans(),
    missing=st.floats(min_value=0, max_value=1),
    distinct=st.integers(min_value=0, max_value=10**9),
    dtype=st.sampled_from(["int64", "float64", "object", "bool", "datetime64[ns]", "category"]),
    minimum=st.none() | _FINITE,
    maximum=st.none() | _FINITE,
    decimals=st.none() | st.integers(min_value=0, max_value=6),
    earliest=_OPTIONAL_TEXT,
    latest=_OPTIONAL_TEXT,
    datetime_format=st.none() | st.sampled_from(SUPPORTED_FORMATS),
    pii_type=st.none() | st.sampled_from(PII_TYPES),
    overridden=st.booleans(),
).map(_includable)


@settings(max_examples=60, deadline=None)
@given(
    columns=st.lists(_COLUMNS, max_size=8, unique_by=lambda column: column.name),
    rows=st.integers(min_value=0, max_value=10**8),
)
def test_json_round_trip_of_random_schemas(columns: list[ColumnInfo], rows: int) -> None:
    schema = Schema(columns, rows)
    assert Schema.from_json(schema.to_json()) == schema
    json.dumps(schema.summary_rows(), allow_nan=False)
