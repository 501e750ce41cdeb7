"""Reproducible handoffs: the same model file, rows, seed and conditions give the same CSV
bytes, and the manifest's settings give them again through ``sample``."""

from __future__ import annotations

import json

from synth_core.cli import main
from synth_core.handoff.bundle import make_bundle
from synth_core.handoff.request import Request
from tests.unit.handoff.handoff_cases import WARDS, members


def test_the_same_model_rows_seed_and_condition_give_byte_identical_csv(synth, model_file):
    request = Request(80, seed=11, conditions={"Ward": WARDS[1]})
    first = members(make_bundle(synth, model_file, request))["synthetic.csv"]
    again = members(make_bundle(synth, model_file, request))["synthetic.csv"]
    other = members(make_bundle(synth, model_file, Request(80, 12, {"Ward": WARDS[1]})))
    assert first == again
    assert other["synthetic.csv"] != first  # the seed matters, so the equality says something


def test_the_manifests_settings_make_the_same_csv_again_with_sample(
    model_file, real_table, tmp_path, capsys
):
    model, real = tmp_path / "model.synth", tmp_path / "real.csv"
    model.write_bytes(model_file)
    real_table.to_csv(real, index=False)
    bundle = tmp_path / "handoff.zip"
    argv = ["bundle", model, "--rows", "150", "--seed", "4", "--where", f"Ward={WARDS[2]}"]
    assert main([str(a) for a in [*argv, "--data", real, "--out", bundle]]) == 0
    files = members(bundle.read_bytes())
    settings = json.loads(files["manifest.json"])["regenerate"]
    assert settings["near_copy_filter"] is True  # the command needs the real table too
    assert settings["same_bytes"] is True
    paths = {"MODEL.synth": model, "REAL.csv": real, "synthetic.csv": tmp_path / "again.csv"}
    command = [str(paths.get(part, part)) for part in settings["command"]]
    assert command[:4] == ["python", "-m", "synth_core", "sample"]
    assert main(command[3:]) == 0
    capsys.readouterr()
    assert (tmp_path / "again.csv").read_bytes() == files["synthetic.csv"]
