"""Business rules through a real (tiny) training: found, kept in every generated row by every
model type, with conditions, saved in the model file and read back."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from synth_core.errors import DataError, ModelFileError, RuleError, SchemaError
from synth_core.models.variants import VARIANTS
from synth_core.rules import (
    ArithmeticRule,
    MappingRule,
    OrderRule,
    RangeRule,
    discover_rules,
    obeyed_shares,
)
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer, kept_rules
from tests.helpers import TINY_CONFIG
from tests.sales_table import sales_with_rules


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    return sales_with_rules(400, seed=5)


@pytest.fixture(scope="module")
def schema(sales):
    return infer_schema(sales)


@pytest.fixture(scope="module")
def fitted(sales, schema):
    cache: dict[str, Synthesizer] = {}

    def get(variant: str) -> Synthesizer:
        if variant not in cache:
            config = TINY_CONFIG.replace(
                variant=variant, condition_column="Category" if variant == "cgan" else None
            )
            cache[variant] = Synthesizer(config).fit(sales, schema)
        return cache[variant]

    return get


def rewritten(data: bytes, change) -> bytes:
    """The model file with model.json changed by ``change`` and its checksum renewed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    model = json.loads(members["model.json"])
    change(model)
    members["model.json"] = json.dumps(model).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["sha256"]["model.json"] = hashlib.sha256(members["model.json"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_fit_keeps_every_rule_all_real_rows_obey_and_every_range(fitted, sales, schema):
    found = discover_rules(sales, schema)
    kept = fitted("argn").rules_
    assert kept == [rule for rule in found if rule.share == 1.0 or isinstance(rule, RangeRule)]
    assert any(rule.share < 1.0 for rule in kept)  # rare extremes lie beyond a range
    assert {type(rule) for rule in kept} == {OrderRule, RangeRule, MappingRule, ArithmeticRule}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_generated_row_obeys_every_kept_rule(fitted, schema, variant):
    synth = fitted(variant)
    result = synth.generate(300, seed=1)
    assert len(result.frame) == 300
    assert obeyed_shares(result.frame, synth.rules_, schema) == [1.0] * len(synth.rules_)


def test_without_rules_the_rows_break_them(sales, schema):
    synth = Synthesizer(TINY_CONFIG.replace(variant="argn")).fit(sales, schema, rules=[])
    shares = obeyed_shares(synth.sample(300, seed=1), discover_rules(sales, schema), schema)
    assert synth.rules_ == [] and min(shares) < 0.9


@pytest.mark.parametrize("variant", ["argn", "ctgan", "cgan"])
def test_two_conditions_and_the_rules_hold_together(fitted, schema, variant):
    synth = fitted(variant)
    out = synth.sample(40, conditions={"Category": "Technology", "City": "Seattle"}, seed=3)
    assert len(out) == 40
    assert (out["Category"] == "Technology").all() and (out["City"] == "Seattle").all()
    assert (out["State"] == "Washington").all()  # derived by the City → State rule
    assert obeyed_shares(out, synth.rules_, schema) == [1.0] * len(synth.rules_)


def test_conditions_the_rules_forbid_together_are_refused_at_once(fitted):
    with pytest.raises(RuleError, match="No row can have Sub-Category=Chairs and Category=Tech"):
        fitted("argn").sample(10, conditions={"Sub-Category": "Chairs", "Category": "Technology"})


def test_rules_that_keep_failing_stop_with_a_plain_message(fitted):
    synth = fitted("argn")
    total = ArithmeticRule("Sales", "Quantity", "*", "Unit Price")
    impossible = dataclasses.replace(synth.parts_, rules=(total, RangeRule("Sales", 0.0, 1.0)))
    with pytest.raises(DataError, match=r"broke the rule 'Sales = Quantity × Unit Price'"):
        Synthesizer.from_parts(impossible).generate(50, chunk_rows=5_000)


def test_rows_that_cannot_be_mended_are_rejected_and_counted(fitted, sales):
    synth = fitted("argn")
    ceiling = float(sales["Sales"].median())  # about half the computed totals are above it
    parts = dataclasses.replace(synth.parts_, rules=(*synth.rules_, RangeRule("Sales", 0, ceiling)))
    result = Synthesizer.from_parts(parts).generate(200, seed=4)
    assert len(result.frame) == 200 and (result.frame["Sales"] <= ceiling).all()
    assert result.rule_rejected > 50


def test_a_rule_the_real_table_breaks_is_refused_by_fit(sales, schema):
    backwards = OrderRule("Ship Date", "Order Date", (0.0,))
    with pytest.raises(RuleError, match="breaks the rule"):
        Synthesizer(TINY_CONFIG.replace(variant="argn")).fit(sales, schema, rules=[backwards])


def test_rules_are_saved_in_the_model_file_and_kept_after_loading(fitted, schema):
    synth = fitted("argn")
    loaded = Synthesizer.load(synth.to_bytes(), device="cpu")
    assert loaded.rules_ == synth.rules_
    out = loaded.sample(200, seed=2)
    assert obeyed_shares(out, loaded.rules_, schema) == [1.0] * len(loaded.rules_)


def test_a_model_file_without_rules_still_loads(fitted):
    older = rewritten(fitted("argn").to_bytes(), lambda model: model.pop("rules"))
    assert Synthesizer.load(older, device="cpu").rules_ == []


@pytest.mark.parametrize(
    "rules, words",
    [
        ([{"kind": "formula", "code": "import os"}], "business rule is not valid"),
        ([{"kind": "range", "column": "Nope", "low": 0, "high": 1}], "Nope"),
        ([{"kind": "range", "column": "City", "low": 0, "high": 1}], "categorical"),
        ("not a list", "must be a list"),
    ],
)
def test_a_model_file_with_a_crafted_rule_is_refused_in_one_line(fitted, rules, words):
    crafted = rewritten(fitted("argn").to_bytes(), lambda model: model.update(rules=rules))
    with pytest.raises(ModelFileError, match=words) as caught:
        Synthesizer.load(crafted, device="cpu")
    assert "\n" not in str(caught.value)


def test_a_differentially_private_fit_finds_no_rules_and_refuses_given_ones(sales, schema):
    private = TINY_CONFIG.replace(variant="ctgan", dp_epsilon=3.0)
    assert kept_rules(sales, schema, private, None) == []
    with pytest.raises(SchemaError, match="outside the differential-privacy guarantee"):
        kept_rules(sales, schema, private, [RangeRule("Quantity", 1, 9)])


def test_codes_of_hundreds_of_names_stay_paired_in_every_generated_row():
    # More names than a category column gets outputs of its own: the rarer ones share one and
    # are drawn back apart from the other columns, so only the found mapping keeps the pairs.
    codes = [chr(65 + i // 26) + chr(65 + i % 26) for i in range(150)]
    frame = pd.DataFrame(
        {
            "country": [f"Land of {code.lower()}" for code in codes] * 20,
            "iso": codes * 20,
            "rate": np.random.default_rng(0).gamma(2.0, 10.0, 3000).round(2),
        }
    )
    schema = infer_schema(frame)
    synth = Synthesizer(TINY_CONFIG.replace(variant="argn")).fit(frame, schema)
    mappings = [rule for rule in synth.rules_ if isinstance(rule, MappingRule)]
    assert [(m.source, m.target, m.one_to_one, len(m.pairs)) for m in mappings] == [
        ("country", "iso", True, 150)
    ]
    rows = synth.sample(1000, seed=2)
    assert (rows["iso"].str.lower() == rows["country"].str[-2:]).all()


def test_a_two_valued_column_finer_than_it_is_written_keeps_both_values():
    # Both values have more decimals than a column is written with when they are few: they come
    # back exactly, as the real ones (rounded, each would stand apart from its real twin), and
    # the range rule found on the real rows accepts them.
    rng = np.random.default_rng(0)
    values = [-0.044641636506989144, 0.05068011873981862]
    frame = pd.DataFrame(
        {"flag": rng.choice(values, 400), "x": rng.normal(0.0, 0.05, 400).round(6)}
    )
    synth = Synthesizer(TINY_CONFIG.replace(variant="argn")).fit(frame, infer_schema(frame))
    result = synth.generate(300, seed=1)
    assert sorted(result.frame["flag"].unique()) == values
    assert result.frame["x"].round(6).equals(result.frame["x"])  # six places stay six
    assert result.rule_rejected == 0
