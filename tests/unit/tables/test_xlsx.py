"""Hostile workbooks cost nothing: refused before parsing, or at the first row past a limit."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from synth_core.tables import ReadLimits, read_table
from synth_core.tables import xlsx as xlsx_module
from tests.unit.tables.test_read import assert_read_error, read

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/></Types>'
)
RELATIONS = b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
ROOT_RELATIONS = (
    RELATIONS + b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELATIONS = (
    RELATIONS + b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def inline_row(width: int, header: bool = False) -> bytes:
    """A row of ``width`` inline strings without cell addresses (as a crafted file has them);
    a header's are distinct."""
    cells = (b"c%d" % i if header else b"x" for i in range(width))
    return (
        b"<row>"
        + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % c for c in cells)
        + b"</row>"
    )


def workbook(*rows: bytes, tail: bytes = SHEET_END) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELATIONS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONS)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + b"".join(rows) + tail)
    return buffer.getvalue()


@pytest.fixture
def parse_forbidden(monkeypatch):
    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)


def test_the_hand_made_workbook_is_a_table_openpyxl_reads():
    """Control: the builder below makes real workbooks."""
    frame = read(workbook(inline_row(3, header=True), *[inline_row(3)] * 29)).frame
    assert frame.shape == (29, 3) and list(frame.columns) == ["c0", "c1", "c2"]


def test_a_workbook_of_a_thousand_columns_packed_tight_is_refused_before_it_is_parsed(
    parse_forbidden,
):
    data = workbook(*[inline_row(1000)] * 200)  # 8 MB of cells in a few kilobytes
    assert len(data) < 100_000
    assert_read_error(data, "unpacks to", "far more than any real workbook", "CSV")


def test_the_tightly_packed_workbook_is_live_and_refused_for_its_width_at_its_first_row(
    monkeypatch,
):
    monkeypatch.setattr(xlsx_module, "MAX_PACKING", 10**9)
    broken_after_first_row = b"<row><c><not closed"  # parsing past row one would fail
    data = workbook(inline_row(1000, header=True), tail=broken_after_first_row)
    assert_read_error(data, "1,000 columns", "the limit is 500")


def test_a_row_past_the_row_limit_stops_the_read():
    data = workbook(inline_row(2, header=True), *[inline_row(2)] * 11, tail=b"<row><c><not closed")
    assert_read_error(data, "more than 10 rows", limits=ReadLimits(max_rows=10))


def test_a_workbook_that_unpacks_past_the_byte_limit_is_refused_before_it_is_parsed(
    parse_forbidden,
):
    data = workbook(*[b"<row><c><v>%d</v></c></row>" % i for i in range(3000)])
    limits = ReadLimits(max_bytes=len(data) + 1)
    assert_read_error(data, "Unpacked, the workbook is larger than the limit", limits=limits)


def _titled_sheet(titles: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(titles):
        sheet.append([f"Sales report, 2024 (part {i + 1})"])
    sheet.append([])
    sheet.append(["region", "month", "amount"])
    for i in range(30):
        sheet.append(["north" if i % 2 else "south", i % 12 + 1, 10.5 * i])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_title_above_the_table_is_left_out_with_a_note():
    result = read_table(_titled_sheet(titles=2))
    assert list(result.frame.columns) == ["region", "month", "amount"]
    assert len(result.frame) == 30
    assert (
        "Read the column names from row 4: the rows above them look like a title or notes "
        "('Sales report, 2024 (part 1)'; 'Sales report, 2024 (part 2)'), so they were left out."
    ) in result.info.notes


def test_notes_longer_than_a_title_get_advice_about_the_title_not_separators():
    facts = ("Row 9 has 3 values", "the first row that is not empty", "title", "rows above")
    message = assert_read_error(_titled_sheet(titles=7), *facts)
    assert "separator" not in message and "quotes" not in message


def test_blank_last_cells_of_a_sheet_are_empty_values_without_a_warning():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["college", "year", "earnings", "share"])
    for i in range(30):
        sheet.append(["Grinnell", 2010 + i % 5] + ([] if i % 3 else [31_600 + i, 0.8]))
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_table(buffer.getvalue())
    assert result.frame.shape == (30, 4)
    assert result.frame["earnings"].isna().sum() == 20
    assert not [note for note in result.info.notes if "fewer values" in note]


def test_a_statistics_office_sheet_reads_as_its_table():
    # A header of two rows (a name merged over a group of columns, the group's names under
    # it), a totals row and a source line: the sub-header and the totals had been read as data
    # and the group's four money columns left out as identifiers.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Table 4. Public capital by state"])
    sheet.append([])
    sheet.append(["State", "Year", "Public capital", None, None, "Employment"])
    sheet.merge_cells("C3:E3")
    sheet.append([None, None, "Total", "Highways", "Utilities", None])
    rows = [
        [f"State {i % 8}", 1970 + i // 8, 3.5 * i + 2, 2.5 * i + 1, i + 1.0, 100 + i]
        for i in range(40)
    ]
    for row in rows:
        sheet.append(row)
    sheet.append(["Total, all states", None, *(sum(r[k] for r in rows) for k in range(2, 6))])
    sheet.append([])
    sheet.append(["Source: a statistics office, 1990."])
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_table(buffer.getvalue())
    assert list(result.frame.columns) == [
        "State",
        "Year",
        "Public capital – Total",
        "Public capital – Highways",
        "Public capital – Utilities",
        "Employment",
    ]
    assert len(result.frame) == 40
    assert result.frame["Public capital – Highways"].tolist() == [r[3] for r in rows]
    notes = " ".join(result.info.notes)
    assert "Joined the column names of rows 3 and 4" in notes
    assert "totals row" in notes and "Source: a statistics office" in notes
