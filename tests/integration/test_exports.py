"""Real exports: keys that repeat never leak, copies are filtered by risk, and category shares
come back as they were, for every model type (tiny trainings on the CPU)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth_core.models.variants import VARIANTS
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.tables import read_table
from synth_core.tables.styles import written_in_styles
from tests.helpers import TINY_CONFIG
from tests.sales_table import KEY_COLUMNS, SALES_KINDS, sales_orders

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def test_no_real_key_of_a_sales_export_appears_in_any_generated_row() -> None:
    sales = sales_orders(orders=500, seed=4)
    schema = infer_schema(sales)
    assert {c.name: c.kind.value for c in schema.columns} == SALES_KINDS
    for name in KEY_COLUMNS:
        schema = schema.with_changes(name, treatment="new_ids")

    made = Synthesizer(TINY_CONFIG).fit(sales, schema).sample(3000, seed=1)

    assert len(made) == 3000
    real_keys = set().union(*(set(sales[name]) for name in KEY_COLUMNS))
    assert not real_keys & set(made[list(KEY_COLUMNS)].to_numpy().ravel())
    assert made["Customer ID"].value_counts().max() > 1  # keys still repeat


def test_new_keys_avoid_every_real_key_and_repeat_as_often_as_in_the_whole_table() -> None:
    """The model learns from the training rows; new IDs are planned on every real row, the
    held-out ones too: none is made again, and each key has as many rows as a real one."""
    sales = sales_orders(orders=600, seed=5)
    schema = infer_schema(sales).with_changes("Customer ID", treatment="new_ids")
    train = sales.sample(frac=0.8, random_state=0)
    synth = Synthesizer(TINY_CONFIG).fit(train, schema)
    learnt = synth.sample(len(sales), seed=1)["Customer ID"]

    synth.protect_real_rows(sales)
    made = synth.sample(len(sales), seed=1)["Customer ID"]

    real_keys = set(sales["Customer ID"])
    rows_per_key = len(sales) / len(real_keys)
    assert len(made) / made.nunique() == pytest.approx(rows_per_key, rel=0.05)
    assert len(learnt) / learnt.nunique() < 0.9 * rows_per_key  # the training rows' spread
    assert not real_keys & set(made)


def test_a_one_category_table_gives_all_its_rows() -> None:
    frame = pd.DataFrame({"colour": np.resize(["red", "green", "blue"], 500)})
    synth = Synthesizer(TINY_CONFIG).fit(frame)

    result = synth.generate(500, seed=0)

    assert len(result.frame) == 500
    assert result.copies_removed == 0  # every row equals a combination ~167 real rows share
    assert result.common_copies_kept == 500


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_model_type_keeps_the_shares_of_an_imbalanced_column(variant: str) -> None:
    rng = np.random.default_rng(0)
    labels = np.array(["a"] * 950 + ["b"] * 25 + ["c"] * 25)[rng.permutation(1000)]
    frame = pd.DataFrame({"continuous": rng.random(1000), "discrete": labels})
    condition = "discrete" if VARIANTS[variant].needs_condition_column else None
    config = TINY_CONFIG.replace(variant=variant, condition_column=condition, epochs=3)

    made = Synthesizer(config).fit(frame).sample(4000, seed=1, remove_copies=False)

    shares = made["discrete"].value_counts(normalize=True)
    assert shares["a"] == pytest.approx(0.95, abs=0.03)
    assert shares.get("b", 0) == pytest.approx(0.025, abs=0.02)


def test_generated_money_and_percentages_are_written_as_the_export_wrote_them() -> None:
    result = read_table(CORPUS / "loans_export.csv")
    schema = infer_schema(result.frame).with_only(["Loan Amount", "Interest Rate", "Balance"])

    made = Synthesizer(TINY_CONFIG).fit(result.frame, schema).sample(200, seed=0)
    written = written_in_styles(made, schema.number_formats)

    assert written["Loan Amount"].str.fullmatch(r"\$\d{1,3}(,\d{3})*").all()
    assert written["Interest Rate"].str.fullmatch(r"\d+\.\d\d%").all()
    assert written["Balance"].str.fullmatch(r"\d{1,3}(\.\d{3})*,\d\d €").all()
    again = read_table(written.to_csv(index=False).encode()).frame
    assert np.allclose(again["Balance"], made["Balance"])


def test_times_of_day_come_back_as_new_times_written_like_the_export() -> None:
    """Order times ('11:38:36') are learned as times: the generated ones are written the same
    way, stay in the real span, and are not the real times replayed."""
    rng = np.random.default_rng(0)
    seconds = rng.normal(13 * 3600, 2.5 * 3600, 600).clip(10 * 3600, 23 * 3600).astype(int)
    times = [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in seconds]
    frame = pd.DataFrame({"time": times, "price": rng.gamma(4, 5, 600).round(2)})
    schema = infer_schema(frame)
    assert schema["time"].datetime_format == "%H:%M:%S"

    made = Synthesizer(TINY_CONFIG.replace(variant="argn")).fit(frame, schema).sample(300, seed=0)
    assert made["time"].str.fullmatch(r"\d\d:\d\d:\d\d").all()
    assert made["time"].between(min(times), max(times)).all()
    assert made["time"].isin(times).mean() < 0.5  # most are times no real row has


def test_an_open_end_date_comes_back_in_its_share_of_rows_written_as_the_export_wrote_it(
    tmp_path: Path,
) -> None:
    from synth_core.errors import SchemaError
    from synth_core.tables.write import to_csv_bytes
    from tests.helpers import config_for

    rng = np.random.default_rng(5)
    start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 2000, 800), "D")
    end = (start + pd.to_timedelta(rng.integers(10, 900, 800), "D")).strftime("%m/%d/%Y")
    open_ended = rng.random(800) < 0.3
    export = pd.DataFrame(
        {
            "plan": rng.choice(["basic", "plus"], 800),
            "valid_from": start.strftime("%m/%d/%Y"),
            "valid_to": np.where(open_ended, "12/31/9999", end),
        }
    ).to_csv(index=False)
    frame = read_table(export.encode()).frame
    schema = infer_schema(frame)
    assert schema["valid_to"].open_end == "12/31/9999"

    synth = Synthesizer(config_for("argn", epochs=3)).fit(frame, schema)
    synth.save(tmp_path / "m.synth")
    loaded = Synthesizer.load(tmp_path / "m.synth", device="cpu")
    written = to_csv_bytes(loaded.sample(800, seed=1), loaded.schema_.written_as).decode()
    valid_to = pd.read_csv(io.StringIO(written))["valid_to"]
    assert valid_to.notna().all()
    assert abs((valid_to == "12/31/9999").mean() - open_ended.mean()) < 0.08
    assert pd.to_datetime(valid_to[valid_to != "12/31/9999"], format="%m/%d/%Y").notna().all()

    state = loaded.schema_.to_dict()
    next(c for c in state["columns"] if c["name"] == "valid_to")["open_end"] = "9" * 41
    with pytest.raises(SchemaError, match="'open_end' must be a text of 1 to 40 characters"):
        type(loaded.schema_).from_dict(state)
