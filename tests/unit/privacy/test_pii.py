"""Personal data and identifiers: left out, faked or regenerated, never copied into the output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from synth_core.errors import DataError, SchemaError
from synth_core.privacy import pii
from synth_core.privacy.pii import Format, IdSlot, PiiPlan, learn_formats
from synth_core.schema import Schema, infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.tables import read_table
from tests.helpers import TINY_CONFIG
from tests.sales_table import KEY_COLUMNS, sales_orders

FIXTURES = Path(__file__).parents[2] / "fixtures"
PRIVATE = ["Order ID", "Customer Name", "Customer Email", "Phone"]


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return read_table(FIXTURES / "sales_orders.csv").frame


@pytest.fixture(scope="module")
def treated(orders) -> Schema:
    schema = infer_schema(orders)
    assert [c.name for c in schema.columns if not c.include] == PRIVATE
    schema = schema.with_changes("Order ID", treatment="new_ids")
    for name in ("Customer Name", "Customer Email", "Phone"):
        schema = schema.with_changes(name, treatment="fake")
    return schema


@pytest.fixture(scope="module")
def model(orders, treated) -> Synthesizer:
    return Synthesizer(TINY_CONFIG).fit(orders, treated)


def test_faked_and_new_columns_come_back_in_place_and_hold_no_real_value(orders, model) -> None:
    out = model.sample(400, seed=3)

    assert list(out.columns) == list(orders.columns)
    for name in PRIVATE:
        assert not set(out[name]) & set(orders[name]), name
    assert out["Customer Email"].str.fullmatch(r"[a-z.]+\d*@example\.(com|net|org)").all()
    assert out["Phone"].str.fullmatch(r"\(555\) 01\d-\d{4}").all()  # the column's own format
    assert out["Customer Name"].str.fullmatch(r"[A-Z][\w'-]+ [A-Z][\w' -]+").all()


def test_left_out_columns_are_absent(orders) -> None:
    schema = infer_schema(orders)
    out = Synthesizer(TINY_CONFIG).fit(orders, schema).sample(50)

    assert not set(PRIVATE) & set(out.columns)
    real = set(orders[PRIVATE].astype(str).to_numpy().ravel())
    assert not real & set(out.astype(str).to_numpy().ravel())


def test_new_ids_are_unique_across_chunks_and_match_the_format(orders, model) -> None:
    out = model.generate(1_000, seed=1, chunk_rows=128).frame

    ids = out["Order ID"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"[A-Z]{2}-201\d-1\d{5}").all()
    assert ids.str.len().eq(orders["Order ID"].str.len().iloc[0]).all()


def test_numeric_identifiers_stay_unique_numbers() -> None:
    frame = read_table(FIXTURES / "passengers.csv").frame
    schema = infer_schema(frame).with_changes("PassengerId", treatment="new_ids")
    out = Synthesizer(TINY_CONFIG).fit(frame, schema).sample(300)

    assert out["PassengerId"].dtype == np.int64 and out["PassengerId"].is_unique
    assert out.columns[0] == "PassengerId"


def test_generation_is_reproducible_and_the_plan_round_trips(orders, model, treated) -> None:
    first = model.sample(100, seed=5)
    loaded = Synthesizer.load(model.to_bytes())

    assert loaded.schema_.to_dict() == treated.without_examples().to_dict()
    assert loaded.pii_ == model.pii_
    pd.testing.assert_frame_equal(loaded.sample(100, seed=5), first)
    pd.testing.assert_frame_equal(model.sample(100, seed=5), first)


def test_the_plan_stores_no_real_value(orders, model) -> None:
    text = json.dumps(model.pii_.to_dict())

    for name in PRIVATE:
        for value in orders[name].astype(str):
            assert value not in text, value


def test_shared_characters_are_kept_only_when_many_values_share_them() -> None:
    few = learn_formats(pd.Series(["AB-1234", "AB-5678"]))
    many = learn_formats(pd.Series([f"AB-{i:04d}" for i in range(1000, 1040)]))

    assert few == [Format(("<A>", "<A>", "-", "<9>", "<9>", "<9>", "<9>"), 1.0)]
    assert many[0].tokens[:4] == ("A", "B", "-", "1")


def test_a_full_format_goes_on_in_longer_ids_up_to_a_limit(monkeypatch) -> None:
    frame = pd.DataFrame({"code": [f"X{i}" for i in range(10, 50)], "v": np.arange(40.0)})
    schema = infer_schema(frame).with_changes("code", kind="identifier")
    schema = schema.with_changes("code", treatment="new_ids")
    plan = PiiPlan.fit(frame, schema)

    writer, rng = plan.writer(0), np.random.default_rng(0)
    made = writer.add(pd.DataFrame({"v": np.zeros(60)}), rng)["code"]  # X00 .. X99, not X10 .. X49
    assert made.is_unique and not set(made) & set(frame["code"])
    more = writer.add(pd.DataFrame({"v": np.zeros(5)}), rng)["code"]
    assert more.str.fullmatch(r"X\d{3}").all() and not set(more) & set(made)

    monkeypatch.setattr(pii, "MAX_LONGER", 0)
    writer = plan.writer(0)
    writer.add(pd.DataFrame({"v": np.zeros(60)}), rng)
    with pytest.raises(DataError, match="no room for more different IDs in its format"):
        writer.add(pd.DataFrame({"v": np.zeros(1)}), rng)


def test_parts_of_one_generation_with_their_own_seeds_never_make_the_same_id() -> None:
    frame = pd.DataFrame(
        {"code": [f"X{i}" for i in range(10, 50)], "row": np.arange(1, 41), "v": np.arange(40.0)}
    )
    schema = infer_schema(frame)
    for name in ("code", "row"):
        schema = schema.with_changes(name, kind="identifier").with_changes(
            name, treatment="new_ids"
        )
    plan = PiiPlan.fit(frame, schema)

    parts = [
        plan.writer(seed=100 + k, slot=IdSlot(seed=7, parts=3, part=k, first_row=20 * k)).add(
            pd.DataFrame({"v": np.zeros(20)}), np.random.default_rng(100 + k)
        )
        for k in range(3)
    ]
    made = pd.concat(parts, ignore_index=True)
    assert made["code"].is_unique and not set(made["code"]) & set(frame["code"])
    assert made["row"].tolist() == list(range(1, 61))  # each part counts on from the one before
    alone = [
        plan.writer(100 + k).add(pd.DataFrame({"v": np.zeros(20)}), np.random.default_rng(0))
        for k in range(3)
    ]
    assert not pd.concat(alone)["row"].is_unique  # without slots each part counts from 1


def test_one_part_alone_makes_the_ids_of_a_writer_without_a_slot() -> None:
    frame = pd.DataFrame({"code": [f"X{i}" for i in range(10, 50)], "v": np.arange(40.0)})
    schema = infer_schema(frame).with_changes("code", kind="identifier")
    plan = PiiPlan.fit(frame, schema.with_changes("code", treatment="new_ids"))
    rows = pd.DataFrame({"v": np.zeros(30)})

    plain = plan.writer(3).add(rows, np.random.default_rng(1))
    slotted = plan.writer(3, IdSlot(3)).add(rows, np.random.default_rng(1))
    pd.testing.assert_frame_equal(plain, slotted)


def test_treatments_that_do_not_fit_the_column_are_refused(orders, treated) -> None:
    schema = infer_schema(orders)

    with pytest.raises(SchemaError, match="cannot get 'replace with fake values'"):
        schema.with_changes("Order ID", treatment="fake")
    with pytest.raises(SchemaError, match="learned by the model"):
        schema.with_changes("Segment", treatment="fake")
    assert treated.with_changes("Phone", include=True).columns[-1].treatment is None
    assert Schema.from_dict(json.loads(json.dumps(treated.to_dict()))) == treated
    assert re.search("treatment", str(treated.summary_rows()))


def test_new_ids_for_a_repeating_key_keep_its_structure_and_never_a_real_key() -> None:
    sales = sales_orders(orders=600, seed=1)
    schema = infer_schema(sales)
    for name in KEY_COLUMNS:
        schema = schema.with_changes(name, treatment="new_ids")
    plan = PiiPlan.fit(sales, schema)

    made = plan.writer(5).add(sales[["Sales"]].copy(), np.random.default_rng(5))

    for name in KEY_COLUMNS:
        assert not set(made[name]) & set(sales[name]), name
        assert made[name].str.fullmatch(r"[A-Z]{2,3}-[\dA-Z-]+").all()
        real, new = sales[name].value_counts(), made[name].value_counts()
        assert abs(len(new) - len(real)) <= 0.15 * len(real), name  # as many different keys
        for q in (0.5, 0.9):  # and about the same rows per key
            assert abs(new.quantile(q) - real.quantile(q)) <= max(1, 0.3 * real.quantile(q))


def staff(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """Employees and their managers: every manager is an employee, the head has none."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(np.arange(100_000, 999_999), rows, replace=False)
    managers = rng.choice(ids[:80], rows).astype(float)
    managers[managers == ids] = ids[0]
    managers[0] = np.nan  # the head of the company
    return pd.DataFrame(
        {"EmployeeID": ids, "ManagerID": managers, "Age": rng.integers(20, 65, rows)}
    )


def test_new_ids_of_a_column_that_refers_to_another_point_at_its_new_ids() -> None:
    # IBM HR with a manager's ID: 0.8 % of new manager IDs were any employee's.
    table = staff()
    schema = infer_schema(table)
    for name in ("EmployeeID", "ManagerID"):
        schema = schema.with_changes(name, treatment="new_ids")
    plan = PiiPlan.fit(table, schema)
    assert {c.name: c.refers_to for c in plan.columns} == {
        "EmployeeID": "",
        "ManagerID": "EmployeeID",
    }

    made = plan.writer(3).add(table[["Age"]].copy(), np.random.default_rng(3))

    managers = made["ManagerID"].dropna()
    assert managers.isin(made["EmployeeID"]).all() and not managers.isin(table["EmployeeID"]).any()
    assert (made["ManagerID"] != made["EmployeeID"]).all()  # nobody manages themselves
    real, new = table["ManagerID"].value_counts(), managers.value_counts()
    assert abs(len(new) - len(real)) <= 0.1 * len(real)  # about as many managers ...
    assert abs(new.max() - real.max()) <= 2  # ... with about as many reports each
    # A reference that does not hold (a file changed by hand) draws its IDs afresh.
    stored = plan.to_dict()
    stored["columns"][1]["refers_to"] = "Age"
    assert PiiPlan.from_dict(stored).columns[1].refers_to == ""
    assert PiiPlan.from_dict(plan.to_dict()) == plan


def test_made_up_people_follow_their_new_key() -> None:
    # An orders export with New IDs for the customer and made-up names and emails: one new
    # customer had up to 77 different names, and no email went with its name.
    sales = sales_orders(orders=400, seed=3)
    customers = sales["Customer ID"].unique()
    fake = Faker()
    fake.seed_instance(3)
    people = {}
    for customer in customers:
        first, last = fake.first_name(), fake.last_name()
        people[customer] = (f"{first} {last}", f"{first}.{last}@shop.example".lower())
    rng = np.random.default_rng(0)
    sales = sales.assign(
        **{
            "Customer Name": sales["Customer ID"].map(lambda c: people[c][0]),
            "Customer Email": sales["Customer ID"].map(lambda c: people[c][1]),
            "Taken by": rng.choice([fake.name() for _ in range(60)], len(sales)),
        }
    )
    schema = infer_schema(sales).with_changes("Customer ID", treatment="new_ids")
    for name in ("Customer Name", "Customer Email", "Taken by"):
        assert schema[name].kind.value == "pii", name
        schema = schema.with_changes(name, treatment="fake")
    plan = PiiPlan.fit(sales, schema)
    follows = {c.name: c.follows for c in plan.columns}
    assert follows == {
        "Customer ID": "",
        "Customer Name": "Customer ID",
        "Customer Email": "Customer ID",
        "Taken by": "",  # a clerk per order, not per customer
    }

    made = plan.writer(4).add(sales[["Sales"]].copy(), np.random.default_rng(4))

    per_key = made.groupby("Customer ID")[["Customer Name", "Customer Email"]].nunique()
    assert (per_key == 1).all().all()
    assert made["Customer ID"].nunique() > 20
    assert made["Customer Name"].nunique() == made["Customer ID"].nunique()
    first, last = (
        made["Customer Name"].str.split(" ", n=1).str[0],
        made["Customer Name"].str.split().str[-1],
    )
    local = made["Customer Email"].str.split("@").str[0].str.rstrip("0123456789")
    ascii_name = (first + "." + last).str.normalize("NFKD").str.encode("ascii", "ignore")
    expected = ascii_name.str.decode("ascii").str.lower().str.replace(r"[^a-z.]", "", regex=True)
    assert (local == expected).all()
    assert made.groupby("Customer ID")["Taken by"].nunique().max() > 1
    # Customers without a name: their keys get none, and an email of their own all the same.
    sales.loc[sales["Customer ID"].isin(customers[::4]), "Customer Name"] = None
    plan = PiiPlan.fit(sales, schema)
    made = plan.writer(5).add(sales[["Sales"]].copy(), np.random.default_rng(5))
    nameless = made.groupby("Customer ID")["Customer Name"].agg(lambda names: names.isna().all())
    assert 0.1 < nameless.mean() < 0.45
    assert made["Customer Email"].str.fullmatch(r"[a-z.]+\d*@[a-z.-]+").all()
    assert PiiPlan.from_dict(plan.to_dict()) == plan
    stored = plan.to_dict()
    stored["columns"][1]["follows"] = "Sales"  # changed by hand: not a repeating new-IDs column
    assert PiiPlan.from_dict(stored).columns[1].follows == ""


def test_the_plan_keeps_rows_per_key_and_hashes_but_no_real_key() -> None:
    sales = sales_orders(orders=200, seed=2)
    schema = infer_schema(sales).with_changes("Customer ID", treatment="new_ids")
    stored = json.dumps(PiiPlan.fit(sales, schema).to_dict())

    assert not any(key in stored for key in sales["Customer ID"].unique())
    restored = PiiPlan.from_dict(json.loads(stored)).columns[0]
    counts = sales["Customer ID"].value_counts().value_counts()
    assert dict(restored.rows_per_key) == {int(k): int(v) for k, v in counts.items()}
    assert len(restored.real_hashes) == sales["Customer ID"].nunique()


def test_ids_counted_up_get_new_ids_in_their_own_words_when_their_formats_are_full() -> None:
    # 'Order 1' ... 'Order 150': every one- and two-digit value is real, so new IDs go on in
    # longer ones; the shared word is kept though each length has fewer values than it needs.
    orders = pd.DataFrame({"order": [f"Order {i}" for i in range(1, 151)], "x": np.ones(150)})
    schema = infer_schema(orders).with_changes("order", treatment="new_ids")
    made = PiiPlan.fit(orders, schema).writer(5).add(orders[["x"]], np.random.default_rng(2))
    assert made["order"].str.fullmatch(r"Order \d+").all()
    assert made["order"].is_unique and not set(made["order"]) & set(orders["order"])


def test_a_column_kept_as_it_is_comes_back_with_its_one_value_and_its_gaps() -> None:
    frame = pd.DataFrame(
        {
            "x": np.random.default_rng(0).normal(size=100).round(3),
            "year": [2018] * 100,
            "term": ["Fall"] * 90 + [np.nan] * 10,
            "notes": [np.nan] * 100,
        }
    )
    schema = infer_schema(frame)
    assert [schema[c].treatment for c in ("year", "term", "notes")] == [None, None, "keep"]
    out = Synthesizer(TINY_CONFIG).fit(frame, schema).sample(200, seed=1)
    assert list(out.columns) == ["x", "notes"]  # a constant is left out by default
    schema = schema.with_changes("year", treatment="keep").with_changes("term", treatment="keep")
    out = Synthesizer(TINY_CONFIG).fit(frame, schema).sample(200, seed=1)
    assert list(out.columns) == list(frame.columns)
    assert (out["year"] == 2018).all() and out["year"].dtype == np.int64
    assert set(out["term"].dropna()) == {"Fall"} and 0 < out["term"].isna().mean() < 0.25
    assert out["notes"].isna().all()
