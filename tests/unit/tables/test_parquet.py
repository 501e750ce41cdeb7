"""Parquet files: read in batches into the same frame as the CSV of the same table."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synth_core.errors import DataError
from synth_core.schema import infer_schema
from synth_core.tables import ReadLimits, read_table, to_csv_bytes

ANY_SIZE = ReadLimits(min_rows=1)


def parquet_bytes(table: pa.Table, **options) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, **options)
    return sink.getvalue()


def people(rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, rows),
            "income": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(40_000, 9_000, rows)),
            "city": pd.Series(rng.choice(["Lyon", "Porto", "Köln"], rows)).where(
                rng.random(rows) > 0.05
            ),
            "member": rng.random(rows) < 0.3,
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), "D"),
        }
    )


def assert_plain_error(data: bytes, *facts: str) -> None:
    with pytest.raises(DataError) as caught:
        read_table(data, limits=ANY_SIZE)
    message = str(caught.value)
    for fact in facts:
        assert fact.lower() in message.lower(), message
    assert len(re.findall(r"[.!?](?:\s|$)", message)) >= 2, message


def test_a_parquet_file_reads_as_the_csv_of_the_same_table():
    frame = people()
    data = parquet_bytes(pa.Table.from_pandas(frame, preserve_index=False), row_group_size=64)
    from_parquet = read_table(data, limits=ANY_SIZE)
    from_csv = read_table(to_csv_bytes(frame), limits=ANY_SIZE)
    assert from_parquet.info.format == "parquet"
    from_csv.frame["member"] = from_csv.frame["member"].str.lower()  # Arrow writes 'true'
    pd.testing.assert_frame_equal(from_parquet.frame, from_csv.frame)
    kinds = {column.name: column.kind for column in infer_schema(from_parquet.frame).columns}
    assert kinds == {column.name: column.kind for column in infer_schema(from_csv.frame).columns}


def test_a_parquet_file_on_disk_round_trips_its_values(tmp_path):
    frame = people()
    path = tmp_path / "people.parquet"
    frame.to_parquet(path, index=False)
    read = read_table(path, limits=ANY_SIZE).frame
    assert read["age"].tolist() == frame["age"].tolist()
    np.testing.assert_allclose(read["income"], frame["income"])
    assert read["city"].isna().tolist() == frame["city"].isna().tolist()
    assert read["member"].tolist() == frame["member"].astype(str).str.lower().tolist()


def test_categorical_columns_in_a_parquet_file_are_read_as_their_text():
    frame = pd.DataFrame({"size": pd.Categorical(["S", "M", "L", None] * 10), "n": range(40)})
    read = read_table(parquet_bytes(pa.Table.from_pandas(frame)), limits=ANY_SIZE).frame
    assert read["size"].tolist() == ["S", "M", "L", np.nan] * 10


def test_a_truncated_parquet_file_is_refused_as_damaged():
    data = parquet_bytes(pa.Table.from_pandas(people()))
    assert_plain_error(data[: len(data) // 2], "parquet file is damaged", "export")


def test_a_file_with_only_the_parquet_signature_is_refused_as_damaged():
    assert_plain_error(b"PAR1" + b"\x00" * 100, "parquet file is damaged")


def test_columns_of_lists_are_refused_by_name():
    table = pa.table({"id": list(range(30)), "tags": [["a", "b"]] * 30})
    assert_plain_error(parquet_bytes(table), "'tags'", "lists or nested records", "flatten")


def test_a_parquet_file_over_the_row_limit_is_refused_before_its_rows_are_read():
    data = parquet_bytes(pa.Table.from_pandas(people(300)))
    with pytest.raises(DataError, match="more than 100 rows"):
        read_table(data, limits=ReadLimits(max_rows=100))
