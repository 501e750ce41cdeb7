"""Delimited text streamed in batches by Arrow: the same frame and schema as a whole-file read."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from synth_core.errors import DataError
from synth_core.schema import infer_schema
from synth_core.tables import ReadLimits, read_table, streamed
from synth_core.tables.delimited import read_delimited
from synth_core.tables.frame import build_frame
from synth_core.tables.rows import split_rows

ANY_SIZE = ReadLimits(min_rows=1)


def whole_file_frame(data: bytes) -> pd.DataFrame:
    """The frame as the whole-file reader builds it (every row held as Python text)."""
    parsed = read_delimited(data, "", [])
    header, columns = split_rows(parsed.rows, ANY_SIZE, "Line", parsed.line_of)
    return build_frame(header, columns, ANY_SIZE, [], detect_numbers=True)[0]


def messy_table(rows: int = 3_000, delimiter: str = ",") -> bytes:
    """Text, whole numbers, decimals, dates, missing markers, quoted separators and line
    breaks, spaces around values, and a column of codes with leading zeros."""
    rng = np.random.default_rng(0)
    d = delimiter
    lines = [f"city{d} count{d}price{d}day{d}note{d}code"]
    cities = ["Köln", "Zürich", "NA", "", "Lyon", " Porto "]
    for i in range(rows):
        note = f'"a{d} b"' if i % 7 == 0 else ('"two\nlines"' if i % 11 == 0 else "plain")
        price = "" if i % 13 == 0 else f"{rng.normal(50, 10):.2f}"
        lines.append(
            f"{cities[i % len(cities)]}{d}{i % 50}{d}{price}{d}2024-01-{i % 28 + 1:02d}{d}"
            f"{note}{d}{i % 90:05d}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def small_blocks(monkeypatch):
    """Arrow parses a few hundred bytes at a time, so a small table spans many batches."""
    monkeypatch.setattr(streamed, "BLOCK_BYTES", 512)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_table_read_in_many_batches_equals_the_whole_file_read(small_blocks, delimiter):
    data = messy_table(delimiter=delimiter)
    notes: list[str] = []
    assert streamed.stream_columns(pa.BufferReader(data), data[:65536], "", ANY_SIZE, notes)
    frame = read_table(data, limits=ANY_SIZE).frame
    pd.testing.assert_frame_equal(frame, whole_file_frame(data))
    assert (
        infer_schema(frame).to_dict()["columns"]
        == (infer_schema(whole_file_frame(data)).to_dict()["columns"])
    )


def test_a_table_quoted_everywhere_is_streamed_as_the_whole_file_reads_it(small_blocks):
    frame = read_table(messy_table(), limits=ANY_SIZE).frame
    data = frame.to_csv(index=False, quoting=csv.QUOTE_ALL).encode()
    assert data.startswith(b'"city","count"')
    assert streamed.stream_columns(pa.BufferReader(data), data[:65536], "", ANY_SIZE, [])
    pd.testing.assert_frame_equal(read_table(data, limits=ANY_SIZE).frame, whole_file_frame(data))


def test_a_streamed_file_on_disk_reads_as_its_bytes_do(small_blocks, tmp_path):
    data = b"\xef\xbb\xbf" + messy_table(500)
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    from_disk, from_bytes = read_table(path), read_table(data)
    pd.testing.assert_frame_equal(from_disk.frame, from_bytes.frame)
    assert from_disk.info == from_bytes.info
    assert from_disk.info.encoding == "utf-8-sig"
    assert any("byte-order mark" in note for note in from_disk.info.notes)


@pytest.mark.parametrize(
    "data",
    [
        "a,b\n1,2\n3,4,5\n",  # a row wider than the header
        "a,b\n1,2\n3\n",  # a row narrower than the header
        "Name,Age\nAna,3\nB\xe9a,4\n",  # Windows text (cp1252)
        "a\n1\n2\n",  # a single column
        '"a\nb",c\n1,2\n',  # a header spanning lines
        'a,b\n1, "x,y"\n',  # a quoted value after a space
    ],
)
def test_text_only_the_whole_file_reader_handles_is_left_to_it(data):
    raw = data.encode("latin-1")
    assert streamed.stream_columns(pa.BufferReader(raw), raw, "", ANY_SIZE, []) is None


def test_a_wider_row_deep_in_a_streamed_file_gets_the_whole_file_readers_message(small_blocks):
    data = messy_table(1_000) + b"x,1,2,2024-01-01,plain,00001,extra\n"
    with pytest.raises(DataError, match=r"Line 1,?\d+ has 7 values, but the header names only 6"):
        read_table(data, limits=ANY_SIZE)


def test_a_zero_byte_far_into_the_file_is_refused_as_damage():
    table = messy_table()
    at = table.index(b"plain", 70_000)  # past the first 64 KiB, which are checked first
    data = table[:at] + b"pl\x00in" + table[at + 5 :]
    with pytest.raises(DataError, match="zero byte"):
        read_table(data, limits=ANY_SIZE)


def test_a_quote_never_closed_in_the_last_row_is_named_by_its_line():
    data = b"a,b\n" + b"1,2\n" * 30 + b'3,"open\n4,5\n'
    with pytest.raises(DataError, match="line 32"):
        read_table(data, limits=ANY_SIZE)


def test_the_row_limit_stops_a_streamed_read(small_blocks):
    with pytest.raises(DataError, match="more than 100 rows"):
        read_table(messy_table(1_000), limits=ReadLimits(max_rows=100))


def test_na_among_two_letter_codes_is_a_code_in_many_batches_too(small_blocks):
    codes = ["NA", "FR", "DE", "US", ""]
    lines = ["iso,n"] + [f"{codes[i % len(codes)]},{i}" for i in range(2_000)]
    data = ("\n".join(lines) + "\n").encode()
    assert streamed.stream_columns(pa.BufferReader(data), data[:65536], "", ANY_SIZE, [])
    frame = read_table(data, limits=ANY_SIZE).frame
    pd.testing.assert_frame_equal(frame, whole_file_frame(data))
    assert frame["iso"].value_counts().to_dict() == {"NA": 400, "FR": 400, "DE": 400, "US": 400}


def test_backslash_n_is_missing_in_many_batches_too(small_blocks):
    notes = ["\\N", "Laptop stolen", "\\N", "Mail sent to the wrong address"]
    lines = ["id,note"] + [f"{i},{notes[i % len(notes)]}" for i in range(2_000)]
    data = ("\n".join(lines) + "\n").encode()
    assert streamed.stream_columns(pa.BufferReader(data), data[:65536], "", ANY_SIZE, [])
    frame = read_table(data, limits=ANY_SIZE).frame
    pd.testing.assert_frame_equal(frame, whole_file_frame(data))
    assert frame["note"].isna().sum() == 1_000
