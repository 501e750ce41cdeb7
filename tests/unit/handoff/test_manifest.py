"""The manifest says what was learned and how the rows were made, and no real value."""

from __future__ import annotations

import hashlib
import json

from synth_core.handoff.bundle import make_bundle
from synth_core.handoff.manifest import model
from synth_core.handoff.request import Request
from synth_core.privacy.dp import PrivacyRecord
from tests.unit.handoff.handoff_cases import WARDS, members, real_strings


def manifest_of(zipped: bytes) -> dict:
    return json.loads(members(zipped)["manifest.json"])


def test_no_real_value_reaches_the_manifest_or_the_readme(scored_bundle, real_table):
    files = members(scored_bundle)
    manifest, readme = files["manifest.json"].decode(), files["README.txt"].decode()
    assert "Ward" in manifest and "Patient ID" in manifest  # the names are there ...
    leaked = [value for value in real_strings(real_table) if value in manifest + readme]
    assert leaked == []  # ... and no value: IDs, names, emails, notes, categories, the constant


def test_a_chosen_condition_is_the_only_value_the_manifest_names(synth, model_file, real_table):
    zipped = make_bundle(synth, model_file, Request(30, seed=2, conditions={"Ward": WARDS[0]}))
    manifest = members(zipped)["manifest.json"].decode()
    leaked = {value for value in real_strings(real_table) if value in manifest}
    assert leaked == {WARDS[0]}
    assert manifest_of(zipped)["generation"]["conditions"] == {"Ward": WARDS[0]}


def test_each_column_has_its_kind_and_what_became_of_it(scored_bundle):
    columns = {c["name"]: c for c in manifest_of(scored_bundle)["columns"]}
    treatments = {name: column["treatment"] for name, column in columns.items()}
    assert treatments == {
        "Patient ID": "new ids",
        "Full Name": "replace with fake values",
        "Email": "replace with fake values",
        "Notes": "left out",
        "Ward": "learned by the model",
        "Dose": "learned by the model",
        "Age": "learned by the model",
        "Site": "left out",
    }
    assert columns["Patient ID"]["kind"] == "identifier"
    assert columns["Email"]["personal_data_or_identifier"] is True
    assert columns["Notes"]["in_synthetic_table"] is False


def test_settings_seed_filters_scores_versions_and_time_are_recorded(scored_bundle, synth):
    manifest = manifest_of(scored_bundle)
    assert manifest["model"]["type"] == synth.config_.variant
    assert manifest["model"]["epochs_trained"] == synth.parts_.epochs_trained == 1
    assert manifest["model"]["settings"]["epochs"] == synth.config_.epochs
    assert manifest["model"]["training_rows"] == synth.training_rows_
    assert manifest["model"]["differential_privacy"] is None
    assert "device" not in manifest["model"]["settings"]
    generation = manifest["generation"]
    assert (generation["rows_requested"], generation["seed"]) == (120, 5)
    assert [f["filter"] for f in generation["filters"]] == [
        "copies of rare real rows",
        "near copies",
    ]
    assert all("rows_removed" in f for f in generation["filters"])
    scores = manifest["scores"]
    assert 0 <= scores["quality"] <= 1 and scores["verdicts"]["privacy"]
    assert scores["usefulness"]["target"] == "Ward"
    assert {"synth-studio", "torch", "pandas", "python"} <= set(manifest["made_with"])
    assert manifest["created"].endswith("Z")


def test_every_other_file_has_its_sha256(scored_bundle):
    files = members(scored_bundle)
    listed = manifest_of(scored_bundle)["files"]
    assert set(listed) == set(files) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert entry["bytes"] == len(files[name])


def test_epsilon_is_recorded_for_a_private_model(synth):
    record = PrivacyRecord(3.0, 2.9, 1e-4, 1.1, 5.0, 0.1, 40, 1.0, 128)
    copy = object.__new__(type(synth))  # the same model, as if trained with DP
    copy.__dict__.update(synth.__dict__, privacy_=record)
    recorded = model(copy, "0" * 64)["differential_privacy"]
    assert recorded == {"epsilon": 2.9, "epsilon_target": 3.0, "delta": 1e-4}
