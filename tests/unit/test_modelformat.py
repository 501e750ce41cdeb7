"""Model files survive upgrades: every committed model file (one per earlier format, and one of
today's) loads and gives the rows it gave when saved; a newer format is refused naming the
version it needs; a changed file is refused as before.

A fixture of today's format is made by training on ``tests/fixtures/sales_orders.csv`` with
``epochs=2, batch_size=20, seed=3, device="cpu", eval_every=0``, saving it as
``sales_<variant>_v<FORMAT_VERSION>.synth`` and writing
``Synthesizer.load(path).sample(20, seed=7).to_csv(index=False)`` beside it.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from synth_core import modelformat
from synth_core.errors import ModelFileError
from synth_core.synthesizer import Synthesizer

SAVED = Path(__file__).parents[1] / "fixtures" / "models"
FIXTURES = sorted(SAVED.glob("*.synth"))
TODAYS = SAVED / f"sales_argn_v{modelformat.FORMAT_VERSION}.synth"


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_manifest(path: Path, **changes) -> bytes:
    members = members_of(path)
    manifest = json.loads(members["manifest.json"]) | changes
    members["manifest.json"] = json.dumps(manifest).encode()
    return zipped(members)


def test_there_is_a_fixture_of_every_model_type_family_and_of_todays_format():
    assert {path.name for path in FIXTURES} >= {
        "sales_ctgan_v1.synth",
        "sales_vaegan_v1.synth",
        TODAYS.name,
    }
    manifest = json.loads(members_of(TODAYS)["manifest.json"])
    assert manifest["format_version"] == modelformat.FORMAT_VERSION and manifest["saved_by"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_saved_model_file_loads_and_gives_the_rows_it_gave_when_saved(path):
    rows = Synthesizer.load(path, device="cpu").sample(20, seed=7).to_csv(index=False)
    expected = path.with_suffix(".sample-seed7.csv").read_text(encoding="utf-8")
    assert rows == expected


def test_a_newer_format_is_refused_naming_the_version_it_needs():
    newer = modelformat.FORMAT_VERSION + 1
    crafted = with_manifest(TODAYS, format_version=newer, saved_by="0.9.0")
    with pytest.raises(ModelFileError) as refused:
        Synthesizer.load(crafted, device="cpu")
    message = str(refused.value)
    assert f"format version {newer}, newer than this Synth Studio" in message
    assert "Open it with Synth Studio 0.9.0 or later" in message


def test_a_newer_files_odd_version_text_is_not_repeated():
    crafted = with_manifest(TODAYS, format_version=99, saved_by="<b>" + "9" * 500)
    with pytest.raises(ModelFileError, match="a Synth Studio that reads it") as refused:
        Synthesizer.load(crafted, device="cpu")
    assert "<b>" not in str(refused.value)


def test_a_file_of_an_earlier_format_is_upgraded_step_by_step(monkeypatch):
    steps = []

    def step(version):
        def upgrade(model):
            steps.append(version)
            return model

        return upgrade

    monkeypatch.setattr(modelformat, "FORMAT_VERSION", 3)
    monkeypatch.setattr(modelformat, "UPGRADES", {1: step(1), 2: step(2)})
    Synthesizer.load(SAVED / "sales_ctgan_v1.synth", device="cpu")
    assert steps == [1, 2]


def test_the_order_rules_of_an_earlier_format_keep_the_gaps_they_drew():
    model = json.loads(members_of(SAVED / "sales_argn_v2.synth")["model.json"])
    upgraded = modelformat.upgrade(model, 2)
    orders = [rule for rule in upgraded["rules"] if rule["kind"] == "order"]
    others = [rule for rule in upgraded["rules"] if rule["kind"] != "order"]
    assert orders and all(rule["far_gaps_mended"] is False for rule in orders)
    assert others == [rule for rule in model["rules"] if rule["kind"] != "order"]
    assert modelformat.upgrade({"rules": "damaged"}, 2) == {"rules": "damaged"}


def test_a_changed_file_of_todays_format_is_refused():
    members = members_of(TODAYS)
    members["model.json"] = members["model.json"].replace(b'"epochs": 2', b'"epochs": 3')
    with pytest.raises(ModelFileError, match="changed after it was saved"):
        Synthesizer.load(zipped(members), device="cpu")


def test_saving_a_model_gives_the_same_bytes_whatever_the_time(monkeypatch):
    synth = Synthesizer.load(TODAYS, device="cpu")
    monkeypatch.setattr(time, "time", lambda: 400_000_000.0)
    early = synth.to_bytes()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert synth.to_bytes() == early
