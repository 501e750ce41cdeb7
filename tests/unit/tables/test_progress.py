"""What a read tells ``on_progress`` after each block, batch or step, and a read stopped from it."""

from __future__ import annotations

import gc
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from synth_core.errors import Stopped
from synth_core.tables import (
    ReadLimits,
    delimited,
    parquet,
    read_table,
    rows,
    streamed,
    to_xlsx_bytes,
    xlsx,
)
from synth_core.tables.progress import COLUMNS, READING, ReadProgress, ReadSteps

ANY_SIZE = ReadLimits(min_rows=1)
SMALL_BLOCK = 16 * 1024


def table(rows: int = 5_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "city": rng.choice(["Lyon", "Porto", "Köln", "Zürich"], rows),
            "count": rng.integers(0, 1_000, rows),
            "price": rng.normal(50, 10, rows).round(2),
        }
    )


def csv_bytes(rows: int = 5_000) -> bytes:
    return table(rows).to_csv(index=False).encode("utf-8")


def heard_reading(data: bytes, **kwargs) -> tuple[list[ReadProgress], pd.DataFrame]:
    heard: list[ReadProgress] = []
    frame = read_table(data, limits=ANY_SIZE, on_progress=heard.append, **kwargs).frame
    return heard, frame


def stage(heard: list[ReadProgress], name: str) -> list[ReadProgress]:
    return [progress for progress in heard if progress.stage == name]


def arrow_blocks(data: bytes, block_size: int) -> int:
    """How many batches Arrow's streaming reader makes of ``data`` in blocks of that size."""
    options = pa_csv.ReadOptions(block_size=block_size)
    return sum(1 for _ in pa_csv.open_csv(pa.BufferReader(data), read_options=options))


def test_a_streamed_csv_is_heard_after_every_block_and_ends_at_its_size(monkeypatch):
    monkeypatch.setattr(streamed, "BLOCK_BYTES", SMALL_BLOCK)
    data = csv_bytes()

    heard, frame = heard_reading(data)

    reading = stage(heard, READING)
    assert len(frame) == 5_000
    assert {progress.unit for progress in reading} == {"bytes"}
    assert {progress.total for progress in reading} == {len(data)}
    assert len(reading) == arrow_blocks(data, SMALL_BLOCK) + 1  # every block, then the end
    done = [progress.done for progress in reading]
    assert done == sorted(done) and done[-1] == len(data)
    assert reading[-1].fraction == 1.0
    assert heard.index(reading[-1]) < heard.index(stage(heard, COLUMNS)[0])  # read, then made


def test_the_columns_made_are_heard_one_step_at_a_time_to_the_end():
    heard, frame = heard_reading(csv_bytes(300))

    columns = stage(heard, COLUMNS)
    assert [progress.done for progress in columns] == [*range(1, 7), 6]
    assert {progress.total for progress in columns} == {2 * frame.shape[1]}
    assert heard[-1] == ReadProgress(COLUMNS, 6, 6, "steps")


def test_a_parquet_file_is_heard_after_every_batch_of_rows(monkeypatch):
    monkeypatch.setattr(parquet, "_BATCH_ROWS", 1_000)
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table(), preserve_index=False), sink)

    heard, frame = heard_reading(sink.getvalue())

    reading = stage(heard, READING)
    assert len(frame) == 5_000
    assert [progress.done for progress in reading] == [1_000, 2_000, 3_000, 4_000, 5_000, 5_000]
    assert {(progress.total, progress.unit) for progress in reading} == {(5_000, "rows")}


def test_a_workbook_is_heard_every_few_cells_and_its_total_is_known_at_the_end(monkeypatch):
    monkeypatch.setattr(xlsx, "CELLS_PER_STEP", 300)
    data = to_xlsx_bytes(table(1_000))

    heard, frame = heard_reading(data)

    reading = list(dict.fromkeys(stage(heard, READING)))  # each once: see the next tests
    assert len(frame) == 1_000
    assert [progress.done for progress in reading[:-1]] == list(range(100, 1_001, 100))
    assert {progress.total for progress in reading[:-1]} == {None}
    assert reading[-1] == ReadProgress(READING, 1_001, 1_001, "rows")  # the header row too


def test_the_whole_file_reader_is_heard_as_it_parses_and_ends_at_the_size(monkeypatch):
    monkeypatch.setattr(delimited, "_CELLS_PER_STEP", 3_000)
    data = csv_bytes().replace(b"Lyon", b"Ly\xf6n")  # not UTF-8: the whole-file reader's case

    heard, frame = heard_reading(data)

    reading = list(dict.fromkeys(stage(heard, READING)))
    assert frame["city"].str.startswith("Ly").sum() > 0
    assert {(progress.total, progress.unit) for progress in reading} == {(len(data), "bytes")}
    assert len(reading) == 6  # a step per 1,000 lines of three cells: 5,001 lines
    done = [progress.done for progress in reading]
    assert done == sorted(done) and done[-1] == len(data)


def test_the_rows_of_the_whole_file_reader_turned_into_columns_are_heard_by_the_step(
    monkeypatch,
):
    monkeypatch.setattr(rows, "_ROWS_PER_STEP", 1_000)
    data = csv_bytes().replace(b"Lyon", b"Ly\xf6n")

    heard, _ = heard_reading(data)

    reading = stage(heard, READING)
    end = ReadProgress(READING, len(data), len(data), "bytes")
    assert reading[-6:] == [end] * 6  # parsed to the end, then 5,000 rows in five steps
    assert heard[len(reading)].stage == COLUMNS


def test_a_read_stopped_between_blocks_raises_stopped_and_gives_no_table(monkeypatch):
    monkeypatch.setattr(streamed, "BLOCK_BYTES", SMALL_BLOCK)
    data = csv_bytes()
    heard: list[ReadProgress] = []

    def stop_after_two_blocks(progress: ReadProgress) -> None:
        heard.append(progress)
        if len(heard) == 2:
            raise Stopped("Stopped on request before anything was made.")

    result = None
    with pytest.raises(Stopped):
        result = read_table(data, limits=ANY_SIZE, on_progress=stop_after_two_blocks)

    assert result is None
    assert [progress.stage for progress in heard] == [READING, READING]  # nothing after the stop
    assert gc.isenabled()
    again = read_table(data, limits=ANY_SIZE)  # nothing of the stopped read is left behind
    assert len(again.frame) == 5_000


@pytest.mark.parametrize("where", [READING, COLUMNS])
def test_a_stop_in_any_stage_is_the_callers_exception_not_a_read_error(where):
    class CallerStopped(Stopped):
        pass

    def stop_in_stage(progress: ReadProgress) -> None:
        if progress.stage == where:
            raise CallerStopped("stop")

    with pytest.raises(CallerStopped):
        read_table(csv_bytes(300), limits=ANY_SIZE, on_progress=stop_in_stage)


def test_read_steps_keep_within_the_total_and_end_the_columns_at_their_total():
    heard: list[ReadProgress] = []
    steps = ReadSteps(heard.append)

    steps.read(12_000, 10_000, "bytes")
    steps.start_columns(3)
    steps.column_done()
    steps.end_columns()

    assert heard == [
        ReadProgress(READING, 10_000, 10_000, "bytes"),
        ReadProgress(COLUMNS, 1, 6, "steps"),
        ReadProgress(COLUMNS, 6, 6, "steps"),
    ]
    assert ReadProgress(READING, 5, None, "rows").fraction is None
    ReadSteps().read(1, 2, "rows")  # without a callback, nothing to tell
