"""Where a table comes from: a path, bytes or a file object, opened without reading it whole.

A path is only checked (it exists, is a file, is within the size limit) and its first bytes
read; the readers then stream it (Arrow) or, for the cases only the whole-file readers handle,
read all of it. Bytes and file objects are already in memory.
"""

from __future__ import annotations

import os
import typing
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from synth_core.errors import DataError
from synth_core.tables.limits import ReadLimits, too_many_bytes
from synth_core.wording import shorten

Source = str | os.PathLike | bytes | bytearray | memoryview | typing.BinaryIO

HEAD_BYTES = 65_536
_SCAN_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class TableInput:
    """A table's bytes, on disk (``path``) or in memory (``data``), and its best known name."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    def head(self) -> bytes:
        if self.data is not None:
            return self.data[:HEAD_BYTES]
        with self._open() as file:
            return file.read(HEAD_BYTES)

    def whole(self) -> bytes:
        if self.data is not None:
            return self.data
        with self._open() as file:
            return file.read()

    def arrow(self) -> pa.NativeFile:
        """The bytes as a file Arrow reads in blocks."""
        if self.data is not None:
            return pa.BufferReader(self.data)
        return pa.OSFile(str(self.path))

    def holds_zero_byte(self) -> bool:
        """Whether a NUL byte occurs anywhere (a text table never holds one)."""
        if self.data is not None:
            return b"\x00" in self.data
        with self._open() as file:
            while block := file.read(_SCAN_BYTES):
                if b"\x00" in block:
                    return True
        return False

    def _open(self) -> typing.BinaryIO:
        try:
            return open(self.path, "rb")
        except OSError as error:
            raise DataError(
                f"The file '{shorten(str(self.path))}' could not be opened "
                f"({error.strerror or 'access denied'}). Check that it is not open in another "
                "program and that you may read it."
            ) from error


def table_input(source: Source, filename: str | None, limits: ReadLimits) -> TableInput:
    """``source`` opened as a :class:`TableInput`, its size checked against ``limits``."""
    if isinstance(source, (str, os.PathLike)):
        return _path_input(Path(source), filename, limits)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = source.read(limits.max_bytes + 1)
        if isinstance(data, str):  # a text-mode file object; be forgiving
            data = data.encode("utf-8")
        filename = filename or os.path.basename(str(getattr(source, "name", "") or ""))
    if len(data) > limits.max_bytes:
        raise too_many_bytes(limits, len(data))
    return TableInput(filename or "", data=data)


def _path_input(path: Path, filename: str | None, limits: ReadLimits) -> TableInput:
    shown = shorten(str(path))
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL character
        exists = False
    if not exists:
        raise DataError(
            f"The file '{shown}' was not found. Check the name and the folder, "
            "or pick another file."
        )
    if not path.is_file():
        raise DataError(f"'{shown}' is a folder, not a file. Pick a table file inside it.")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_many_bytes(limits, size)
    return TableInput(filename or path.name, path=path)
