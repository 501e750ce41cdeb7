"""Dates and time stamps as their calendar parts: the parts and back, the layout, and what a
model learns from them that one number per date could not hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from synth_core.encoding.calendar_parts import (
    DAY,
    TIME,
    WEEKDAY,
    YEAR,
    DateEncoder,
    calendar_parts,
    from_calendar_parts,
    on_weekday,
)
from synth_core.encoding.transform import TableTransform
from synth_core.errors import ModelFileError
from synth_core.models.tokens import TokenLayout
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import config_for


def seconds_of(stamps: list[str]) -> np.ndarray:
    return pd.to_datetime(pd.Series(stamps)).astype("int64").to_numpy() / 1e9


def test_parts_are_the_year_the_day_of_the_year_and_the_seconds_of_the_day():
    seconds = seconds_of(["2020-01-01 00:00:00", "2020-12-31 23:59:30", "1969-03-02 06:00:00"])
    seconds = np.append(seconds, np.nan)
    parts = calendar_parts(seconds)
    assert parts[YEAR][:3].tolist() == [2020, 2020, 1969]
    assert parts[DAY][:3].tolist() == [0, 365, 60]  # 2020 is a leap year; 1969 is not
    assert parts[TIME][:3].tolist() == [0, 86_370, 21_600]
    assert parts[WEEKDAY][:3].tolist() == [2, 3, 6]  # Wednesday, Thursday, Sunday
    assert all(np.isnan(parts[name][3]) for name in (YEAR, DAY, WEEKDAY, TIME))
    back = from_calendar_parts(parts[YEAR], parts[DAY], parts[TIME])
    assert np.array_equal(back[:3], seconds[:3]) and np.isnan(back[3])


def test_decoded_parts_that_pass_the_calendar_stay_inside_it():
    year = np.array([2021.4, 2021.0, 2020.0, 12_000.0])
    day = np.array([364.7, 370.0, 365.0, -3.0])
    time = np.array([-50.0, 90_000.0, 3_600.0, 0.0])
    seconds = from_calendar_parts(year, day, time)
    stamps = pd.to_datetime(seconds[:3], unit="s")
    assert stamps[0] == pd.Timestamp("2021-12-31")  # a day rounds, a time of day stays >= 0
    assert stamps[1].date() == pd.Timestamp("2021-12-31").date()  # no 6 January of 2022
    assert stamps[1] > pd.Timestamp("2021-12-31 23:59:59")
    assert stamps[2] == pd.Timestamp("2020-12-31 01:00")  # the leap year's last day
    # A year beyond the calendar numpy reads is cut back to its last (no overflow, no error).
    assert seconds[3] == np.datetime64("9999-01-01", "s").astype(np.int64)


def test_only_values_with_a_time_of_day_get_a_time_part():
    rng = np.random.default_rng(0)
    days = seconds_of(["2019-05-01"]) + rng.integers(0, 900, 300) * 86_400.0
    assert list(DateEncoder("d").fit(days, rng).parts_) == [YEAR, DAY]
    stamps = days + rng.integers(0, 24, 300) * 3_600.0
    assert list(DateEncoder("d").fit(stamps, rng).parts_) == [YEAR, DAY, TIME]


def test_a_weekday_part_only_where_real_dates_keep_a_weekly_rhythm():
    rng = np.random.default_rng(3)
    days = seconds_of(["2019-01-05"]) + rng.integers(0, 400, 600) * 7 * 86_400.0  # Saturdays
    mostly = np.where(rng.random(600) < 0.7, days, days + rng.integers(1, 7, 600) * 86_400.0)
    assert list(DateEncoder("d").fit(mostly, rng).parts_) == [YEAR, DAY, WEEKDAY]
    few = seconds_of(["2019-01-05"]) + rng.integers(0, 20, 600) * 7 * 86_400.0
    assert WEEKDAY not in DateEncoder("d").fit(few, rng).parts_  # 20 days: not enough to tell


def test_a_date_moves_at_most_three_days_onto_its_weekday():
    monday = seconds_of(["2024-03-04 10:30"])[0]
    moved = on_weekday(np.array([monday] * 7 + [np.nan]), np.array([0, 1, 2, 3, 4, 5, 6, 2]))
    stamps = pd.to_datetime(moved[:7], unit="s")
    assert stamps.dayofweek.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert (abs(stamps - pd.Timestamp("2024-03-04 10:30")) <= pd.Timedelta(days=3)).all()
    assert np.isnan(moved[7])


def test_the_first_day_of_a_year_comes_out_as_often_as_the_others():
    days = pd.date_range("2019-01-01", "2021-12-31", freq="D")
    frame = pd.DataFrame({"d": days.repeat(3).strftime("%Y-%m-%d")})
    transform = TableTransform(seed=0).fit(frame, infer_schema(frame))
    matrix = torch.from_numpy(transform.transform(frame, np.random.default_rng(0)))
    layout = TokenLayout(transform.spans, bins=20)
    edges = layout.fit_edges(matrix)
    tokens = layout.tokenize(matrix, edges)
    made = []
    for seed in range(5):  # each value drawn inside its token's fine bin, as generation does
        generator = torch.Generator().manual_seed(seed)
        drawn = layout.detokenize(tokens, edges, matrix.shape[1], generator)
        made.append(
            pd.to_datetime(transform.inverse(drawn.numpy(), np.random.default_rng(seed))["d"])
        )
    made = pd.concat(made)
    assert made.dt.year.value_counts(normalize=True).min() > 0.32
    # A rounded uniform draw gave the first day of a year about 0.7 of a day's share.
    new_years = made.isin([pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01")]).mean() / 2
    assert new_years * len(days) > 0.9


@pytest.mark.parametrize(
    ("hours", "first"),
    [(900 * 24, YEAR), (300 * 24, DAY)],  # over three years; inside 2019, whose year is shared
)
def test_only_the_first_part_learned_says_where_a_date_is_missing(hours, first):
    rng = np.random.default_rng(1)
    values = seconds_of(["2019-01-01"]) + rng.integers(0, hours, 300) * 3_600.0
    values[::7] = np.nan
    encoder = DateEncoder("d").fit(values, rng)
    assert [s.part for s in encoder.spans if s.role == "missing"] == [first]
    assert encoder.spans[0].part == first
    block = np.zeros((300, encoder.width), dtype=np.float32)
    encoder.transform(values, rng, block)
    back = encoder.inverse(block)
    assert np.array_equal(np.isnan(back), np.isnan(values))
    assert np.allclose(back[~np.isnan(values)], values[~np.isnan(values)], atol=1.0)
    again = DateEncoder.from_dict("d", encoder.to_dict())
    assert np.array_equal(again.inverse(block), back, equal_nan=True)


def test_a_part_every_date_shares_is_kept_as_it_is_and_not_learned():
    rng = np.random.default_rng(4)
    in_2013 = seconds_of(["2013-01-01"]) + rng.integers(0, 365 * 24, 400) * 3_600.0
    encoder = DateEncoder("d").fit(in_2013, rng)
    assert list(encoder.parts_) == [DAY, TIME] and encoder.constants_ == {YEAR: 2013}
    new_years_days = seconds_of([f"{year}-01-01" for year in rng.integers(1950, 2020, 400)])
    encoder = DateEncoder("d").fit(new_years_days, rng)
    assert list(encoder.parts_) == [YEAR] and encoder.constants_ == {DAY: 0}
    block = np.zeros((400, encoder.width), dtype=np.float32)
    encoder.transform(new_years_days, rng, block)
    assert np.array_equal(encoder.inverse(block), new_years_days)
    one_day = seconds_of(["2020-06-30"] * 50)  # one part is learned at least
    assert list(DateEncoder("d").fit(one_day, rng).parts_) == [DAY]


def test_a_model_file_with_unknown_date_parts_is_refused():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "when": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, 200), "D"),
            "group": rng.choice(["a", "b"], 200),
        }
    )
    synth = Synthesizer(config_for("argn", epochs=1)).fit(frame, infer_schema(frame), rules=[])
    state = synth.parts_.transform.to_dict()
    date = next(c for c in state["columns"] if c["plan"]["name"] == "when")
    assert list(date["encoder"]["parts"]) == [YEAR, DAY]
    parts = date["encoder"]["parts"]
    for damaged in (
        {"parts": {"week": parts[DAY]}},
        {"parts": {DAY: parts[DAY]}, "constants": {YEAR: 2020, DAY: 3}},  # nothing is learned
        {"parts": {YEAR: parts[YEAR]}, "constants": {"week": 3}},
        {"parts": {DAY: parts[DAY], YEAR: parts[YEAR]}},
    ):
        date["encoder"].update(damaged)
        with pytest.raises(ValueError):
            TableTransform.from_dict(state)
    with pytest.raises(ModelFileError):
        Synthesizer.load(_with_transform(synth, state), device="cpu")


def _with_transform(synth: Synthesizer, state: dict) -> bytes:
    synth.parts_.transform.to_dict = lambda: state  # the file a crafted transform makes
    return synth.to_bytes()


# ----------------------------------------------------------------- what a model learns
def calendar_table(rows: int = 1_500, seed: int = 0) -> pd.DataFrame:
    """Captures in autumn only (August to November, twenty years: more than a number's mixture
    modes) and at office hours only."""
    rng = np.random.default_rng(seed)
    years = rng.integers(2000, 2020, rows)
    day_of_autumn = rng.integers(0, 122, rows)  # 1 August to 30 November
    days = pd.to_datetime(pd.Series(years).astype(str) + "-08-01") + pd.to_timedelta(
        day_of_autumn, "D"
    )
    hours = rng.integers(9, 18, rows)
    stamps = days + pd.to_timedelta(hours, "h") + pd.to_timedelta(rng.integers(0, 60, rows), "min")
    weight = np.round(rng.normal(600, 80, rows), 1)
    return pd.DataFrame(
        {
            "caught": stamps.dt.strftime("%Y-%m-%d %H:%M"),
            "ringed": days.dt.strftime("%Y-%m-%d"),
            "weight": weight,
        }
    )


def test_a_model_keeps_the_season_and_the_hours_of_real_dates_and_time_stamps():
    frame = calendar_table()
    config = config_for("argn", epochs=15, generator_lr=1e-2)
    synth = Synthesizer(config).fit(frame, infer_schema(frame), rules=[])
    made = synth.sample(1_500, seed=3)
    caught = pd.to_datetime(made["caught"], format="%Y-%m-%d %H:%M")
    ringed = pd.to_datetime(made["ringed"], format="%Y-%m-%d")
    # One number per date, drawn inside a fine bin that spans a winter or a night, put stamps
    # in months and hours no real one has.
    assert ringed.dt.month.isin([8, 9, 10, 11]).mean() > 0.98
    assert caught.dt.month.isin([8, 9, 10, 11]).mean() > 0.98
    assert caught.dt.hour.between(9, 17).mean() > 0.95


def test_a_model_keeps_the_weekly_rhythm_of_real_dates_and_of_a_weekday_column():
    rng = np.random.default_rng(4)
    saturdays = pd.Timestamp("2015-08-01") + pd.to_timedelta(rng.integers(0, 300, 1_200) * 7, "D")
    shift = np.where(rng.random(1_200) < 0.75, 0, rng.choice([-1, 1, 2], 1_200))
    played = saturdays + pd.to_timedelta(shift, "D")
    frame = pd.DataFrame(
        {
            "played": played.strftime("%Y-%m-%d"),
            "weekday": played.day_name(),
            "goals": rng.poisson(2.8, 1_200),
        }
    )
    synth = Synthesizer(config_for("argn", epochs=15, generator_lr=1e-2))
    made = synth.fit(frame, infer_schema(frame)).sample(1_200, seed=5)
    played = pd.to_datetime(made["played"], format="%Y-%m-%d")
    # One number per date drew matches on every weekday alike (16 % on a Saturday), and the
    # rule that the weekday follows from the date then wrote those weekdays over the column.
    assert (played.dt.dayofweek == 5).mean() > 0.6
    assert (made["weekday"] == "Saturday").mean() > 0.6
    assert (played.dt.day_name() == made["weekday"]).mean() > 0.95
