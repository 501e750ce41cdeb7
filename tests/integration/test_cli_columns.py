"""The command line's column changes, as on the app's Columns page: --kind reads a column as
another kind, --replace fills a left-out column with made-up values or new IDs (run in-process)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth_core.cli import main
from synth_core.synthesizer import Synthesizer

FIT = ("--epochs", "1", "--batch-size", "50", "--variant", "argn", "--device", "cpu")


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "store": rng.choice([3, 7, 12], 120),  # store numbers: labels, read as amounts
            "sales": rng.gamma(2.0, 50.0, 120).round(2),
            "customer": [f"C-{i:04d}" for i in range(120)],  # a label of one row each
        }
    )
    path = tmp_path_factory.mktemp("columns") / "sales.csv"
    frame.to_csv(path, index=False)
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_inspect_shows_the_changed_kind_and_the_filled_column(capsys, table):
    code, out, _ = run(capsys, "inspect", table, "--kind", "store=categorical")
    assert code == 0 and "+ store     categorical  set by you (was: integer)" in out
    code, out, _ = run(capsys, "inspect", table, "--replace", "customer=new_ids")
    assert code == 0 and "left out by default; filled with new IDs" in out
    assert "its rows need not agree with each other" in out  # which rows share one is random


def test_fit_keeps_the_changes_and_sample_fills_the_column(capsys, table, tmp_path):
    model, rows = tmp_path / "sales.synth", tmp_path / "rows.csv"
    code, _, err = run(
        capsys, "fit", table, "--out", model, *FIT,
        "--kind", "store=categorical", "--replace", "customer=new_ids",
    )  # fmt: skip
    assert code == 0, err
    assert "note: 'customer' gets new IDs (which rows share one is random" in err
    schema = Synthesizer.load(model).schema_
    assert schema["store"].kind == "categorical" and schema["customer"].treatment == "new_ids"
    assert run(capsys, "sample", model, "--rows", "40", "--out", rows)[0] == 0
    synthetic = pd.read_csv(rows)
    assert list(synthetic.columns) == ["store", "sales", "customer"]
    assert set(synthetic["store"]) <= {3, 7, 12}
    real = set(pd.read_csv(table)["customer"])
    assert synthetic["customer"].is_unique and not real & set(synthetic["customer"])


@pytest.mark.parametrize(
    ("option", "phrase"),
    [
        ("--kind", "--kind takes COLUMN=KIND, such as --kind 'Zip code=categorical'"),
        ("--kind=store=colour", "'colour' is not a column kind. Choose one of: numerical"),
        ("--kind=stores=categorical", "There is no column called 'stores'. Did you mean 'store'?"),
        ("--replace=customer=fake", "It can only be: new ids"),
        ("--replace=sales=new_ids", "is learned by the model, so it cannot also be replaced"),
    ],
)
def test_a_change_that_cannot_be_made_is_one_line_naming_it(capsys, table, option, phrase):
    argv = ["inspect", table, *(["--kind", "store"] if option == "--kind" else [option])]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and phrase in lines[0]


def test_a_column_of_one_value_is_kept_or_left_out_on_request(capsys, tmp_path):
    path = tmp_path / "terms.csv"
    rng = np.random.default_rng(1)
    pd.DataFrame({"x": rng.normal(size=60), "term": "Fall", "notes": np.nan}).to_csv(path)
    code, out, _ = run(capsys, "inspect", path, "--replace", "term=keep", "--replace", "notes=none")
    assert code == 0
    assert "- term " in out and "- notes" in out
    model = tmp_path / "terms.synth"
    code, _, err = run(capsys, "fit", path, "--out", model, *FIT, "--replace", "term=keep")
    assert code == 0, err
    treatments = {c.name: c.treatment for c in Synthesizer.load(model).schema_.columns}
    assert (treatments["term"], treatments["notes"]) == ("keep", "keep")  # empty: kept by default
    code, _, err = run(capsys, "fit", path, "--out", model, *FIT, "--replace", "notes=none")
    assert code == 0 and Synthesizer.load(model).schema_["notes"].treatment is None


def test_evaluate_says_rows_equal_to_holdout_rows_are_left_out_whichever_they_are(capsys, tmp_path):
    # Few values per column: training rows often equal a held-out row in every column.
    rng = np.random.default_rng(2)
    table = pd.DataFrame(
        {
            "size": rng.choice(["S", "M"], 200),
            "colour": rng.choice(["red", "blue"], 200),
            "items": rng.integers(1, 8, 200),
        }
    )
    paths = {name: tmp_path / f"{name}.csv" for name in ("real", "holdout", "synthetic")}
    table.to_csv(paths["real"], index=False)
    table.iloc[:40].to_csv(paths["holdout"], index=False)
    table.sample(100, random_state=1).to_csv(paths["synthetic"], index=False)
    code, _, err = run(
        capsys, "evaluate", paths["real"], paths["synthetic"], "--holdout", paths["holdout"]
    )
    left_out = int(err.split("left out ")[1].split(" ")[0].replace(",", ""))
    assert code == 0 and left_out > 40  # more than the 40 held-out rows
    assert "equal to a row of the holdout file in the columns compared" in err
    assert "any training rows just like them" in err


def test_evaluate_refuses_a_holdout_equal_to_every_real_row_saying_so(capsys, tmp_path):
    table = pd.DataFrame({"size": ["S", "M"] * 30, "colour": ["red", "blue", "red"] * 20})
    real, holdout = tmp_path / "real.csv", tmp_path / "holdout.csv"
    table.to_csv(real, index=False)
    table.iloc[:30].to_csv(holdout, index=False)  # holds every combination there is
    code, out, err = run(capsys, "evaluate", real, real, "--holdout", holdout)
    assert code == 2 and out == ""
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: Every row of") and "Evaluate without --holdout" in line


def test_a_european_export_comes_back_with_its_separator_decimals_and_money(capsys, tmp_path):
    """A ';' file with decimal commas, saved by Windows software: the synthetic file is written
    the same way (and with a byte-order mark, so that a spreadsheet reads its accents)."""
    rng = np.random.default_rng(2)
    lines = ["Filiale;Gewicht;Betrag"]
    for i in range(150):
        amount = f"{rng.gamma(2.0, 800.0):,.2f}".replace(",", " ")  # '1 234.50'
        lines.append(f"{('Köln', 'Zürich')[i % 2]};{rng.normal(70, 8):.1f};{amount} €")
    path = tmp_path / "filialen.csv"
    path.write_bytes("\r\n".join(lines).replace(".", ",").encode("cp1252"))
    model, rows = tmp_path / "filialen.synth", tmp_path / "synthetic.csv"

    assert run(capsys, "fit", path, "--out", model, *FIT)[0] == 0
    assert run(capsys, "sample", model, "--rows", "60", "--out", rows)[0] == 0

    data = rows.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *body = data.decode("utf-8-sig").splitlines()
    assert header == "Filiale;Gewicht;Betrag"
    cells = [line.split(";") for line in body]
    assert all(row[0] in ("Köln", "Zürich") for row in cells)
    assert all("." not in row[1] for row in cells) and any("," in row[1] for row in cells)
    assert all(re.fullmatch(r"\d{1,3}( \d{3})*,\d\d €", row[2]) for row in cells)
