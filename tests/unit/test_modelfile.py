"""The .synth model file: a faithful round trip, and refusal of anything damaged or foreign."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load as load_safetensors

from synth_core.errors import ModelFileError
from synth_core.modelfile import FORMAT, FORMAT_VERSION
from synth_core.models.variants import VARIANTS
from synth_core.synthesizer import Synthesizer
from tests.helpers import check_valid_rows, make_mixed_frame, rows_inside_rules

MEMBERS = ("manifest.json", "model.json", "tensors.safetensors")


class Exploit:
    """Unpickling this runs code: it writes a marker file."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def build_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_fresh_manifest(
    members: dict[str, bytes], compression: int = zipfile.ZIP_STORED, **manifest_changes
) -> bytes:
    """Members rebuilt with checksums that match, so only the content decides."""
    manifest = json.loads(members["manifest.json"])
    manifest["sha256"] = {
        name: hashlib.sha256(members[name]).hexdigest() for name in MEMBERS if name in members
    }
    manifest.update(manifest_changes)
    return build_zip({**members, "manifest.json": json.dumps(manifest).encode()}, compression)


@pytest.fixture(scope="module")
def model_bytes(trained) -> bytes:
    return trained("ctgan").to_bytes()


def refused(source, *phrases: str) -> str:
    with pytest.raises(ModelFileError) as caught:
        Synthesizer.load(source, device="cpu")
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    for phrase in phrases:
        assert phrase in message, message
    return message


# ------------------------------------------------------------------------- round trip
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_saved_model_samples_the_same_rows(trained, tmp_path, variant):
    synth = trained(variant)
    path = tmp_path / "model.synth"
    synth.save(path)
    loaded = Synthesizer.load(path, device="cpu")
    assert loaded.columns == synth.columns
    assert loaded.config_ == synth.config_  # as trained (a small table may size the network)
    pd.testing.assert_frame_equal(loaded.sample(150, seed=3), synth.sample(150, seed=3))
    pd.testing.assert_frame_equal(loaded.sample(40), synth.sample(40))


def test_model_loads_from_bytes(trained, model_bytes, mixed_frame):
    loaded = Synthesizer.load(model_bytes, device="cpu")
    pd.testing.assert_frame_equal(loaded.sample(100, seed=9), trained("ctgan").sample(100, seed=9))
    check_valid_rows(mixed_frame, loaded.sample(100, seed=10))
    # What a model file keeps of the schema: no real ranges, nor examples of left-out columns.
    assert loaded.schema_.to_dict() == trained("ctgan").schema_.without_examples().to_dict()
    assert loaded.transform_.to_dict() == trained("ctgan").transform_.to_dict()


def test_saving_is_repeatable(trained, model_bytes):
    again = Synthesizer.load(model_bytes, device="cpu").to_bytes()
    first, second = members_of(model_bytes), members_of(again)
    assert first["tensors.safetensors"] == second["tensors.safetensors"]
    assert json.loads(first["model.json"]) == json.loads(second["model.json"])


@pytest.mark.parametrize("variant", [v for v in VARIANTS if VARIANTS[v].supports_conditions])
def test_loaded_model_samples_conditionally(trained, variant):
    synth = trained(variant)
    loaded = Synthesizer.load(synth.to_bytes(), device="cpu")
    assert sorted(loaded.condition_values("color")) == ["blue", "green", "red"]
    out = loaded.sample(60, conditions={"color": "green"}, seed=4)
    assert len(out) == 60 and (out["color"] == "green").all()
    pd.testing.assert_frame_equal(out, synth.sample(60, conditions={"color": "green"}, seed=4))


def test_loaded_model_still_removes_copies(monkeypatch, trained, model_bytes, mixed_frame):
    loaded = Synthesizer.load(model_bytes, device="cpu")
    np.testing.assert_array_equal(loaded.copy_hashes_, trained("ctgan").copy_hashes_)
    real = rows_inside_rules(mixed_frame, loaded, 5)
    original = loaded._generate_frame
    calls = []

    def generate_frame(n, seed=None, rng=None, condition=None):
        frame = original(n, seed=seed, rng=rng, condition=condition)
        if calls:
            return frame
        calls.append(n)
        return pd.concat([real, frame.iloc[5:]], ignore_index=True)

    monkeypatch.setattr(loaded, "_generate_frame", generate_frame)
    result = loaded.generate(20, seed=1)
    assert result.copies_removed == 5 and len(result.frame) == 20
    assert result.frame.merge(real, how="inner").empty


def test_a_model_that_knows_every_real_row_keeps_their_fingerprints_in_its_file(trained):
    synth = copy.copy(trained("argn"))  # the session's model stays as it is
    unseen = make_mixed_frame(50, seed=9)
    synth.protect_real_rows(pd.concat([make_mixed_frame(), unseen], ignore_index=True))
    loaded = Synthesizer.load(synth.to_bytes(), device="cpu")
    assert len(loaded.copy_hashes_) == synth.training_rows_ + len(unseen)
    assert loaded.training_rows_ == synth.training_rows_
    np.testing.assert_array_equal(loaded.copy_hashes_, synth.copy_hashes_)
    assert len(loaded.sample(20, seed=1)) == 20


# --------------------------------------------------------------------------- no pickle
def test_file_holds_only_json_and_safetensors(model_bytes):
    members = members_of(model_bytes)
    assert set(members) == set(MEMBERS)

    def no_constants(name):  # strict JSON: no NaN or Infinity
        raise AssertionError(f"non-standard JSON constant {name}")

    for name in ("manifest.json", "model.json"):
        assert isinstance(json.loads(members[name], parse_constant=no_constants), dict)
    tensors = load_safetensors(members["tensors.safetensors"])
    assert any(key.startswith("generator.") for key in tensors)
    for name, content in members.items():
        assert not content.startswith(b"\x80"), f"{name} looks like a pickle"
        assert b"torch._utils" not in content and b"cbuiltins" not in content
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == FORMAT and manifest["format_version"] == FORMAT_VERSION
    for name in ("model.json", "tensors.safetensors"):
        assert manifest["sha256"][name] == hashlib.sha256(members[name]).hexdigest()


def test_exploit_payload_is_live(tmp_path):
    """Control: the payload used below really runs code when unpickled."""
    marker = tmp_path / "control"
    pickle.loads(pickle.dumps(Exploit(marker)))
    assert marker.exists()


@pytest.mark.parametrize("member", ["tensors.safetensors", "model.json"])
def test_pickle_inside_a_model_file_is_refused_and_not_run(tmp_path, model_bytes, member):
    marker = tmp_path / "pwned"
    members = members_of(model_bytes)
    members[member] = pickle.dumps(Exploit(marker))
    refused(with_fresh_manifest(members), "damaged")
    assert not marker.exists(), "loading the file ran code from it"


def test_torch_save_file_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.synth"
    torch.save({"weights": torch.zeros(3), "payload": Exploit(marker)}, path)
    assert zipfile.is_zipfile(path)  # torch.save writes a zip holding a pickle
    refused(path, "not a Synth Studio model")
    assert not marker.exists(), "loading the file ran code from it"
    torch.load(path, weights_only=False)  # control: the file is a live exploit
    assert marker.exists()


# ------------------------------------------------------------------------ tampering
@pytest.mark.parametrize("member", ["model.json", "tensors.safetensors"])
def test_changed_member_with_old_manifest_is_refused(model_bytes, member):
    members = members_of(model_bytes)
    content = bytearray(members[member])
    if member == "model.json":
        text = content.decode()
        assert '"training_rows": 200' in text
        content = bytearray(text.replace('"training_rows": 200', '"training_rows": 201').encode())
    else:
        content[-1] ^= 0x01  # one bit of the last weight
    members[member] = bytes(content)
    refused(build_zip(members), "changed after it was saved", "checksums")


@pytest.mark.parametrize("missing", MEMBERS)
def test_missing_member_is_refused(model_bytes, missing):
    members = members_of(model_bytes)
    del members[missing]
    refused(build_zip(members), "parts of a model are missing")


def test_random_bytes_are_refused():
    data = np.random.default_rng(0).bytes(4096)
    refused(data, "not a Synth Studio model file")


def test_csv_file_is_refused(tmp_path):
    path = tmp_path / "table.synth"
    path.write_text("a,b\n1,2\n3,4\n")
    refused(path, "not a Synth Studio model file")


def test_truncated_file_is_refused(model_bytes):
    refused(model_bytes[: len(model_bytes) // 2], "not a Synth Studio model file")


def test_foreign_manifest_format_is_refused(model_bytes):
    members = members_of(model_bytes)
    refused(with_fresh_manifest(members, format="someone-elses-model"), "not a Synth Studio model")


def test_foreign_zip_is_refused():
    refused(build_zip({"readme.txt": b"hello"}), "not a Synth Studio model")


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, 0, "1", None])
def test_wrong_format_version_is_refused(model_bytes, version):
    members = members_of(model_bytes)
    message = refused(with_fresh_manifest(members, format_version=version), "format version")
    assert "Train the model again" in message


def test_unknown_variant_is_refused(model_bytes):
    members = members_of(model_bytes)
    model = json.loads(members["model.json"])
    model["config"]["variant"] = "diffusion"
    members["model.json"] = json.dumps(model).encode()
    refused(with_fresh_manifest(members), "diffusion")


def test_weights_of_another_model_are_refused(trained, model_bytes):
    members = members_of(model_bytes)
    members["tensors.safetensors"] = members_of(trained("gan").to_bytes())["tensors.safetensors"]
    refused(with_fresh_manifest(members), "weights", "do not match its settings")


def test_manifest_that_is_not_json_is_refused(model_bytes):
    members = members_of(model_bytes)
    members["manifest.json"] = b"\x00not json"
    refused(build_zip(members), "damaged")


def test_nonexistent_path_is_refused(tmp_path):
    missing = tmp_path / "nowhere" / "model.synth"
    refused(missing, "There is no model file", str(missing))


def test_directory_is_refused(tmp_path):
    refused(tmp_path, "There is no model file")


SAVED_MODELS = Path(__file__).parents[1] / "fixtures" / "models"


@pytest.mark.parametrize("variant", ["vaegan", "ctgan"])
def test_a_model_file_saved_by_an_earlier_version_loads_and_gives_the_same_rows(variant):
    synthesizer = Synthesizer.load(SAVED_MODELS / f"sales_{variant}_v1.synth", device="cpu")
    rows = synthesizer.sample(20, seed=7).to_csv(index=False)
    expected = (SAVED_MODELS / f"sales_{variant}_v1.sample-seed7.csv").read_text(encoding="utf-8")
    assert rows == expected


def test_a_model_file_holds_no_real_identifier_or_name_quoted_in_a_reason():
    from tests.helpers import TINY_CONFIG

    rng = np.random.default_rng(11)
    first = ["Ilse", "Peer", "Greta", "Jan", "Sophie", "Tomasz", "Wendelin", "Anna"]
    frame = pd.DataFrame(
        {
            "order": [f"ORD-{i:05d}" for i in range(300)],
            "Käufer": [
                f"{first[i % 8]} {('Meyer', 'Hesse', 'Nowak', 'Albers')[i // 8 % 4]}"
                for i in range(300)
            ],
            "amount": rng.gamma(2.0, 30.0, 300).round(2),
            "team": rng.choice(["north", "south"], 300),
        }
    )
    synth = Synthesizer(TINY_CONFIG).fit(frame)
    assert "ORD-00000" in synth.schema_["order"].reason  # the page shows an example
    with zipfile.ZipFile(io.BytesIO(synth.to_bytes())) as archive:
        text = archive.read("model.json").decode("utf-8")
    assert "ORD-0" not in text and not any(name in text for name in first)
    loaded = Synthesizer.load(synth.to_bytes(), device="cpu")
    assert loaded.schema_["order"].reason == "an identifier, left out by default"
