"""The command line's business rules: listed by inspect, kept and printed by fit, left out with
--no-rules or --drop-rule N, and several --where conditions at once (run in-process)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth_core.cli import FIT_RULES_SHOWN, main
from synth_core.synthesizer import Synthesizer
from tests.sales_table import sales_with_rules

FIT = ("--epochs", "1", "--batch-size", "50", "--variant", "argn", "--device", "cpu")


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "sales.csv"
    sales_with_rules(300, seed=7).to_csv(path, index=False)
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def numbered(out: str) -> dict[str, int]:
    """{words: number} of the rule lines in ``out``."""
    lines = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    return {line.split(". ", 1)[1].split(":")[0]: int(line.split(".")[0]) for line in lines}


def test_inspect_lists_the_rules_found_with_their_share(capsys, table):
    code, out, _ = run(capsys, "inspect", table)
    assert code == 0
    assert "  + 4. Ship Date is on or after Order Date: 100 % of real rows" in out
    assert "  + 1. Unit Price is between" in out  # a range: kept though rare extremes break it
    assert "each Sub-Category belongs to one Category (13 values)" in out
    code, out, _ = run(capsys, "inspect", table, "--json")
    rules = json.loads(out)["rules"]
    assert rules[3]["words"] == "Ship Date is on or after Order Date"
    assert rules[3]["share"] == 1.0 and rules[3]["rule"]["kind"] == "order"


@pytest.fixture(scope="module")
def fitted(table, tmp_path_factory) -> dict[str, tuple[str, Path]]:
    """fit with every rule, with rule 4 dropped, and with none: (its output, its model)."""
    folder = tmp_path_factory.mktemp("fits")
    outputs = {}
    runs = {"all": (), "dropped": ("--drop-rule", "4"), "none": ("--no-rules",)}
    for name, extra in runs.items():
        model, printed = folder / f"{name}.synth", io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
            assert main(["fit", str(table), "--out", str(model), *FIT, *extra]) == 0
        outputs[name] = (printed.getvalue(), model)
    return outputs


def test_fit_prints_and_keeps_every_rule_all_real_rows_obey(fitted):
    out, model = fitted["all"]
    shown = numbered(out)
    assert shown["Ship Date is on or after Order Date"] == 4
    assert len(Synthesizer.load(model, device="cpu").rules_) == len(shown) > 4
    assert "(argn, 1 epoch, " in out  # one epoch, said as one


def test_drop_rule_leaves_that_rule_out(fitted):
    out, model = fitted["dropped"]
    assert "Ship Date is on or after Order Date" not in numbered(out)
    kept = Synthesizer.load(model, device="cpu").rules_
    assert all(rule.kind.value != "order" for rule in kept)
    assert len(kept) == len(numbered(fitted["all"][0])) - 1


def test_no_rules_keeps_none(fitted):
    assert Synthesizer.load(fitted["none"][1], device="cpu").rules_ == []


def test_sample_meets_two_conditions_and_says_how_many_rows_the_rules_rejected(
    capsys, fitted, tmp_path
):
    out_csv = tmp_path / "west.csv"
    code, out, err = run(
        capsys, "sample", fitted["all"][1], "--rows", "30", "--out", out_csv,
        "--where", "Category=Technology", "--where", "City=Seattle",
    )  # fmt: skip
    assert code == 0, err
    rows = pd.read_csv(out_csv)
    assert len(rows) == 30 and set(rows["Category"]) == {"Technology"}
    assert set(rows["City"]) == {"Seattle"} and set(rows["State"]) == {"Washington"}
    assert re.search(r"business rules kept: [\d,]+ rows? rejected", out)


def test_an_unknown_rule_number_is_a_one_line_error(capsys, table, tmp_path):
    code, _, err = run(
        capsys, "fit", table, "--out", tmp_path / "m.synth", *FIT, "--drop-rule", "99"
    )
    assert code == 2 and err.count("\n") == 1
    assert "There is no rule 99 to drop" in err and not (tmp_path / "m.synth").exists()


def test_conditions_the_rules_forbid_together_are_a_one_line_error(capsys, fitted, tmp_path):
    code, _, err = run(
        capsys, "sample", fitted["all"][1], "--rows", "5", "--out", tmp_path / "x.csv",
        "--where", "Sub-Category=Chairs", "--where", "Category=Technology",
    )  # fmt: skip
    assert code == 2 and "No row can have Sub-Category=Chairs and Category=Technology" in err


def test_fit_lists_the_first_rules_of_many_and_says_where_the_rest_are(capsys, tmp_path):
    rng = np.random.default_rng(3)
    wide = pd.DataFrame({f"m{i}": rng.uniform(i, i + 5, 80).round(2) for i in range(20)})
    path = tmp_path / "wide.csv"
    wide.to_csv(path, index=False)
    code, out, _ = run(capsys, "fit", path, "--out", tmp_path / "wide.synth", *FIT)
    kept = int(out.split("rules kept (")[1].split(" ")[0])
    assert code == 0 and kept > FIT_RULES_SHOWN
    assert len(re.findall(r"^  \d+\. ", out, flags=re.MULTILINE)) == FIT_RULES_SHOWN
    assert f"… and {kept - FIT_RULES_SHOWN} more ('inspect {path}' lists them all)" in out


def test_inspect_marks_a_rule_some_real_rows_break_as_not_kept(capsys, tmp_path):
    frame = sales_with_rules(300, seed=7)
    late = frame.index[:3]
    frame.loc[late, "Ship Date"] = "2001-01-01"  # shipped before they were ordered
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    code, out, _ = run(capsys, "inspect", path)
    assert code == 0
    assert "fit keeps those marked +: ranges, and rules every real row obeys" in out
    assert "  - 4. Ship Date is on or after Order Date: 99.0 % of real rows" in out
