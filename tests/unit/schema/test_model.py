"""The schema as people change it and as it is saved: changes, summaries, checked reading."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth_core.errors import SchemaError
from synth_core.schema import PII_TYPES, ColumnInfo, Kind, Schema, infer_schema, parse_schema_json
from synth_core.tables import read_table, to_csv_bytes
from synth_core.tables.dialect import CsvDialect
from synth_core.tables.styles import written_in_styles
from tests.unit.schema.schema_cases import SUPPORTED_FORMATS, schema_json


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
        text = schema_json(schema)
        assert parse_schema_json(text) == schema
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
        ({"rows": 3, "columns": [], "file": {"delimiter": ":"}}, "'file' is not valid: the col"),
        ({"rows": 3, "columns": [], "file": "csv"}, "'file' is not valid: it must be an object"),
    ],
)
def test_from_dict_rejects_malformed_schemas(data, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        Schema.from_dict(data)


def test_parse_schema_json_rejects_bad_json() -> None:
    with pytest.raises(SchemaError, match=r"not valid JSON \(Expecting .* at line 1"):
        parse_schema_json("{rows: 3")
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
    assert parse_schema_json(schema_json(schema)) == schema
    json.dumps(schema.summary_rows(), allow_nan=False)


def test_money_columns_keep_their_pattern_through_a_schema_file() -> None:
    frame = pd.DataFrame({"paid": [1234.5, 12.0, 99.99] * 10, "kind": ["a", "b", "c"] * 10})
    frame.attrs["number_styles"] = {"paid": "$#,##0.00", "kind": "0%"}
    schema = infer_schema(frame)
    assert schema["paid"].number_format == "$#,##0.00"
    assert "written like $#,##0.00" in schema["paid"].reason
    assert schema["kind"].number_format is None  # only number columns are written in a style
    again = parse_schema_json(schema_json(schema))
    assert again.number_formats == {"paid": "$#,##0.00"}


def test_a_schema_file_with_a_broken_number_pattern_is_refused() -> None:
    data = infer_schema(pd.DataFrame({"paid": [1.5, 2.5] * 10})).to_dict()
    data["columns"][0]["number_format"] = "$#,##"
    with pytest.raises(SchemaError, match="'number_format' must be a number pattern such as"):
        Schema.from_dict(data)


def test_whole_numbers_with_gaps_are_written_without_decimals():
    frame = pd.DataFrame(
        {"mass": [3750.0, np.nan, 4050.0, 3800.0] * 10, "bill": [39.1, 39.5, np.nan, 40.3] * 10}
    )
    schema = infer_schema(frame)
    assert schema.number_formats == {"mass": "0"}  # read as floats for the gaps
    written = written_in_styles(frame, schema.number_formats)
    assert written["mass"].tolist()[:4] == ["3750", np.nan, "4050", "3800"]
    assert to_csv_bytes(written).decode().splitlines()[1] == "3750,39.1"


def test_flags_and_codes_with_gaps_are_written_without_decimals():
    frame = pd.DataFrame(
        {
            "union": [0.0, 1.0, np.nan, 1.0] * 10,  # a 0/1 flag, read as floats for its gaps
            "occ_code": [11.0, 12.0, np.nan, 40.0] * 10,  # a code
            "grade": [1.5, 2.5, np.nan, 1.5] * 10,  # categories with decimals keep them
        }
    )
    schema = infer_schema(frame)
    assert schema["union"].kind == Kind.BOOLEAN and schema["occ_code"].kind == Kind.CATEGORICAL
    assert schema.number_formats == {"union": "0", "occ_code": "0"}
    written = to_csv_bytes(written_in_styles(frame, schema.number_formats)).decode()
    assert written.splitlines()[1:3] == ["0,11,1.5", "1,12,2.5"]


def test_a_schema_keeps_the_dialect_of_its_file_and_an_older_one_reads_as_plain() -> None:
    text = "Stadt;Preis\n" + "".join(f"{('Köln', 'Münster')[i % 2]};{i},5\n" for i in range(30))
    schema = infer_schema(read_table(text.encode("cp1252")).frame)
    assert schema.dialect == CsvDialect(";", ",", bom=True)
    changed = schema.with_only(["Preis"]).with_changes("Stadt", include=True)
    assert changed.dialect == schema.dialect
    assert Schema.from_dict(json.loads(json.dumps(schema.to_dict()))) == schema
    older = {key: value for key, value in schema.to_dict().items() if key != "file"}
    assert Schema.from_dict(older).dialect == CsvDialect()
    assert schema.written_as.dialect == schema.dialect


def test_a_file_of_decimal_commas_reads_its_ranges_and_rules_with_decimal_commas() -> None:
    from synth_core.rules import LinearRule, RangeRule

    text = "Stadt;Preis;Menge\n" + "".join(
        f"{('Köln', 'Ulm')[i % 2]};{1000 + i * 250},5;{i}\n" for i in range(40)
    )
    schema = infer_schema(read_table(text.encode("utf-8")).frame)
    assert schema["Preis"].reason == "numbers from 1.000,5 to 10.750,5 with up to 1 decimal"
    assert RangeRule("Preis", 1000.5, 10750.5).describe(schema) == (
        "Preis is between 1.000,5 and 10.750,5"
    )
    assert LinearRule("Preis", "Menge", 250.0, 1000.5).describe(schema) == (
        "Preis = Menge × 250 + 1000,5"
    )
