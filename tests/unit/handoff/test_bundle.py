"""The bundle: the synthetic table (CSV and .xlsx), the report, the manifest and the README;
never the real rows, the model file only when asked for."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from synth_core.errors import DataError
from synth_core.handoff import bundle
from synth_core.handoff.bundle import make_bundle
from synth_core.handoff.request import Request
from tests.unit.handoff.handoff_cases import members, real_strings, words

SCORED = {"synthetic.csv", "synthetic.xlsx", "report.html", "manifest.json", "README.txt"}


def test_a_scored_bundle_holds_the_table_the_report_the_manifest_and_the_readme(scored_bundle):
    files = members(scored_bundle)
    assert set(files) == SCORED
    table = pd.read_csv(io.BytesIO(files["synthetic.csv"]))
    workbook = pd.read_excel(io.BytesIO(files["synthetic.xlsx"]))
    assert len(table) == len(workbook) == 120
    assert list(table.columns) == list(workbook.columns)
    assert {"Patient ID", "Full Name", "Ward", "Dose"} <= set(table.columns)
    assert "Notes" not in table.columns and "Site" not in table.columns
    report = files["report.html"].decode()
    assert "At a glance" in report and "Closest pairs" not in report
    assert "no row is a real person's row" in words(files["README.txt"])


def test_no_identifier_or_personal_value_of_the_real_table_is_in_any_file(
    scored_bundle, real_table
):
    private = real_table[["Patient ID", "Full Name", "Email", "Notes"]]
    values = {str(v) for column in private.columns for v in private[column].unique()}
    files = members(scored_bundle)
    workbook = pd.read_excel(io.BytesIO(files["synthetic.xlsx"])).to_csv(index=False)
    text = "".join(data.decode("utf-8") for name, data in files.items() if name != "synthetic.xlsx")
    assert [value for value in values if value in text + workbook] == []


def test_the_model_file_is_added_only_when_asked_for(synth, model_file, scored_bundle):
    assert "model.synth" not in members(scored_bundle)
    zipped = make_bundle(synth, model_file, Request(10, include_model=True))
    files = members(zipped)
    assert files["model.synth"] == model_file
    assert "treat it as you would the real data" in words(files["README.txt"])


def test_without_the_real_table_there_is_no_report_and_the_readme_says_so(synth, model_file):
    files = members(make_bundle(synth, model_file, Request(10)))
    assert set(files) == SCORED - {"report.html"}
    assert "not scored" in words(files["README.txt"])


def test_the_excel_copy_is_left_out_past_a_sheets_rows(synth, model_file, monkeypatch):
    monkeypatch.setattr(bundle, "EXCEL_MAX_ROWS", 9)
    assert "synthetic.xlsx" not in members(make_bundle(synth, model_file, Request(10)))
    assert "synthetic.xlsx" in members(make_bundle(synth, model_file, Request(9)))


def test_the_readme_states_no_formal_guarantee_without_differential_privacy(scored_bundle):
    readme = words(members(scored_bundle)["README.txt"])
    assert "there is no formal privacy guarantee" in readme
    assert "sha256sum synthetic.csv" in readme


def test_a_table_of_another_size_is_refused_for_scoring(synth, model_file, real_table):
    with pytest.raises(DataError, match="Give the table the model was trained on"):
        make_bundle(synth, model_file, Request(10), real_table.iloc[:100])
    assert real_strings(real_table)  # the helper sees the table's values
