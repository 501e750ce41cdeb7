"""Reading tables into the frame contract."""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import synth_core
from synth_core.errors import DataError
from synth_core.synthesizer import Synthesizer
from synth_core.tables import (
    MIN_ROWS,
    MISSING_MARKERS,
    ReadLimits,
    ReadResult,
    delimited,
    neutralise_formulas,
    read_table,
    to_xlsx_bytes,
)
from synth_core.tables.cells import NONE_WORDS
from tests.helpers import TINY_CONFIG

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ADULT = Path(synth_core.__file__).parent / "tables" / "datasets" / "adult.csv.gz"
ANY_SIZE = ReadLimits(min_rows=1)


def read(data: str | bytes, *, limits: ReadLimits = ANY_SIZE, **kwargs) -> ReadResult:
    """Read CSV text (encoded as UTF-8) or raw bytes, with no minimum row count by default."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return read_table(raw, limits=limits, **kwargs)


def rows_text(delimiter: str = ",", rows: int = 25) -> str:
    """A small table: a text, an integer and a decimal column."""
    d = delimiter
    lines = [f"name{d}count{d}price"]
    lines += [f"item {i}{d}{i}{d}{i}.5" for i in range(rows)]
    return "\n".join(lines) + "\n"


def assert_read_error(data: str | bytes, *facts: str, **kwargs) -> str:
    """Reading fails with a DataError whose message holds each fact and says what to do."""
    with pytest.raises(DataError) as caught:
        read(data, **kwargs)
    message = str(caught.value)
    for fact in facts:
        assert fact.lower() in message.lower(), message
    # A problem and an action: at least two sentences.
    assert len(re.findall(r"[.!?](?:\s|$)", message)) >= 2, message
    return message


def only_str(column: pd.Series) -> bool:
    return column.dtype == object and all(type(v) is str for v in column.dropna())


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------


def test_plain_utf8_has_no_encoding_note():
    result = read("city,n\nKöln,1\nZürich,2\n")
    assert result.info.encoding == "utf-8"
    assert result.frame["city"].tolist() == ["Köln", "Zürich"]
    assert not any("UTF" in note or "cp1252" in note for note in result.info.notes)


def test_utf8_with_bom_fixture():
    result = read_table(FIXTURES / "bom_utf8.csv")
    frame = result.frame
    assert result.info.encoding == "utf-8-sig"
    assert any("byte-order mark" in note for note in result.info.notes)
    assert list(frame.columns) == ["id", "name", "town", "score", "age", "comment"]
    assert frame.shape == (26, 6)
    assert frame["id"].dtype == np.int64
    assert frame["score"].dtype == np.float64 and frame["score"].isna().sum() == 2  # N/A
    assert frame["age"].dtype == np.float64 and frame["age"].isna().sum() == 2  # ?
    assert frame.loc[6, "comment"] == "moved, twice\nsecond line"
    assert frame.loc[6, "name"] == "Gus Pellow"
    assert only_str(frame["comment"])


def test_cp1252_european_fixture():
    result = read_table(FIXTURES / "european_cp1252.csv")
    frame, info = result.frame, result.info
    assert (info.encoding, info.delimiter, info.decimal, info.thousands) == (
        "cp1252",
        ";",
        ",",
        ".",
    )
    assert any("cp1252" in note for note in info.notes)
    assert any("decimal comma" in note for note in info.notes)
    assert list(frame.columns) == [
        "Kunde",
        "Stadt",
        "Betrag €",
        "Menge",
        "Rabatt %",
        "Datum",
        "Notiz",
    ]
    assert len(frame) == 26
    assert frame.loc[1, "Kunde"] == "Jürgen Weiß"
    assert frame.loc[0, "Notiz"] == "Prämie €"
    assert frame.loc[2, "Notiz"] == "Rückfrage; später"
    assert frame["Betrag €"].dtype == np.float64
    assert frame.loc[0, "Betrag €"] == pytest.approx(1234.56)
    assert frame.loc[12, "Betrag €"] == pytest.approx(12500.0)
    assert frame.loc[1, "Betrag €"] == pytest.approx(89.9)
    assert frame["Betrag €"].isna().sum() == 2
    assert frame["Menge"].dtype == np.int64
    assert frame.loc[0, "Rabatt %"] == pytest.approx(0.5)
    assert frame.loc[3, "Rabatt %"] == pytest.approx(10.0)
    assert only_str(frame["Datum"]) and frame.loc[0, "Datum"] == "01.01.2023"
    assert frame["Notiz"].isna().sum() > 0


def test_latin1_fallback_when_not_cp1252():
    # 0x81 is undefined in cp1252, so only Latin-1 can decode this.
    data = b"name,n\ncaf\xe9\x81,1\nb,2\n"
    result = read(data)
    assert result.info.encoding == "latin-1"
    assert result.frame.loc[0, "name"] == "café\x81"


def test_utf16_with_bom():
    data = "name\tn\r\nÅsa\t1\r\nBo\t2\r\n".encode("utf-16")
    result = read(data)
    assert result.info.encoding == "utf-16"
    assert result.frame["name"].tolist() == ["Åsa", "Bo"]
    assert result.frame["n"].tolist() == [1, 2]


# --------------------------------------------------------------------------------------------
# Delimiters and layout
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter(delimiter):
    result = read(rows_text(delimiter))
    assert result.info.delimiter == delimiter
    assert result.info.format == ("tsv" if delimiter == "\t" else "csv")
    assert list(result.frame.columns) == ["name", "count", "price"]
    assert result.frame["count"].dtype == np.int64
    assert result.frame["price"].tolist()[:2] == [0.5, 1.5]


def test_delimiter_is_judged_on_many_rows_not_only_the_first():
    text = "id,note\n1,a;b;c\n" + "".join(f"{i},plain {i}\n" for i in range(2, 30))
    result = read(text)
    assert result.info.delimiter == ","
    assert result.frame.loc[0, "note"] == "a;b;c"


def test_excel_sep_hint_line():
    result = read("sep=;\na;b\n1;2\n3;4\n")
    assert result.info.delimiter == ";"
    assert result.frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_tsv_filename_prefers_tab():
    text = "a,b\tc,d\n1,2\t3,4\n5,6\t7,8\n"
    assert read(text).frame.shape[1] == 3  # commas give more columns when nothing says tab
    result = read(text, filename="export.tsv")
    assert result.info.delimiter == "\t"
    assert list(result.frame.columns) == ["a,b", "c,d"]


def test_single_column_file():
    result = read('name\nAlice\n"Bob, Jr."\nCarol, Sr\nDan; the second\n')
    assert result.info.delimiter is None
    assert result.frame["name"].tolist() == ["Alice", "Bob, Jr.", "Carol, Sr", "Dan; the second"]


def test_quoted_field_with_newline_and_delimiter():
    result = read('a,b\n"line one\nline two, still one",1\nx,2\n')
    assert result.frame.loc[0, "a"] == "line one\nline two, still one"
    assert result.frame["b"].tolist() == [1, 2]


def test_crlf_and_old_mac_line_ends():
    assert read("a,b\r\n1,2\r\n3,4\r\n").frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    assert read("a,b\r1,2\r3,4\r").frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_a_lone_carriage_return_inside_a_value_does_not_end_its_row():
    # pandas.to_csv writes a tweet holding a bare \r without quotes; reading it as a line break
    # shifted the rest of the tweet into the next columns, which were learnt and written out.
    rows = [f"app{i % 2},{i},tweet {i},2016-01-0{i % 9 + 1}" for i in range(12)]
    rows[3] = "TweetDeck,3,first part\rsecond part (cont),2011-09-19"
    result = read("source,id,text,created\n" + "\n".join(rows) + "\n")
    assert len(result.frame) == 12
    assert result.frame.loc[3, "text"] == "first part\rsecond part (cont)"
    assert set(result.frame["source"]) == {"app0", "app1", "TweetDeck"}
    assert not result.info.notes


def test_a_typographic_minus_is_a_minus():
    # Daily changes copied from a web page ('−19.42', U+2212) were read as text.
    result = read("day,change\n1,−19.42\n2,3.5\n3,−0.5\n")
    assert result.frame["change"].tolist() == [-19.42, 3.5, -0.5]


def test_whitespace_is_stripped_from_names_and_cells():
    result = read(" name , n \n  Alice  ,  7 \n\tBob\t, 8\n")
    assert list(result.frame.columns) == ["name", "n"]
    assert result.frame["name"].tolist() == ["Alice", "Bob"]
    assert result.frame["n"].tolist() == [7, 8]
    assert result.frame["n"].dtype == np.int64


def test_empty_rows_trailing_separators_and_nameless_empty_column():
    result = read("a;b;\n1;2;\n;;\n\n3;4;\n5;6;;\n")
    assert result.frame.to_dict("list") == {"a": [1, 3, 5], "b": [2, 4, 6]}
    assert any("Skipped 1 empty row" in note for note in result.info.notes)
    assert any("empty column" in note for note in result.info.notes)
    assert isinstance(result.frame.index, pd.RangeIndex)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])  # streamed, and read whole
def test_rows_that_repeat_the_header_are_left_out_with_a_note(encoding):
    # Two poll exports pasted into one file: the second's header made the percentages text.
    first = "pollster,state,clinton\n" + "".join(f"Ipsos,Ohio,{40 + i}.5\n" for i in range(5))
    second = "pollster,state,clinton\n" + "".join(f"Lucid,Iowa é,{50 + i}.25\n" for i in range(5))
    result = read((first + second).encode(encoding))
    assert len(result.frame) == 10
    assert result.frame["clinton"].dtype == np.float64
    assert [n for n in result.info.notes if "repeats the column names" in n] == [
        "Left out a row that repeats the column names, as where two exports were joined into "
        "one file."
    ]


def test_a_value_equal_to_its_column_name_is_kept():
    result = read("answer,n\nyes,1\nanswer,2\nno,3\n")
    assert result.frame["answer"].tolist() == ["yes", "answer", "no"]


def test_a_file_without_a_header_row_gets_a_note():
    result = read("1,blue,1.5\n2,red,2.5\n3,green,0.5\n")
    assert [n for n in result.info.notes if "no header row" in n] == [
        "Read the first row as the column names, but '1', '1.5' look like values: if the file "
        "has no header row, add one with the column names and read it again."
    ]
    for header in ("country,2019,2020,2021", "0,1,2", "name,age,score"):  # years, numbering
        width = header.count(",") + 1
        result = read(f"{header}\n" + (",".join(["x", *"123"][:width]) + "\n") * 3)
        assert list(result.frame.columns) == header.split(","), header
        assert not any("no header row" in note for note in result.info.notes), header


def test_nameless_column_with_data_gets_a_name():
    result = read("a,,c\n1,x,3\n2,y,4\n")
    assert list(result.frame.columns) == ["a", "Column 2", "c"]


def test_short_rows_are_padded_with_missing_values_and_said():
    result = read("a,b,c\n1,2,3\n4,5\n")
    assert result.frame["c"].tolist()[0] == 3
    assert pd.isna(result.frame.loc[1, "c"])
    assert result.info.notes == (
        "Line 3 has fewer values than the 3 columns: the missing values are read as empty. If "
        "values of that row landed in the wrong columns, fix the file and upload it again.",
    )
    many = read("a,b,c\n1,2,3\n4,5\n6\n7,8,9\n").info.notes
    assert any(note.startswith("2 rows (the first on line 3) have fewer values") for note in many)


# --------------------------------------------------------------------------------------------
# Missing values and column types
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", MISSING_MARKERS)
def test_every_missing_marker_becomes_nan(marker):
    cell = f'"{marker}"' if marker else ""
    result = read(f"k,n,t\na,1,x\nb,{cell},{cell}\nc,3,  {marker}  \n")
    assert result.frame["n"].dtype == np.float64
    assert result.frame["n"].isna().tolist() == [False, True, False]
    # 'none' beside a word ('x') is an answer like it (``cells.NONE_WORDS``).
    among_words = marker in NONE_WORDS
    assert result.frame["t"].isna().tolist() == [False, not among_words, not among_words]
    assert only_str(result.frame["t"])


def test_backslash_n_of_database_exports_is_missing_but_not_inside_longer_text():
    text = "id,description\n"
    text += "".join(f"{i},\\N\n" for i in range(8))
    text += "8,Laptop stolen from a car\n9,Path C:\\Notes\\N was shared\n"
    description = read(text).frame["description"]
    assert description.isna().tolist() == [True] * 8 + [False, False]
    assert description[9] == "Path C:\\Notes\\N was shared"


def test_na_among_two_letter_codes_is_a_code_and_elsewhere_missing():
    text = "country,iso2,continent,note\nNamibia,NA,AF,NA\nFrance,FR,EU,x\n"
    text += "Canada,CA,NA,y\nJapan,JP,AS,z\nPeru,PE,SA,NA\n"
    frame = read(text).frame
    assert frame["iso2"].tolist() == ["NA", "FR", "CA", "JP", "PE"]
    assert frame["continent"].tolist() == ["AF", "EU", "NA", "AS", "SA"]
    assert frame["note"].isna().tolist() == [True, False, False, False, True]


def test_na_beside_too_few_two_letter_codes_stays_missing():
    frame = read("code,n\nUS,1\nNA,2\nFR,3\n").frame
    assert frame["code"].isna().tolist() == [False, True, False]


def test_required_markers_are_listed():
    required = {"", "NA", "N/A", "null", "NaN", "?", "-", "na", "n/a", "NULL", "nan", "None"}
    assert required <= set(MISSING_MARKERS)


def test_integers_without_gaps_are_int64_and_with_gaps_float64():
    frame = read("a,b,c\n1,-2,1.5\n3,,2\n+5,4,-0.25\n").frame
    assert frame["a"].dtype == np.int64 and frame["a"].tolist() == [1, 3, 5]
    assert frame["b"].dtype == np.float64 and pd.isna(frame.loc[1, "b"])
    assert frame["c"].dtype == np.float64 and frame["c"].tolist() == [1.5, 2.0, -0.25]


def test_text_like_values_stay_text():
    frame = read(
        "zip,flag,day,mixed,long_id,version\n"
        "01234,True,2023-01-05,5,1234567890123456789012345,1.2.3\n"
        "98765,False,05.02.2023,apple,7,2.0.1\n"
    ).frame
    assert frame["zip"].tolist() == ["01234", "98765"]
    assert frame["flag"].tolist() == ["True", "False"]
    assert frame["day"].tolist() == ["2023-01-05", "05.02.2023"]
    assert frame["mixed"].tolist() == ["5", "apple"]
    assert frame["long_id"].tolist() == ["1234567890123456789012345", "7"]
    for name in frame.columns:
        assert only_str(frame[name]), name


def test_scientific_notation_is_a_number():
    frame = read("x\n1e3\n-2.5E-2\n").frame
    assert frame["x"].tolist() == [1000.0, -0.025]


def test_all_missing_column_is_float_nan():
    frame = read("a,b\n1,\n2,NA\n").frame
    assert frame["b"].dtype == np.float64 and frame["b"].isna().all()


# --------------------------------------------------------------------------------------------
# Decimal and thousands separators
# --------------------------------------------------------------------------------------------


def test_decimal_comma_in_semicolon_file():
    result = read("a;b\n3,5;1.234,56\n4;10\n")
    assert (result.info.decimal, result.info.thousands) == (",", ".")
    assert result.frame["a"].tolist() == [3.5, 4.0]
    assert result.frame["b"].tolist() == [1234.56, 10.0]


def test_decimal_comma_in_tab_file_with_space_thousands():
    result = read("a\tb\n3,25\t1 234,5\n4\t2\n")
    assert (result.info.decimal, result.info.thousands) == (",", " ")
    assert result.frame["a"].tolist() == [3.25, 4.0]
    assert result.frame["b"].tolist() == [1234.5, 2.0]


def test_ambiguous_dot_reads_as_thousands_when_the_file_uses_decimal_commas():
    result = read("a;b\n1.234;2,5\n3;4\n")
    assert result.frame["a"].tolist() == [1234, 3]
    assert result.frame["a"].dtype == np.int64


def test_ambiguous_dot_reads_as_decimal_point_without_evidence():
    result = read("a;b\n1.234;2\n3;4\n")
    assert result.info.decimal == "."
    assert result.frame["a"].tolist() == [1.234, 3.0]


def test_comma_file_with_quoted_thousands():
    result = read('a,b\n"1,234.5",2\n3.5,4\n')
    assert (result.info.decimal, result.info.thousands) == (".", ",")
    assert result.frame["a"].tolist() == [1234.5, 3.5]


def test_comma_inside_text_does_not_decide_the_decimal():
    result = read('size;weight\n"3,5 kg";1.5\n"4,5 kg";2.25\n')
    assert result.info.decimal == "."
    assert result.frame["weight"].tolist() == [1.5, 2.25]
    assert result.frame["size"].tolist() == ["3,5 kg", "4,5 kg"]


def test_inconsistent_numbers_stay_text():
    result = read("a;b\n1,5;x\n2.5;y\n")  # a decimal comma file where one value uses a point
    assert result.frame["a"].tolist() == ["1,5", "2.5"]


# --------------------------------------------------------------------------------------------
# Other sources and formats
# --------------------------------------------------------------------------------------------


def test_bundled_adult_file():
    result = read_table(ADULT, limits=ReadLimits())
    frame = result.frame
    assert frame.shape == (32_561, 15)
    assert frame.loc[0, "workclass"] == "State-gov"
    assert frame["workclass"].isna().sum() > 0  # "?" cells
    assert "?" not in set(frame["workclass"].dropna())
    assert not frame["workclass"].dropna().str.startswith(" ").any()
    for name in ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss"]:
        assert frame[name].dtype == np.int64, name
    assert only_str(frame["native-country"])
    assert isinstance(frame.index, pd.RangeIndex)


def test_gzip_bytes_and_file_object_sources(tmp_path):
    packed = gzip.compress(rows_text().encode())
    assert read(packed, filename="t.csv.gz").frame.shape == (25, 3)
    assert read_table(io.BytesIO(rows_text(";").encode())).frame.shape == (25, 3)
    path = tmp_path / "t.csv"
    path.write_text(rows_text("|"))
    assert read_table(str(path)).info.delimiter == "|"


def test_xlsx_round_trip():
    frame = pd.DataFrame(
        {
            "n": np.arange(-3, 22, dtype=np.int64),
            "x": [0.5 * i if i % 4 else np.nan for i in range(25)],
            "t": [f"word {i}" if i % 3 else np.nan for i in range(25)],
            "code": [f"{i:05d}" for i in range(25)],
        }
    )
    result = read_table(to_xlsx_bytes(frame))
    assert result.info.format == "xlsx" and result.info.encoding is None
    pd.testing.assert_frame_equal(result.frame, frame)


def test_xlsx_text_that_looks_like_a_formula_is_stored_as_text():
    frame = pd.DataFrame({"t": ["=1+1", "-5 apples", "ok"], "n": [-5, 1, 2]})
    data = to_xlsx_bytes(frame)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["t", "n"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'=1+1"
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "'-5 apples"
    assert sheet["B2"].data_type == "n" and sheet["B2"].value == -5
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    back = read(data).frame
    pd.testing.assert_frame_equal(back, neutralise_formulas(frame))


def test_xlsx_is_cleaned_like_csv():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([" name ", "when", "ok", "score"])
    sheet.append(["  Ann ", pd.Timestamp("2024-03-01").to_pydatetime(), True, "NA"])
    sheet.append(["Bo", pd.Timestamp("2024-03-02 08:30").to_pydatetime(), False, 2.5])
    workbook.create_sheet("Other")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read(buffer.getvalue())
    assert result.frame.to_dict("list") == {
        "name": ["Ann", "Bo"],
        "when": ["2024-03-01", "2024-03-02 08:30:00"],
        "ok": ["True", "False"],
        "score": [pytest.approx(np.nan, nan_ok=True), 2.5],
    }
    assert any("first sheet" in note for note in result.info.notes)


def test_text_file_named_xlsx_is_read_as_text():
    result = read(rows_text(), filename="report.xlsx")
    assert result.info.format == "csv"
    assert any("plain text" in note for note in result.info.notes)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\ufeff".encode(), b"\n\n\n"])
def test_empty_file(data):
    assert_read_error(data, "empty")


def test_header_without_rows():
    assert_read_error("a,b,c\n", "no rows")
    assert_read_error("a,b,c\n,,\n\n", "no rows")


def test_fewer_rows_than_the_minimum():
    message = assert_read_error(rows_text(rows=5), "only 5 rows", limits=ReadLimits())
    assert str(MIN_ROWS) in message
    assert_read_error(rows_text(rows=9), "at least 10", limits=ReadLimits(min_rows=10))
    assert read(rows_text(rows=10), limits=ReadLimits(min_rows=10)).frame.shape == (10, 3)


def test_ragged_row_names_the_line():
    text = "a,b\n1,2\n3,4\n5,6,7\n8,9\n"
    assert_read_error(text, "line 4", "3 values", "2 columns")


def test_ragged_row_after_a_multiline_value_names_its_first_line():
    text = 'a,b\n"x\ny",1\n3,4,5\n'
    assert_read_error(text, "line 4")


def test_unclosed_quote():
    assert_read_error('a,b\n1,2\n"x,1\n2,3\n4,5\n', "line 3", "quote")


@pytest.mark.parametrize(
    ("header", "names"),
    [("age,name,age", ["'age'"]), ("a, a ,b,b", ["'a'", "'b'"])],
)
def test_duplicate_column_names(header, names):
    width = header.count(",") + 1
    text = header + "\n" + ",".join(["1"] * width) + "\n"
    assert_read_error(text, "share a name", *names)


@pytest.mark.parametrize(
    ("data", "fact"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"name,n\nab\x00cd,1\n", "binary"),
        (bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)), "binary"),
        (bytes(np.random.default_rng(1).integers(1, 256, 4000, dtype=np.uint8)), "binary"),
    ],
    ids=["png", "pdf", "xls", "nul", "random", "random-without-nul"],
)
def test_binary_input(data, fact):
    assert_read_error(data, fact)


@pytest.mark.parametrize(
    ("data", "fact"),
    [
        (b'[\n  {"id": 1, "name": "a"},\n  {"id": 2, "name": "b"}\n]\n', "JSON data"),
        (b'\xef\xbb\xbf{"rows": [{"id": 1}]}', "JSON data"),
        (b'<?xml version="1.0"?>\n<rows><row id="1"/></rows>\n', "XML document"),
        (b"<!DOCTYPE html>\n<html><table><tr><td>1</td></tr></table></html>", "web page"),
    ],
    ids=["json", "json-bom", "xml", "html"],
)
def test_text_that_is_no_table_is_named_for_what_it_is(data, fact):
    # A JSON file was told "The file has a header row but no rows of data under it".
    assert_read_error(data, fact, "Save the table as CSV")
    # A table whose first name is in brackets is still a table.
    assert list(read("[Date],[Value]\n2024-01-01,3\n").frame.columns) == ["[Date]", "[Value]"]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_that_is_not_a_workbook():
    assert_read_error(_zip({"data.csv": rows_text().encode()}), "ZIP archive", "unpack")
    ods = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    assert_read_error(ods, "OpenDocument")


def test_a_model_file_picked_as_a_table_is_named_and_pointed_to_the_command_line():
    frame = pd.DataFrame({"x": np.arange(60) % 7, "y": ["a", "b", "c"] * 20})
    model = Synthesizer(TINY_CONFIG).fit(frame).to_bytes()
    assert_read_error(model, "Synth Studio model file, not a table", "python -m synth_core sample")
    assert_read_error(model[: len(model) // 2], "could not be read", "damaged")


def test_corrupt_xlsx():
    good = to_xlsx_bytes(pd.DataFrame({"a": [1, 2]}))
    assert_read_error(good[: len(good) // 2], "damaged")
    assert_read_error(_zip({"xl/workbook.xml": b"<not really>"}), "damaged")


def test_corrupt_gzip():
    assert_read_error(gzip.compress(rows_text().encode())[:40], ".gz", "damaged")


def test_xlsx_ragged_row():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    sheet.append([1, 2])
    sheet.append([3, 4, "stray"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert_read_error(buffer.getvalue(), "row 3", "2 columns")


def test_limits_on_bytes_rows_and_columns():
    assert_read_error(rows_text(), "limit of 100 bytes", limits=ReadLimits(max_bytes=100))
    packed = gzip.compress(rows_text().encode())
    assert_read_error(packed, "unpacked", limits=ReadLimits(max_bytes=len(packed) + 10))
    assert_read_error(rows_text(rows=11), "more than 10 rows", limits=ReadLimits(max_rows=10))
    assert read(rows_text(rows=10), limits=ReadLimits(max_rows=10, min_rows=1)).frame.shape[0] == 10
    assert_read_error(rows_text(), "3 columns", "limit is 2", limits=ReadLimits(max_columns=2))


def test_limit_on_bytes_from_path_and_file_object(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(rows_text())
    with pytest.raises(DataError, match="limit of 100 bytes"):
        read_table(path, limits=ReadLimits(max_bytes=100))
    with pytest.raises(DataError, match="limit of 100 bytes"):
        read_table(io.BytesIO(path.read_bytes()), limits=ReadLimits(max_bytes=100))


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(DataError, match=r"nothere\.csv.*not found") as caught:
        read_table(tmp_path / "nothere.csv")
    assert "pick another file" in str(caught.value)
    with pytest.raises(DataError, match="folder"):
        read_table(tmp_path)


def test_impossible_path_is_reported_as_not_found():
    with pytest.raises(DataError, match="not found"):
        read_table("a,b\n1,2\n" * 100)  # CSV text passed where a path belongs
    with pytest.raises(DataError, match="not found"):
        read_table("bad\x00name.csv")


def test_a_workbook_of_empty_sheets():
    workbook = openpyxl.Workbook()
    workbook.create_sheet("Second")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert_read_error(buffer.getvalue(), "Every sheet of the workbook is empty")


def test_a_cover_sheet_before_the_table_is_passed_over_with_a_note():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Cover"
    workbook.active.append(["Staff report"])
    workbook.active.append(["Prepared by HR"])
    data = workbook.create_sheet("Data")
    data.append(["team", "hours"])
    for i in range(40):
        data.append([f"t{i % 3}", i])
    workbook.create_sheet("Charts")
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read_table(buffer.getvalue())

    assert list(result.frame.columns) == ["team", "hours"] and len(result.frame) == 40
    assert (
        "Read the sheet 'Data' of 3 sheets: the sheets before it hold too few rows for a table "
        "('Cover': 2 filled rows)."
    ) in result.info.notes


def test_xlsx_row_limit():
    data = to_xlsx_bytes(pd.DataFrame({"a": range(30)}))
    assert_read_error(data, "more than 10 rows", limits=ReadLimits(max_rows=10))


def test_reading_prints_and_logs_nothing(capsys, caplog):
    caplog.set_level("DEBUG")
    read_table(FIXTURES / "european_cp1252.csv")
    with pytest.raises(DataError):
        read(b"secret,value\nAda,1\nAda,2,3\n")
    assert capsys.readouterr() == ("", "")
    assert caplog.records == []


def test_unexpected_failure_is_wrapped(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("internal detail")

    monkeypatch.setattr(delimited, "_detect_delimiter", broken)
    with pytest.raises(DataError) as caught:
        read(rows_text())
    assert isinstance(caught.value.__cause__, ValueError)
    assert "internal detail" not in str(caught.value)
    assert "CSV" in str(caught.value)


def test_wrong_source_type_is_a_programming_error():
    with pytest.raises(TypeError):
        read_table(42)  # type: ignore[arg-type]


def test_money_and_percentages_are_read_as_numbers_each_column_in_its_own_style() -> None:
    result = read(
        "income,balance,rate,share,note\n"
        '"$90,000.00","27.015,86 €",14.07%,18%,$5 off\n'
        '"$1,234.50","1.234,50 €",7.5%,3%,see below\n'
        '"-$12.00","0,00 €",12%,100%,$1\n'
    )
    frame = result.frame

    assert frame["income"].tolist() == [90000.0, 1234.5, -12.0]
    assert frame["balance"].tolist() == [27015.86, 1234.5, 0.0]
    assert frame["rate"].tolist() == [14.07, 7.5, 12.0]  # the number as shown
    assert frame["share"].tolist() == [18.0, 3.0, 100.0]
    assert frame["note"].dtype == object  # not every value is an amount
    assert any(
        "Read 'income' as numbers, written like '$90,000.00'" in n for n in result.info.notes
    )


def test_title_lines_above_a_csv_table_are_left_out_with_a_note():
    """As spreadsheets and reporting tools export them: a title, a line of notes, a blank
    line of separators, then the table."""
    body = "".join(f"{('admin', 'manage')[i % 2]},{8 + i % 9},no\n" for i in range(40))
    text = "Bank wages report,,\nExported 2024-03-01 by HR,,\n,,\njob,education,minority\n" + body

    result = read_table(text.encode())

    assert list(result.frame.columns) == ["job", "education", "minority"]
    assert len(result.frame) == 40 and result.frame["education"].dtype.kind == "i"
    assert (
        "Read the column names from line 4: the rows above them look like a title or notes "
        "('Bank wages report'; 'Exported 2024-03-01 by HR'), so they were left out."
    ) in result.info.notes
    plain = read_table(("job,education,minority\n" + body).encode())
    assert not any("title" in note for note in plain.info.notes)


def test_comment_lines_with_commas_above_a_table_are_left_out_with_a_note():
    # A weather logger's export: the first note named three stations with commas, and the
    # whole file was read as one column of text.
    notes = "# Hourly observations, stations EWR, JFK, LGA (local time)\n# Exported by Logger 2.3\n"
    body = "".join(f"{('EWR', 'JFK')[i % 2]},{i % 24},{20 + i % 9}.5\n" for i in range(40))
    result = read_table((notes + "station,hour,temp\n" + body).encode())
    assert list(result.frame.columns) == ["station", "hour", "temp"] and len(result.frame) == 40
    assert any(
        note.startswith("Read the column names from line 3") and "'# Hourly observations, " in note
        for note in result.info.notes
    )
    # A header whose first name starts with '#' is as wide as the table: still the header.
    counted = read_table(("# of orders,customer,total\n" + body).encode()).frame
    assert list(counted.columns) == ["# of orders", "customer", "total"] and len(counted) == 40


def test_a_file_of_notes_alone_says_there_is_no_table(tmp_path):
    # It was told "The table has only 1 row of data".
    notes = "# Station log, EWR, JFK\n# no readings, no gusts, today\n\n"  # rows alike
    assert_read_error(notes, "no table in it")
    path = tmp_path / "log.csv"  # read from a file, as the command line reads it
    path.write_text(notes)
    with pytest.raises(DataError, match="no table in it"):
        read_table(path)


def test_notes_under_a_table_after_a_blank_line_are_left_out_with_a_note():
    # The World Bank's DataBank download ends so; the two lines were learnt as rows.
    body = "".join(f"C{i},SP.POP,{1000 + i},{1010 + i}\n" for i in range(40))
    footer = "\n\nData from database: World Development Indicators\nLast Updated: 12/20/2018\n"
    result = read_table(("code,series,2000,2001\n" + body + footer).encode())
    assert len(result.frame) == 40 and result.frame["2001"].dtype.kind == "i"
    assert (
        "Left out 2 lines under the table ('Data from database: World Development In'; "
        "'Last Updated: 12/20/2018'): they look like notes, not rows of data."
    ) in result.info.notes
    # Right under the data, a row of one value is a row (its other cells empty).
    kept = read_table(("code,series,2000,2001\n" + body + "C99,,,\n").encode()).frame
    assert len(kept) == 41 and kept["code"].iloc[-1] == "C99"


def test_a_single_column_with_a_stray_separator_is_still_one_column():
    lines = ["comment"] + [f"fine {i}" for i in range(30)]
    lines[3] = "good, but slow"  # a value with a comma, not a header
    result = read_table(("\n".join(lines) + "\n").encode())
    assert list(result.frame.columns) == ["comment"] and len(result.frame) == 30


def test_words_for_no_value_in_a_column_of_numbers_count_as_empty_cells():
    years = [str(8 + i % 12) for i in range(40)]
    years[3], years[9], years[20] = "unknown", "Unknown", "not available"
    kinds = [("cat", "dog", "unknown")[i % 3] for i in range(40)]
    text = "education,pet\n" + "".join(f"{y},{k}\n" for y, k in zip(years, kinds, strict=True))

    result = read_table(text.encode())

    education = result.frame["education"]
    assert education.dtype.kind == "f" and education.isna().sum() == 3
    assert education.max() == 19
    assert "unknown" in set(result.frame["pet"])  # in text, a category like any other
    chromosomes = [str(1 + i % 22) if i % 9 else "X" for i in range(40)]
    kept = read_table(("chrom\n" + "\n".join(chromosomes)).encode()).frame["chrom"]
    assert "X" in set(kept)  # a value, not a word for none
    assert (
        "Read 'education' as numbers; the cells that say 'not available' or 'unknown' have no "
        "number, so they count as empty."
    ) in result.info.notes


@pytest.mark.parametrize(
    ("codec", "label", "header", "cities"),
    [
        ("cp932", "Japanese Windows (Shift-JIS)", "氏名,年齢,都市", ("東京", "大阪", "さいたま")),
        ("gbk", "Chinese Windows (GBK)", "姓名,年龄,城市", ("北京", "上海", "广州")),
        ("cp932", "Japanese Windows (Shift-JIS)", "氏名,年齢,支店", ("東京", "大阪", "福岡")),
    ],
)
def test_japanese_and_chinese_excel_csv_is_read_in_its_code_page(codec, label, header, cities):
    rows = [f"{cities[i % 3]}の人{i},{20 + i % 40},{cities[(i + 1) % 3]}" for i in range(60)]
    if codec == "gbk" or "福岡" in cities:  # Chinese, and Japanese without any kana
        rows = [row.replace("の人", "人") for row in rows]
    result = read_table(("\n".join([header, *rows]) + "\n").encode(codec))
    assert list(result.frame.columns) == header.split(",")
    assert set(result.frame.iloc[:, 2]) == set(cities)
    assert any(note.startswith(f"Read as {label} text") for note in result.info.notes)


def test_western_windows_text_with_many_accents_stays_cp1252():
    rows = [f"Société Générale {i},Müller,{i},Élodie à Zürich" for i in range(60)]
    result = read_table(("entreprise,nom,n,lieu\n" + "\n".join(rows)).encode("cp1252"))
    assert result.frame["nom"].iloc[0] == "Müller"
    assert result.info.encoding == "cp1252"


def test_ip_addresses_do_not_make_the_file_one_of_decimal_commas():
    rows = [f"{100 + i}.{106 + i}.{235 - i}.{163 + i},{i * 1000},{20 + i}" for i in range(40)]
    result = read_table(("ip_address,income,age\n" + "\n".join(rows)).encode())
    assert result.info.decimal == "." and result.info.thousands is None
    assert not any("decimal comma" in note or "Thousands" in note for note in result.info.notes)
    assert result.frame["income"].tolist()[:2] == [0, 1000]


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("Betrag\n" + "".join(f"{i},{i % 100:02d}\n" for i in range(100, 140)), ["Betrag"]),
        ("Kunde\n" + "".join(f"Wagner{i}, Klaus\n" for i in range(40)), ["Kunde"]),
        (",score\n" + "".join(f"{i},{i * 1.5}\n" for i in range(40)), ["Column 1", "score"]),
    ],
)
def test_a_lone_column_name_or_an_index_header_is_no_title(text, columns):
    """A column of decimal commas, of names with a comma, and a table saved with its index:
    the first row is the header, not a title above a table of two columns."""
    result = read_table(text.encode())
    assert list(result.frame.columns) == columns and len(result.frame) == 40
    assert not any("title" in note for note in result.info.notes)


def test_german_windows_text_with_accents_inside_words_is_not_read_as_chinese():
    names = ["Müller", "Schröder", "Jürgen", "Björn", "Krüger", "Köhler", "Weißer", "Größe"]
    cities = ["München", "Köln", "Göttingen", "Düsseldorf", "Nürnberg"]
    rows = [f"{i};{names[i % 8]};{cities[i % 5]};{i * 7}" for i in range(80)]
    result = read_table(("id;name;stadt;betrag\n" + "\n".join(rows)).encode("cp1252"))
    assert result.info.encoding == "cp1252"
    assert set(result.frame["stadt"]) == set(cities)


def test_decimal_commas_are_found_in_a_column_with_words_for_no_value():
    prices = [f"{10 + i},{i % 100:02d}" for i in range(40)]
    prices[4], prices[17] = "unbekannt", "k.A."
    result = read_table(
        ("name;preis\n" + "".join(f"n{i};{p}\n" for i, p in enumerate(prices))).encode()
    )
    assert result.frame["preis"].dtype.kind == "f" and result.frame["preis"].isna().sum() == 2
    assert result.frame["preis"].iloc[1] == 11.01


def test_a_header_of_two_rows_is_joined_in_text_too():
    text = "region,sales,\n,online,shop\nnorth,1,2\nsouth,3,4\nwest,5,6\n"
    result = read(text)
    assert list(result.frame.columns) == ["region", "sales – online", "sales – shop"]
    assert len(result.frame) == 3
    # A first row of data under a name followed by an unnamed column is data, not names.
    assert len(read("name,,score\nBob,1,2\nAnn,3,4\nEve,5,6\n").frame) == 3
