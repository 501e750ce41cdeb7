"""Schema inference: kinds a person would agree with, plain reasons, a schema that round-trips."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth_core.errors import SchemaError
from synth_core.schema import MODELLED_KINDS, Kind, Schema, infer_schema, parse_schema_json
from synth_core.schema.dates import format_datetimes, parse_datetimes
from synth_core.tables.read import read_table
from tests.sales_table import KEY_COLUMNS, SALES_KINDS, sales_orders
from tests.unit.schema.schema_cases import FIXTURES, infer_one, schema_json


def text_with_missing(values: list, missing: int) -> pd.Series:
    return pd.Series(list(values) + [np.nan] * missing, dtype=object)


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
    assert info.reason == "every cell is empty: nothing to learn, kept empty"
    assert info.treatment == "keep"  # the file keeps the table's columns


def test_constant_column() -> None:
    info = infer_one(["Acme"] * 4 + [np.nan])
    assert (info.kind, info.include, info.distinct) == (Kind.CONSTANT, False, 1)
    assert info.treatment is None  # its value may say where the data comes from
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
    values = [f"Item{i % 150}" for i in range(1500)]
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
            "owner",
            ["Auerbach, Frank", "Hepworth, Barbara", "Turner, Joseph", "Riley, Bridget"] * 2,
            "name",
            "people's names",
        ),
        (  # as a booking system writes its users
            "agent",
            ["devin_rivera_borrego", "ann_lee", "tom_ford", "li_wei", "sara_kim", "jo_park"],
            "name",
            "people's names",
        ),
        (  # exported in lower case
            "fake_last_name",
            ["westerling", "targaryen", "rivers", "swyft", "stark", "lannister", "tully", "frey"],
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
    towns = ["Brooke", "Mercy", "Valley", "Lake", "Ridge", "Grace", "Hope", "Saint Ann"]
    entities = [f"{town} {what}" for town in towns for what in ("Clinic", "Medical Center")]
    assert infer_one(entities, name="Name.of.Covered.Entity").kind is not Kind.PII


def test_companies_under_a_column_called_name_are_not_people() -> None:
    # Forbes' 2,000 firms were "people's names: personal data".
    firms = ["Citigroup", "General Electric", "American Intl Group", "ExxonMobil", "BP"]
    firms += ["Bank of America", "HSBC Group", "Toyota Motor", "Fannie Mae", "Wal-Mart Stores"]
    firms += ["UBS", "ING Group", "Royal Dutch/Shell Group", "Berkshire Hathaway", "IBM"]
    firms += [f"Firm {chr(65 + i)}{chr(65 + j)} Holdings" for i in range(5) for j in range(5)]
    info = infer_one(firms, name="name")
    assert info.kind is not Kind.PII and not info.include
    people = [f"{a} {b}" for a in ("Ann", "Ravi", "Jo", "Lena", "Tom") for b in "BCDFGHJKLM"]
    assert infer_one(people * 2, name="name").kind is Kind.PII


def test_names_under_any_header_are_found_by_their_first_names() -> None:
    """A customer's name in a German, Dutch or unnamed column: most values hold a first name."""
    first = ["Ilse", "Prof. Peer", "Claus-Dieter", "Jan", "Sophie", "Wendelin", "Greta", "Tomasz"]
    last = ["Meyer", "Hesse", "Hertrampf-Hahn", "de Vries", "Martin", "Nowak"]
    people = [f"{a} {b}" for a in first for b in last]
    info = infer_one(people, name="Käufer")
    assert (info.kind, info.pii_type) == (Kind.PII, "name")
    assert info.reason.startswith("looks like people's names, such as ")
    # Places named after people are not people: too few hold a first name.
    cities = ["San Diego", "Santa Rosa", "New York", "Grand Rapids", "Fort Collins", "Salt Lake"]
    cities += ["Las Vegas", "Port Elizabeth", "El Paso", "Kansas City", "Long Beach", "Boise"]
    assert infer_one(cities * 2, name="Ort").kind is Kind.CATEGORICAL
    # A menu's pizzas, in lower case under a column called just 'name', are not people.
    pizzas = ["big_meat", "the_greek", "thai_ckn", "hawaiian", "five_cheese", "bbq_ckn"]
    pizzas += ["four_cheese", "veggie_veg", "spinach_fet", "mexicana", "calabrese", "sicilian"]
    pizzas += ["cali_ckn", "southw_ckn", "ital_supr", "pepperoni", "classic_dlx", "napolitana"]
    pizzas += [
        "soppressata",
        "prsc_argla",
        "spin_pesto",
        "green_garden",
        "ckn_alfredo",
        "ital_veggie",
    ]
    assert infer_one(pizzas * 4, name="name").kind is Kind.CATEGORICAL
    firsts = ["devin", "ann", "tom", "sara", "lisa", "jan", "anna", "mark"]
    people = [f"{a}_{b}" for a in firsts for b in ("rivera", "lee", "ford", "kim")]
    assert infer_one(people * 2, name="name").pii_type == "name"
    # Products named for people are products.
    products = [
        f"{a} {b}"
        for a in ("Steven", "Anna", "Lisa", "Max")
        for b in ("Lampe", "Tisch", "Stuhl", "Sofa", "Regal")
    ]
    assert infer_one(products * 2, name="Artikel").kind is not Kind.PII


def test_japanese_headers_name_people_addresses_phones_and_postcodes() -> None:
    names = [
        f"{a} {b}"
        for a in ("太田", "鈴木", "佐藤", "高橋", "田中")
        for b in ["真綾", "英樹", "花子", "健一", "翔太", "明美"]
    ]
    assert infer_one(names, name="氏名").pii_type == "name"
    joined = [name.replace(" ", "") for name in names]  # written without a space
    assert infer_one(joined, name="顧客").pii_type == "name"
    phones = [f"090-{1000 + i:04d}-{2000 + i:04d}" for i in range(30)]
    assert infer_one(phones, name="電話番号").pii_type == "phone"
    postcodes = [f"{100 + i % 3:03d}-{i % 4:04d}" for i in range(30)]
    assert infer_one(postcodes, name="郵便番号").kind is Kind.CATEGORICAL  # not phone numbers


def test_postal_codes_nearly_every_row_has_its_own_are_left_out() -> None:
    rare = [f"{i * 37 % 99999:05d}" for i in range(54)] + ["00037"] * 6
    info = infer_one(rare, name="zip")
    assert (info.kind, info.include) == (Kind.IDENTIFIER, False)
    assert info.reason.startswith("postal codes, a different value in 90 % of rows: as categ")
    shared = [f"{i % 12:05d}" for i in range(60)]
    assert infer_one(shared, name="zip").kind is Kind.CATEGORICAL
    padded = [f"0{i * 7919 % 9999:04d}" for i in range(60)]  # unnamed codes of one row each
    assert infer_one(padded, name="ref").kind is Kind.IDENTIFIER
    whole = [10_000 + i * 1_399 for i in range(60)]  # read as whole numbers
    assert infer_one(whole, name="ZIP").kind is Kind.IDENTIFIER
    assert infer_one([90210, 10001, 60601] * 20, name="ZIP").kind is Kind.CATEGORICAL


def test_not_phone_numbers() -> None:
    ips = [f"192.168.1.{i}" for i in range(30)]
    assert infer_one(ips, name="host").kind is not Kind.PII
    ids = [f"100-{i:04d}-77" for i in range(30)]
    assert infer_one(ids, name="Order ID").kind is Kind.IDENTIFIER
    rings = [f"877-{76317 + i}" for i in range(30)]  # a bird's band, named a number
    assert infer_one(rings, name="BandNumber").kind is Kind.IDENTIFIER
    assert infer_one(rings, name="Phone Number").kind is Kind.PII


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


def test_a_label_of_each_row_is_an_identifier() -> None:
    """Names or codes that differ in every row ('Mazda RX4', airport codes of letters only):
    as categories seen once, a model could only copy them, so they are left out."""
    cars = [
        f"{make} {model}"
        for make in ("Mazda", "Fiat", "Volvo", "Honda")
        for model in ("RX4", "Wagon", "Coupe", "Sport", "GT", "Turbo")
    ]
    info = infer_one(cars, name="model")
    assert (info.kind, info.include) == (Kind.IDENTIFIER, False)
    assert "a label of one row each" in info.reason and "left out by default" in info.reason
    letters = [a + b + c for a in "ABC" for b in "DEF" for c in "GHJ"]
    assert infer_one(letters, name="iata").kind is Kind.IDENTIFIER
    # A few repeats among many labels still mean one row each; more repeats are categories.
    assert infer_one(cars[:-1] + cars[:1], name="model").kind is Kind.IDENTIFIER
    assert infer_one(cars[:16] + cars[:8], name="model").kind is Kind.CATEGORICAL
    # Names of organisations, a few of them in several rows: still a label of one row each.
    clinics = [f"{town} {what}" for town in ("Brooke", "Mercy", "Valley") for what in cars[:9]]
    info = infer_one(clinics + clinics[:3], name="Covered Entity")
    assert info.kind is Kind.IDENTIFIER and "a different value in 90 % of rows" in info.reason
    # Too few rows to tell, and long sentences stay free text.
    assert infer_one(cars[:19], name="model").kind is Kind.CATEGORICAL
    notes = [f"Customer {i} called twice about the late delivery of the order." for i in range(30)]
    assert infer_one(notes, name="comment").kind is Kind.TEXT
    # Amounts with units and time stamps are measures, not labels.
    weights = [f"{5 + i * 0.25:.2f} kg" for i in range(30)]
    assert infer_one(weights, name="weight").kind is not Kind.IDENTIFIER
    stamps = [f"2024-03-01T10:{i:02d}:00+01:00" for i in range(30)]
    assert infer_one(stamps, name="at").kind is not Kind.IDENTIFIER


def test_identifier_numbers() -> None:
    assert infer_one(list(range(1, 51)), name="row").kind is Kind.IDENTIFIER  # 1..N
    named = infer_one([7, 3, 99, 1024, 5, 61], name="customer_id")
    assert named.kind is Kind.IDENTIFIER
    assert "named like an ID" in named.reason
    rng = np.random.default_rng(1)
    spread = rng.choice(10**9, size=50, replace=False)
    assert infer_one(spread, name="population").kind is Kind.INTEGER  # unique, not counting up
    # Named as one word, as surveys do (the European Social Survey's respondent numbers).
    for name in (
        "idno",
        "caseid",
        "RespondentID",
        "unitid",
        "custno",
        "orderkey",
        "site_userid",
        "Bib",
    ):
        assert infer_one(spread, name=name).kind is Kind.IDENTIFIER, name
    # A number named first, as French, Spanish and German names put it.
    for name in ("N° répondant", "Nº client", "Número de cliente", "Nummer Kunde"):
        assert infer_one(spread, name=name).kind is Kind.IDENTIFIER, name
    for name in ("Number of orders", "No. of orders", "n_obs", "Number Employees"):  # counts
        assert infer_one(spread, name=name).kind is Kind.INTEGER, name
    for name in ("paid", "valid", "covid", "hybrid", "casino", "unit"):  # words, not keys
        assert infer_one(spread, name=name).kind is Kind.INTEGER, name


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
        assert parse_schema_json(schema_json(schema)) == schema
        json.dumps(schema.summary_rows(), allow_nan=False)


def test_frame_checks() -> None:
    with pytest.raises(SchemaError, match="more than one column called 'a'"):
        infer_schema(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    schema = infer_schema(pd.DataFrame({0: [1, 2, 3], "b": ["x", "y", "z"]}))
    assert schema.names == ["0", "b"]
    assert infer_schema(pd.DataFrame({"a": []})).columns[0].kind is Kind.EMPTY
    with pytest.raises(TypeError):
        infer_schema([[1, 2]])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- repeating keys
def test_a_sales_export_gets_the_kinds_a_person_gives() -> None:
    schema = infer_schema(sales_orders(orders=400, seed=3))
    assert {c.name: c.kind.value for c in schema.columns} == SALES_KINDS
    for name in KEY_COLUMNS:
        assert not schema[name].include
        assert schema[name].reason.startswith("repeats: a key that links rows")


def test_a_repeating_key_found_by_its_name_or_by_its_codes() -> None:
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 80, 600)
    assert infer_one(keys + 1000, name="Customer No").kind is Kind.IDENTIFIER
    # A panel's college numbers over the years; students' numbers named by who they are.
    assert infer_one(keys + 100_000, name="unitid").kind is Kind.IDENTIFIER
    assert infer_one(keys + 1, name="student").kind is Kind.IDENTIFIER
    assert infer_one(keys + 1, name="lecturer").kind is Kind.IDENTIFIER  # staff have keys too
    assert infer_one(keys + 1, name="students").kind is Kind.INTEGER  # a count
    assert infer_one(keys + 1, name="loan").kind is Kind.INTEGER  # an amount
    # A clinical export's medical record and subject numbers; a panel's key per grade.
    for name in ("MRN", "SUBJID", "schoolid1"):
        assert infer_one(keys + 1_371_071, name=name).kind is Kind.IDENTIFIER, name
    assert infer_one(keys + 1, name="grade1").kind is Kind.INTEGER
    assert infer_one([f"C{k:03d}x" for k in keys], name="Account").kind is Kind.IDENTIFIER
    assert infer_one([f"k{k}" for k in keys], name="Customer Key").kind is Kind.IDENTIFIER
    # Codes of different lengths, or too few of them, are categories.
    assert infer_one([f"Item{k}" for k in keys], name="product").kind is Kind.CATEGORICAL
    few = [f"AB-{k % 30:04d}" for k in keys]
    assert infer_one(few, name="ticket").kind is Kind.CATEGORICAL


def test_the_code_of_a_place_is_a_category_not_a_key() -> None:
    # The World Values Survey's countries (about 3,100 respondents each) were left out as "a
    # key that links rows, such as one customer's orders", and their names with them.
    codes = np.random.default_rng(0).integers(0, 80, 600) * 9 + 4
    assert infer_one([f"{c:03d}" for c in codes], name="S003_country_code").include
    assert infer_one(codes, name="state_code").kind is Kind.CATEGORICAL
    assert infer_one(codes, name="Store Code").kind is Kind.IDENTIFIER  # a code of a thing


def test_integer_codes_are_categories_not_amounts() -> None:
    postal = np.resize([10024, 90036, 60610, 19140, 98103], 200)
    assert infer_one(postal, name="Postal Code").kind is Kind.CATEGORICAL
    classes = np.resize([20, 30, 40, 60, 120, 160, 190], 200)
    assert infer_one(classes, name="MS.SubClass").kind is Kind.CATEGORICAL
    assert infer_one(classes, name="width").kind is Kind.INTEGER


def test_notes_written_as_sentences_are_free_text_even_when_some_repeat() -> None:
    notes = ["Nest never observed with full clutch.", "Not enough blood for isotopes."] * 20
    info = infer_one(notes + [None] * 120, name="Comments")
    assert info.kind is Kind.TEXT and not info.include
    labels = ["Low risk.", "High risk, see the file.", "Medium risk."] * 30  # short labels
    assert infer_one(labels, name="band").kind is Kind.CATEGORICAL


def test_iso_timestamps_with_a_utc_mark_are_dates() -> None:
    info = infer_one([f"2013-01-{d:02d}T{h:02d}:00:00Z" for d in range(1, 29) for h in (5, 9)])
    assert info.kind is Kind.DATETIME
    assert info.datetime_format == "%Y-%m-%dT%H:%M:%SZ"


def test_iso_timestamps_with_offsets_from_utc_are_dates() -> None:
    # Storm advisories at '1975-06-26T20:00:00-04:00' were left out as "a key that links rows".
    days = [f"2013-{m:02d}-{d:02d}" for m in (1, 7) for d in range(1, 29)]
    one_zone = infer_one([f"{day}T{h:02d}:00:00+02:00" for day in days for h in (5, 9)])
    assert (one_zone.kind, one_zone.datetime_format) == (Kind.DATETIME, "%Y-%m-%dT%H:%M:%S+02:00")
    # Summer and winter time: each value read with its offset, written as the same instant in UTC.
    seasons = [f"{day}T20:00:00{'-04:00' if day[5:7] == '07' else '-05:00'}" for day in days]
    info = infer_one(seasons * 2)
    assert (info.kind, info.datetime_format) == (Kind.DATETIME, "%Y-%m-%dT%H:%M:%S%z")
    assert "written in UTC" in info.reason
    read = pd.Series(["2013-07-01T20:00:00-04:00", "2013-01-01T20:00:00-05:00"])
    stamps = parse_datetimes(read, info.datetime_format)
    assert format_datetimes(stamps, info.datetime_format).tolist() == [
        "2013-07-02T00:00:00+00:00",
        "2013-01-02T01:00:00+00:00",
    ]


def test_row_numbers_of_a_sample_kept_in_order_are_an_identifier() -> None:
    rng = np.random.default_rng(0)
    numbers = np.sort(rng.choice(np.arange(1, 3000), 700, replace=False))
    frame = pd.DataFrame({"Order": numbers, "price": rng.normal(size=700)})
    info = infer_schema(frame)["Order"]
    assert info.kind is Kind.IDENTIFIER
    assert "counting up like 1, 2, 3" in info.reason


def test_the_same_numbers_out_of_order_or_starting_at_a_year_stay_numbers() -> None:
    rng = np.random.default_rng(0)
    numbers = rng.choice(np.arange(1, 3000), 700, replace=False)
    years = np.arange(1900, 2000)
    assert infer_schema(pd.DataFrame({"n": numbers}))["n"].kind is Kind.INTEGER
    assert infer_schema(pd.DataFrame({"year": years}))["year"].kind is Kind.INTEGER


# ---------------------------------------------------------------------------------- progress
def test_each_column_decided_is_heard_with_the_count_of_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.5, 2.5]})
    heard: list[tuple[int, int]] = []

    schema = infer_schema(frame, on_column=lambda done, total: heard.append((done, total)))

    assert schema.names == ["a", "b", "c"]
    assert heard == [(1, 3), (2, 3), (3, 3)]
