"""Values so rare they could single someone out never reach a synthetic row or a model file
(``synth_core.schema.rarity``)."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from synth_core.encoding.encoders import CategoricalEncoder
from synth_core.encoding.transform import TableTransform
from synth_core.rules import RangeRule, discover_rules
from synth_core.schema import Kind, infer_schema
from synth_core.schema.rarity import (
    RARE_BELOW,
    RARE_LABEL,
    holder_column,
    holders,
    protected_range,
)
from synth_core.synthesizer import Synthesizer
from tests.helpers import TINY_CONFIG, make_schema


def staff(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """Titles and codes that repeat, a salary column, a hire date; one employee has a title
    and a code of their own, one a salary far above the rest, one the earliest hire date."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "title": rng.choice(["Engineer", "Artist", "Manager"], rows).astype(object),
            "code": rng.choice([10, 20, 30], rows),
            "salary": rng.normal(100_000, 20_000, rows).round(2),
            "hired": pd.Timestamp("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 3000, rows), unit="D"),
        }
    )
    frame.loc[0, "title"] = "Senor Software Engineer"
    frame.loc[1, "code"] = 99
    frame.loc[2, "salary"] = 167_000_000_000.0
    frame.loc[3, "hired"] = pd.Timestamp("1990-06-15")
    return frame


@pytest.fixture(scope="module")
def fitted() -> tuple[pd.DataFrame, Synthesizer, pd.DataFrame]:
    frame = staff()
    synth = Synthesizer(TINY_CONFIG).fit(frame, infer_schema(frame))
    return frame, synth, synth.sample(3000, seed=1)


def test_a_title_one_person_holds_comes_out_as_rare_and_stays_out_of_the_model(fitted):
    _, synth, out = fitted
    assert "Senor Software Engineer" not in set(out["title"])
    assert set(out["title"]) <= {"Engineer", "Artist", "Manager", RARE_LABEL}
    assert "Senor" not in json.dumps(synth.transform_.to_dict())


def test_a_rare_code_counts_as_the_most_common_one_and_keeps_the_column_whole_numbers(fitted):
    _, _, out = fitted
    assert 99 not in set(out["code"])
    assert out["code"].dtype == np.int64


def test_an_extreme_number_or_date_never_comes_out(fitted):
    frame, synth, out = fitted
    salaries = frame["salary"].sort_values()
    assert out["salary"].max() <= salaries.iloc[-RARE_BELOW]
    assert out["salary"].min() >= salaries.iloc[RARE_BELOW - 1]
    assert out["hired"].min() >= frame["hired"].sort_values().iloc[RARE_BELOW - 1]
    assert "167000000000" not in json.dumps(synth.transform_.to_dict())


def test_the_training_notes_say_which_columns_hide_rare_values(fitted):
    notes = " ".join(fitted[1].progress_.snapshot().notes)
    assert f"Values that fewer than {RARE_BELOW} training rows share" in notes
    assert f"'title' writes '{RARE_LABEL}' for 1 value" in notes
    assert "'code' writes its most common value for 1 value" in notes


def test_a_range_rule_never_states_an_extreme():
    frame = staff()
    rules = discover_rules(frame, infer_schema(frame))
    salary = next(r for r in rules if isinstance(r, RangeRule) and r.column == "salary")
    assert salary.high < 1e6
    assert "167" not in salary.describe(infer_schema(frame))


def test_categories_shared_by_enough_rows_and_missing_values_stay():
    values = np.array(["a"] * 10 + ["b"] * RARE_BELOW + ["c"] * (RARE_BELOW - 1) + [None] * 2)
    encoder = CategoricalEncoder("x").fit(values.astype(object), np.random.default_rng(0))
    assert encoder.values() == ["a", "b", RARE_LABEL, None]
    assert encoder.protected_ == 1


def test_a_column_where_every_value_is_rare_comes_out_as_rare_whatever_its_type():
    encoder = CategoricalEncoder("x").fit(np.arange(12).astype(object), np.random.default_rng(0))
    assert encoder.values() == [RARE_LABEL]


def test_a_model_file_from_before_keeps_mapping_unseen_values_to_the_most_common():
    data = {"categories": ["s:a", "s:b"], "frequencies": [0.6, 0.4], "rare": [], "rare_probs": []}
    encoder = CategoricalEncoder.from_dict("x", data)
    assert encoder.codes(np.array(["b", "never seen"], dtype=object)).tolist() == [1, 0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.arange(1, 101), (5.0, 96.0)),
        (np.array([3.0, 1.0, 2.0]), (2.0, 2.0)),
        (np.array([1.0, 2.0, 3.0, 4.0]), (2.0, 3.0)),
        (np.array([0] * 50 + [1] * 3), (0.0, 0.0)),
    ],
)
def test_the_protected_range_is_what_enough_rows_reach(values, expected):
    assert protected_range(values) == expected


def test_a_text_column_of_mostly_one_off_values_is_left_out_by_default():
    rng = np.random.default_rng(0)
    titles = [f"title {i}" for i in range(120)] + list(rng.choice(["a", "b"], 80))
    schema = infer_schema(pd.DataFrame({"job": titles, "n": rng.integers(0, 9, 200)}))
    assert schema["job"].kind == Kind.CATEGORICAL and not schema["job"].include
    assert "60 % of rows hold a value that fewer than 5 rows share" in schema["job"].reason
    jobs = pd.DataFrame({"job": titles})  # included by the person all the same
    transform = TableTransform().fit(jobs, make_schema(jobs, {"job": Kind.CATEGORICAL}))
    assert set(transform.categories("job")) == {"a", "b", RARE_LABEL}


def test_a_kept_text_column_says_how_much_of_it_comes_out_as_rare():
    # A catalogue's media: 48 % of synthetic cells were '(rare)' and inspect said nothing.
    rng = np.random.default_rng(1)
    media = [f"medium {i}" for i in range(70)] + list(rng.choice(["oil", "print"], 130))
    schema = infer_schema(pd.DataFrame({"medium": media, "n": rng.integers(0, 9, 200)}))
    assert schema["medium"].include
    assert schema["medium"].reason.endswith(
        "; 35 % of rows hold a value that fewer than 5 rows share: those come out as '(rare)'"
    )
    common = infer_schema(pd.DataFrame({"medium": media[60:], "n": rng.integers(0, 9, 140)}))
    assert "(rare)" not in common["medium"].reason  # 7 % rare: nothing to say


def test_a_model_file_holds_no_real_extreme(fitted):
    _, synth, _ = fitted
    saved = Synthesizer.load(synth.to_bytes(), device="cpu")
    salary = saved.schema_["salary"]
    assert salary.minimum is None and salary.maximum is None
    assert " from " not in salary.reason and " from " not in saved.schema_["hired"].reason
    assert saved.schema_["hired"].earliest is None
    with zipfile.ZipFile(io.BytesIO(synth.to_bytes())) as archive:
        text = archive.read("model.json").decode()
    assert "167000000000" not in text and "1.67e+11" not in text and "1990-06-15" not in text


# ------------------------------------------------------------------- people with many rows
def visits(people: int = 80, per_person: int = 6, seed: int = 0) -> pd.DataFrame:
    """A visit log: each patient (``patient_id``, a key that repeats) has ``per_person`` rows
    that repeat their job and weight; patient P-000 alone is a 'Lighthouse keeper' and weighs
    far more than anyone else."""
    rng = np.random.default_rng(seed)
    jobs = rng.choice(["Nurse", "Teacher", "Driver", "Clerk"], people).astype(object)
    weights = rng.normal(75, 8, people).round(1)
    jobs[0], weights[0] = "Lighthouse keeper", 240.0
    person = np.repeat(np.arange(people), per_person)
    return pd.DataFrame(
        {
            "patient_id": [f"P-{i:03d}" for i in person],
            "job": jobs[person],
            "weight": weights[person],
            "pulse": rng.integers(55, 95, people * per_person),
        }
    )


def test_the_column_that_says_whose_row_it_is_repeats_and_names_many_people():
    frame = visits()
    schema = infer_schema(frame)
    assert holder_column(frame, schema) == "patient_id"
    assert holders(frame, schema).tolist()[:7] == [0] * 6 + [1]
    labels = frame.assign(patient_id=[f"V-{i}" for i in range(len(frame))])  # one row each
    assert holder_column(labels, infer_schema(labels)) is None
    few = frame.assign(patient_id=frame["patient_id"].str[:4])  # ten 'people' only
    assert holder_column(few, infer_schema(few)) is None
    # Who served the rows is not whose they are: a booking's travel agent, a visit's doctor.
    for staff_name in ("agent", "Doctor ID"):
        served = frame.rename(columns={"patient_id": staff_name})
        assert holder_column(served, infer_schema(served)) is None, staff_name


def test_an_extreme_one_person_holds_on_many_rows_is_still_rare():
    frame = visits()
    present, owners = frame["weight"].to_numpy(), holders(frame, infer_schema(frame))
    assert protected_range(present)[1] == 240.0  # six rows reach it: common, counted by rows
    low, high = protected_range(present, owners)
    assert high < 240.0
    assert high == np.sort(frame.groupby("patient_id")["weight"].max())[-RARE_BELOW]
    assert low == np.sort(frame.groupby("patient_id")["weight"].min())[RARE_BELOW - 1]


def test_a_category_one_person_holds_on_many_rows_is_rare():
    frame = visits()
    owners = holders(frame, infer_schema(frame))
    values = frame["job"].to_numpy(dtype=object)
    assert (
        "Lighthouse keeper"
        in CategoricalEncoder("job").fit(values, np.random.default_rng(0)).values()
    )
    encoder = CategoricalEncoder("job").fit(values, np.random.default_rng(0), owners)
    assert "Lighthouse keeper" not in encoder.values() and RARE_LABEL in encoder.values()


def test_a_text_column_of_one_person_values_is_left_out_when_people_have_many_rows():
    frame = visits()
    frame["town"] = np.repeat([f"Town {i}" for i in range(80)], 6)  # each patient's own
    schema = infer_schema(frame)
    assert not schema["town"].include and schema["job"].include
    assert schema["town"].reason.startswith(
        "100 % of rows hold a value that fewer than 5 people share (told apart by 'patient_id')"
    )


def test_a_model_of_people_with_many_rows_keeps_their_one_person_values_out():
    frame = visits()
    synth = Synthesizer(TINY_CONFIG).fit(frame, infer_schema(frame))
    out = synth.sample(2000, seed=1)
    assert "Lighthouse keeper" not in set(out["job"])
    assert out["weight"].max() < 240.0
    rule = next(r for r in synth.rules_ if isinstance(r, RangeRule) and r.column == "weight")
    assert rule.high < 240.0
    notes = " ".join(synth.progress_.snapshot().notes)
    assert "fewer than 5 people share (told apart by 'patient_id'" in notes


def test_a_number_column_of_few_values_comes_out_on_those_enough_rows_hold():
    # A menu's prices (a grid of 0.05 that most values between them are on too), a count of
    # children with a rare large family, and an amount of many values.
    rng = np.random.default_rng(5)
    menu = [9.75, 12.0, 12.5, 16.0, 16.75, 17.95, 20.25, 20.5, 23.65, 35.95]
    children = rng.choice([0, 1, 2, 3], 2000, p=[0.4, 0.3, 0.2, 0.1])
    children[:3] = 11  # three rows: rare
    frame = pd.DataFrame(
        {
            "price": rng.choice(menu, 2000),
            "children": children,
            "amount": rng.gamma(2.0, 30.0, 2000).round(2),
        }
    )
    transform = TableTransform().fit(frame, infer_schema(frame))
    plans = {plan.name: plan for plan in transform.plans_}
    assert plans["price"].values == tuple(menu) and plans["children"].values == (0, 1, 2, 3)
    assert plans["amount"].values is None
    out = transform.inverse(rng.normal(0.0, 1.0, size=(2000, transform.width)), rng)
    assert out["price"].isin(menu).all() and out["price"].nunique() > 5
    assert out["children"].isin([0, 1, 2, 3]).all()
    assert out["amount"].nunique() > 100
    rebuilt = TableTransform.from_dict(json.loads(json.dumps(transform.to_dict())))
    assert rebuilt.inverse(rng.normal(0.0, 1.0, (50, rebuilt.width)), rng)["price"].isin(menu).all()


def test_few_values_mostly_rare_are_not_listed():
    # A small table: most of its values are held by fewer than five rows.
    frame = pd.DataFrame({"score": [1.5] * 10 + [float(v) for v in range(2, 32)]})
    transform = TableTransform().fit(frame, infer_schema(frame))
    assert transform.plans_[0].values is None
