"""A column that is a part of a date (its weekday, its month, its year, or a label one of them
determines) is found, kept as data, and mended from the date in generated rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import RuleError
from synth_core.rules import (
    DatePartRule,
    check_rule_columns,
    discover_rules,
    enforce_rules,
    kept_by_default,
    rule_from_dict,
)
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import TINY_CONFIG

SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
SEASONS |= {6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


def deliveries(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, rows), unit="D")
    return pd.DataFrame(
        {
            "order_date": days.strftime("%Y-%m-%d"),
            "weekday": days.strftime("%a"),
            "season": [SEASONS[m] for m in days.month],
            "year": days.year,
            "minutes": rng.normal(30, 6, rows).round(1),
        }
    )


def date_parts(frame: pd.DataFrame) -> dict[str, DatePartRule]:
    rules = discover_rules(frame, infer_schema(frame))
    return {rule.target: rule for rule in rules if isinstance(rule, DatePartRule)}


def test_a_weekday_a_season_and_a_year_are_found_as_parts_of_the_date():
    frame = deliveries()
    found = date_parts(frame)
    assert {t: (r.source, r.part) for t, r in found.items()} == {
        "weekday": ("order_date", "weekday"),
        "season": ("order_date", "month"),
        "year": ("order_date", "year"),
    }
    assert dict(found["weekday"].pairs)[5] == "Sat" and found["weekday"].share == 1.0
    assert dict(found["season"].pairs)[7] == "summer"
    assert found["weekday"].describe(infer_schema(frame)) == (
        "weekday is the day of the week of order_date"
    )


def test_a_date_in_a_few_rows_only_makes_no_rule_of_what_those_rows_share_by_chance():
    rng = np.random.default_rng(16)
    frame = pd.DataFrame(
        {
            "entry": (
                pd.Timestamp("1988-04-01") + pd.to_timedelta(rng.integers(0, 900, 170), "D")
            ).strftime("%Y-%m-%d"),
            "stage": rng.choice([0, 1], 170, p=[0.3, 0.7]),
            "bili": rng.gamma(2.0, 1.0, 170).round(1),
        }
    )
    # A progress date in 20 rows of 170, each on another day of the month: each day's one row
    # "agrees" with its stage, and the rule held in every row with a date.
    progressed = pd.Series([f"1991-{1 + i % 12:02d}-{1 + i:02d}" for i in range(20)])
    frame["progressed"] = progressed.reindex(range(170))
    assert "stage" not in date_parts(frame)


def test_a_day_and_a_month_with_a_few_typing_errors_are_parts_kept_by_default():
    rng = np.random.default_rng(4)
    days = pd.Timestamp("1969-01-01") + pd.to_timedelta(rng.integers(0, 7000, 2000), unit="D")
    frame = pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "month": days.month,
            "day": days.day,
            "births": rng.integers(7000, 12000, 2000),
        }
    )
    frame.loc[:4, "month"] = (frame.loc[:4, "month"] % 12) + 1  # five rows typed wrong
    found = date_parts(frame)
    assert {t: r.part for t, r in found.items()} == {"month": "month", "day": "day"}
    assert found["month"].share < 1.0 and found["day"].share == 1.0
    assert all(kept_by_default(rule) for rule in found.values())
    assert "day" not in date_parts(frame.iloc[:60])  # 60 rows: a day seen twice, no pattern


def test_the_hour_of_a_time_stamp_is_a_part_and_generated_rows_get_it_from_their_time():
    # Hourly weather readings with an 'hour' column beside the time stamp: month and day were
    # kept, the hour agreed with the time stamp in 4 % of synthetic rows.
    rng = np.random.default_rng(5)
    hours = pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 24 * 365, 1500), unit="h")
    frame = pd.DataFrame(
        {
            "time_hour": hours.strftime("%d/%m/%Y %H:%M"),
            "hour": hours.hour,
            "temp": rng.normal(12, 8, 1500).round(1),
        }
    )
    schema = infer_schema(frame)
    found = date_parts(frame)
    assert found["hour"].part == "hour" and found["hour"].share == 1.0
    assert found["hour"].describe(schema) == "hour is the hour of time_hour"
    made = frame.assign(hour=rng.permutation(frame["hour"].to_numpy()))
    mended = enforce_rules(made, [found["hour"]], schema, np.random.default_rng(0)).frame
    times = pd.to_datetime(mended["time_hour"], format="%d/%m/%Y %H:%M")
    assert (mended["hour"] == times.dt.hour).all()


def test_a_number_the_date_decides_is_said_to_follow_from_it_not_to_be_it():
    frame = deliveries()
    frame["years_since"] = 2025 - frame["year"]  # the year decides it; it is not the year
    schema = infer_schema(frame)
    found = date_parts(frame)
    assert found["year"].describe(schema) == "year is the year of order_date"
    assert (
        found["years_since"].describe(schema) == "years_since follows from the year of order_date"
    )


def test_a_column_the_date_does_not_decide_is_not_a_part_of_it():
    frame = deliveries()
    frame["weekday"] = np.random.default_rng(3).permutation(frame["weekday"].to_numpy())
    assert "weekday" not in date_parts(frame)


def test_generated_rows_get_the_weekday_and_season_of_their_date():
    frame = deliveries()
    schema = infer_schema(frame)
    rules = [r for r in discover_rules(frame, schema) if isinstance(r, DatePartRule)]
    made = frame.copy()
    made["weekday"] = np.random.default_rng(1).permutation(made["weekday"].to_numpy())
    made["season"] = "spring"
    assert not all(rule.obeyed(made, schema).all() for rule in rules)
    mended = enforce_rules(made, rules, schema, np.random.default_rng(0)).frame
    assert len(mended) == len(made)
    dates = pd.to_datetime(mended["order_date"])
    assert (mended["weekday"] == dates.dt.strftime("%a")).all()
    assert (mended["season"] == dates.dt.month.map(SEASONS)).all()


def test_a_model_keeps_the_parts_of_its_dates():
    frame = deliveries()
    synth = Synthesizer(TINY_CONFIG).fit(frame, infer_schema(frame))
    out = synth.sample(400, seed=2)
    dates = pd.to_datetime(out["order_date"])
    assert (out["weekday"] == dates.dt.strftime("%a")).all()
    assert (out["season"] == dates.dt.month.map(SEASONS)).all()


def test_a_date_part_rule_travels_as_data_and_a_broken_one_is_refused():
    rule = date_parts(deliveries())["weekday"]
    assert rule_from_dict(json.loads(json.dumps(rule.to_dict()))) == rule
    for broken in ({"part": "minute"}, {"pairs": [["5", "Sat"]]}, {"pairs": [[True, "Sat"]]}):
        with pytest.raises(RuleError, match="date part rule"):
            rule_from_dict(rule.to_dict() | broken)


def test_a_date_part_of_a_column_without_dates_is_refused():
    frame = deliveries()
    schema = infer_schema(frame)
    rule = DatePartRule("minutes", "weekday", "weekday", ((5, "Sat"),))
    with pytest.raises(RuleError, match="'minutes' holds no dates"):
        check_rule_columns([rule], schema, list(frame.columns))
