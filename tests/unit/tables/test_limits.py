"""The row and size limits: defaults, the environment, and the command line's settings."""

from __future__ import annotations

import pytest

from synth_core.errors import DataError, SynthError
from synth_core.tables import ReadLimits, read_table
from synth_core.tables.limits import MB, ROW_LIMIT_ENV, SIZE_LIMIT_ENV


def table_text(rows: int) -> bytes:
    return ("n,label\n" + "".join(f"{i},x{i % 3}\n" for i in range(rows))).encode()


def test_without_settings_the_limits_are_the_defaults():
    assert ReadLimits.from_settings(environ={}) == ReadLimits()
    assert ReadLimits().max_rows == 2_000_000


def test_the_environment_sets_the_row_and_size_limits():
    limits = ReadLimits.from_settings(environ={ROW_LIMIT_ENV: "5_000_000", SIZE_LIMIT_ENV: "1024"})
    assert limits.max_rows == 5_000_000
    assert limits.max_bytes == 1024 * MB


def test_a_limit_given_directly_wins_over_the_environment():
    limits = ReadLimits.from_settings(max_rows=300, environ={ROW_LIMIT_ENV: "5000000"})
    assert limits.max_rows == 300


@pytest.mark.parametrize("value", ["lots", "1.5e6"])
def test_a_setting_that_is_not_a_whole_number_is_named(value):
    with pytest.raises(SynthError, match=f"{ROW_LIMIT_ENV}='{value}' is not a whole number"):
        ReadLimits.from_settings(environ={ROW_LIMIT_ENV: value})


def test_a_row_limit_below_the_rows_a_model_needs_is_refused():
    with pytest.raises(SynthError, match="at least 20 rows"):
        ReadLimits.from_settings(max_rows=5, environ={})


def test_read_table_follows_the_environments_row_limit(monkeypatch):
    monkeypatch.setenv(ROW_LIMIT_ENV, "50")
    with pytest.raises(DataError, match=f"more than 50 rows.*{ROW_LIMIT_ENV}"):
        read_table(table_text(60))
    monkeypatch.setenv(ROW_LIMIT_ENV, "60")
    assert len(read_table(table_text(60)).frame) == 60
