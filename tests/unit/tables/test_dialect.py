"""A synthetic copy is written in its real file's dialect: separator, decimal mark, and a
byte-order mark for files that were not plain UTF-8."""

from __future__ import annotations

import pandas as pd
import pytest

from synth_core.tables import read_table, to_csv_bytes, to_xlsx_bytes, write_csv
from synth_core.tables.dialect import FILE_DIALECT, PLAIN, CsvDialect, WrittenAs

EUROPEAN = CsvDialect(";", ",", bom=True)


def european_file() -> bytes:
    lines = ["Stadt;Preis;Menge;Betrag"]
    lines += [f"Köln;{i},5;{i};{i}.234,50 €" for i in range(1, 31)]
    return "\r\n".join(lines).encode("cp1252")


@pytest.mark.parametrize(
    ("delimiter", "decimal", "encoding", "expected"),
    [
        (";", ",", "cp1252", CsvDialect(";", ",", bom=True)),
        ("\t", ".", "utf-8", CsvDialect("\t", ".", bom=False)),
        (None, ".", "utf-8-sig", CsvDialect(",", ".", bom=True)),
        ("|", ".", "utf-16", CsvDialect("|", ".", bom=True)),
    ],
)
def test_the_dialect_of_a_read_file(delimiter, decimal, encoding, expected):
    assert CsvDialect.read_as(delimiter, decimal, encoding) == expected


def test_reading_a_european_export_keeps_its_dialect_with_the_frame():
    frame = read_table(european_file()).frame
    assert CsvDialect.of_frame(frame) == EUROPEAN
    assert frame.attrs[FILE_DIALECT] == EUROPEAN.to_dict()  # plain data, which pandas can copy
    assert frame["Preis"].tolist()[:2] == [1.5, 2.5]


def test_a_plain_csv_has_the_plain_dialect():
    plain = read_table(b"a,b\n" + b"".join(b"%d,%d.5\n" % (i, i) for i in range(30))).frame
    assert CsvDialect.of_frame(plain) == CsvDialect()
    assert CsvDialect.of_frame(pd.DataFrame({"x": [1]})) == CsvDialect()


def test_the_copy_is_written_as_the_real_file_and_reads_back_the_same():
    real = read_table(european_file()).frame
    made = real.assign(Preis=real["Preis"] + 0.25)
    written = WrittenAs(EUROPEAN, {"Betrag": "#.##0,00 €"})

    data = to_csv_bytes(made, written)

    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Stadt;Preis;Menge;Betrag"
    assert lines[1] == "Köln;1,75;1;1.234,50 €"
    again = read_table(data).frame
    pd.testing.assert_frame_equal(again, made, check_dtype=False, check_exact=False)


def test_streamed_chunks_get_one_byte_order_mark_and_one_header(tmp_path):
    chunks = [pd.DataFrame({"x": [0.5, 1.5]}), pd.DataFrame({"x": [2.5]})]
    path = tmp_path / "out.csv"

    assert write_csv(iter(chunks), path, WrittenAs(EUROPEAN)) == 3

    assert path.read_bytes() == b"\xef\xbb\xbfx\r\n0,5\r\n1,5\r\n2,5\r\n"


def test_the_plain_dialect_writes_what_it_always_wrote():
    frame = pd.DataFrame({"x": [0.5], "t": ["=1+1"]})
    assert to_csv_bytes(frame, PLAIN) == to_csv_bytes(frame) == b"x,t\r\n0.5,'=1+1\r\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"delimiter": ":"}, "separator must be one of"),
        ({"decimal": "'"}, "decimal mark must be one of"),
        ({"bom": "yes"}, "'bom' must be true or false"),
        ({"quote": '"'}, "unknown settings"),
        ({"missing": "#DIV/0!"}, "mark of an empty cell must be one of"),
        ([";"], "must be an object"),
    ],
)
def test_a_malformed_dialect_is_refused_with_its_reason(data, message):
    with pytest.raises(ValueError, match=message):
        CsvDialect.from_dict(data)


def test_a_dialect_survives_its_dict():
    assert CsvDialect.from_dict(EUROPEAN.to_dict()) == EUROPEAN
    marked = CsvDialect(missing="\\N")
    assert CsvDialect.from_dict(marked.to_dict()) == marked
    assert "missing" not in CsvDialect().to_dict()  # as dialects saved before it was kept


@pytest.mark.parametrize(
    ("mark", "kept"), [("NA", "NA"), ("\\N", "\\N"), ("NULL", "NULL"), ("", "")]
)
def test_empty_cells_are_written_with_the_mark_the_real_file_uses(mark, kept):
    rows = [
        f"{i},{mark if i % 4 == 0 else i * 1.5},{mark if i % 5 == 0 else 'x'}" for i in range(40)
    ]
    frame = read_table(("id,amount,label\n" + "\n".join(rows)).encode()).frame
    assert frame["amount"].isna().sum() == 10 and frame["label"].isna().sum() == 8
    dialect = CsvDialect.of_frame(frame)
    assert dialect.missing == kept
    lines = to_csv_bytes(frame, WrittenAs(dialect)).decode().splitlines()
    assert lines[1] == f"0,{kept},{kept}"
    assert read_table(to_csv_bytes(frame, WrittenAs(dialect))).frame["amount"].isna().sum() == 10


def test_the_mark_most_empty_cells_have_is_kept():
    rows = [f"{i},{'NA' if i % 4 == 0 else ''},{i}" for i in range(40)]  # 10 NA, 30 blank
    frame = read_table(("id,note,n\n" + "\n".join(rows)).encode()).frame
    assert CsvDialect.of_frame(frame).missing == ""


def test_the_excel_copy_shows_money_and_percentages_in_their_style():
    import io

    import openpyxl

    frame = pd.DataFrame(
        {"Betrag": [1234.5, -7.25, None], "Rate": [12.5, 3.0, 1.0], "n": [1, 2, 3]}
    )
    written = WrittenAs(EUROPEAN, {"Betrag": "#.##0,00 €", "Rate": "0.0%"})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, written))).active
    assert [c.value for c in sheet["A"]] == ["Betrag", 1234.5, -7.25, None]
    assert sheet["A2"].number_format == '#,##0.00" €"'  # Excel writes its reader's separators
    assert sheet["B2"].number_format == '0.0"%"' and sheet["B2"].value == 12.5  # not 1250 %
    assert sheet["C2"].number_format == "General"


def test_none_among_words_is_an_answer_and_never_the_mark_of_empty_cells():
    # Job ads: no minimum required ('none') beside 'some' and years, and no requirement ticked
    # (an empty cell). 'none' was read as missing, then written into every empty cell.
    years = ["none", "some", "2", "none", "5"] * 8
    ticked = ["", "experience", "", "computer", "experience;computer"] * 8
    rows = [f"{i},{y},{t}" for i, (y, t) in enumerate(zip(years, ticked, strict=True))]
    frame = read_table(("id,minimum_years,requirements\n" + "\n".join(rows)).encode()).frame
    assert (frame["minimum_years"] == "none").sum() == 16
    assert frame["requirements"].isna().sum() == 16
    dialect = CsvDialect.of_frame(frame)
    assert dialect.missing == ""
    written = read_table(to_csv_bytes(frame, WrittenAs(dialect))).frame
    assert written["requirements"].isna().sum() == 16 and "none" not in set(written["requirements"])


def test_none_among_numbers_is_a_gap():
    frame = read_table(
        b"id,children\n" + b"".join(b"%d,%s\n" % (i, b"none" if i % 3 else b"2") for i in range(30))
    ).frame
    assert frame["children"].isna().sum() == 20 and frame["children"].dtype.kind in "if"
