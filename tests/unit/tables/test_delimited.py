"""Text files named for what they are: UTF-16 without a byte-order mark, a stray zero byte."""

from __future__ import annotations

import pytest

from tests.unit.tables.test_read import assert_read_error, read, rows_text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(codec):
    data = rows_text(";").encode(codec)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:4]
    result = read(data)
    assert result.frame.equals(read(rows_text(";")).frame)
    assert result.info.encoding == codec
    assert any("UTF-16" in note for note in result.info.notes)


def test_a_zero_byte_after_the_first_64_kb_is_named_not_taken_as_data():
    text = rows_text(rows=4000)
    assert len(text) > 70_000
    data = text.encode() + b"x,\x00,1\n"
    message = assert_read_error(data, "zero byte", f"byte {len(text) + 2:,}")
    assert "binary" not in message and "images" not in message


def text_with_sub_characters(rows: int = 400) -> str:
    """A table whose curly quotes an encoding conversion turned into SUB (0x1a)."""
    lines = ["id,comment,amount"]
    lines += [f"{i},the \x1astaff\x1a said the file was lost,{i}" for i in range(rows)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("codec", ["utf-8", "cp1252"])
def test_sub_characters_left_by_an_encoding_conversion_are_read_as_text(codec):
    frame = read(text_with_sub_characters().encode(codec)).frame
    assert len(frame) == 400
    assert frame["comment"][0] == "the \x1astaff\x1a said the file was lost"
    assert frame["amount"].tolist() == list(range(400))


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f"])
def test_text_thick_with_other_control_characters_is_still_called_binary(control):
    text = "".join(f"{i},{control * 3}x\n" for i in range(200))
    assert_read_error(text, "binary data")


def test_real_binary_data_is_still_called_binary():
    assert_read_error(bytes(range(256)) * 10, "binary data")
