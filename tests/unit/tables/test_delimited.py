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


def test_real_binary_data_is_still_called_binary():
    assert_read_error(bytes(range(256)) * 10, "binary data")
