"""A crafted model file: every field is untrusted, and nothing big is inflated or built first.

The manifest's checksums are recomputed in every crafted file below, so each refusal comes from
the checks of ``synth_core.modelcheck``, not from the checksums (which only catch damage).
"""

from __future__ import annotations

import io
import json
import struct
import tracemalloc
import zipfile

import pytest
import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from synth_core import modelcheck
from synth_core.errors import ModelFileError
from synth_core.models.variants import VARIANTS
from synth_core.synthesizer import Synthesizer
from tests.unit.test_modelfile import members_of, refused, with_fresh_manifest

DEFLATED = zipfile.ZIP_DEFLATED


@pytest.fixture(scope="module")
def members(trained) -> dict[str, bytes]:
    return members_of(trained("ctgan").to_bytes())


def with_model(members: dict[str, bytes], change) -> bytes:
    """The file with model.json changed by ``change(model)``, checksums recomputed."""
    model = json.loads(members["model.json"])
    change(model)
    return with_fresh_manifest({**members, "model.json": json.dumps(model).encode()})


def with_tensors(members: dict[str, bytes], change) -> bytes:
    tensors = dict(load_safetensors(members["tensors.safetensors"]))
    change(tensors)
    return with_fresh_manifest({**members, "tensors.safetensors": save_safetensors(tensors)})


def padded(members: dict[str, bytes], size: int) -> dict[str, bytes]:
    """model.json padded with spaces to ``size`` bytes: still valid JSON, the same model."""
    return {**members, "model.json": members["model.json"].ljust(size)}


def peak_python_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


# ----------------------------------------------------------------- sizes, before inflating
def test_padded_model_json_with_a_fresh_checksum_is_live_when_the_ratio_is_not_checked(
    monkeypatch, members
):
    """Control: the padded file is a working model file; only the packing check refuses it."""
    monkeypatch.setattr(modelcheck, "MAX_RATIO", 10**9)
    data = with_fresh_manifest(padded(members, 3 * 1024**2), DEFLATED)
    assert len(Synthesizer.load(data, device="cpu").sample(5, seed=1)) == 5


def test_model_json_padded_a_thousand_to_one_is_refused_before_it_is_inflated(members):
    data = with_fresh_manifest(padded(members, 8 * 1024**2), DEFLATED)
    assert len(data) < 100_000  # eight megabytes packed into a few kilobytes
    peak = peak_python_bytes(lambda: refused(data, "larger than any Synth Studio model"))
    assert peak < 2 * 1024**2


def test_a_member_larger_than_its_limit_is_refused_before_it_is_inflated(monkeypatch, members):
    monkeypatch.setattr(modelcheck, "MAX_RATIO", 10**9)  # the size alone decides
    monkeypatch.setitem(modelcheck.MEMBER_LIMITS, "model.json", 4 * 1024**2)
    data = with_fresh_manifest(padded(members, 6 * 1024**2), DEFLATED)
    peak = peak_python_bytes(lambda: refused(data, "larger than any Synth Studio model"))
    assert peak < 2 * 1024**2


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size rewritten in its local and central headers."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", raw, info.header_offset + 22, size)
    entry = raw.find(b"PK\x01\x02")
    while raw[entry + 46 : entry + 46 + len(name)] != name.encode():  # the central directory
        entry = raw.find(b"PK\x01\x02", entry + 1)
    struct.pack_into("<I", raw, entry + 24, size)
    return bytes(raw)


def test_a_header_that_understates_a_member_cannot_inflate_more_than_it_claims(
    monkeypatch, members
):
    monkeypatch.setattr(modelcheck, "MAX_RATIO", 10**9)
    data = with_fresh_manifest(padded(members, 40 * 1024**2), DEFLATED)
    lying = with_declared_size(data, "model.json", 10_000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo("model.json").file_size == 10_000  # the lie is read back
    peak = peak_python_bytes(lambda: refused(lying, "damaged"))
    assert peak < 2 * 1024**2


# ------------------------------------------------------------ settings, as fit checks them
@pytest.mark.parametrize(
    ("setting", "value", "phrase"),
    [
        ("batch_size", 0, "Batch size must be at least 2"),
        ("epochs", -1, "Epochs must be at least 1"),
        ("pac", 0, "Pac must be 1 to"),
        ("device", "cuda:7", "Device must be one of"),
        ("generator_dims", [30000, 30000], "Generator layers: 1 to 8 layers"),
        ("discriminator_dims", [], "Discriminator layers"),
        ("noise_dim", 10**7, "Noise size must be 1 to"),
        ("embedding_dim", 10**6, "The embedding size must be 1 to"),
        ("value_bins", 10**6, "the value bins 1 to"),
        ("members", 0, "The ensemble must have 1 to 16 members"),
        ("members", 10**6, "The ensemble must have 1 to 16 members"),
        ("lr_schedule", "sideways", "Learning-rate schedule"),
    ],
)
def test_a_setting_fit_would_refuse_is_refused_on_load(members, setting, value, phrase):
    data = with_model(members, lambda model: model["config"].update({setting: value}))
    message = refused(data, "cannot be used", phrase, "use the original file")
    assert "checksums" not in message


@pytest.mark.parametrize(
    ("setting", "value"),
    [("batch_size", "500"), ("epochs", 2.5), ("keep_best", "yes"), ("generator_dims", ["a"])],
)
def test_a_setting_of_the_wrong_type_is_refused(members, setting, value):
    data = with_model(members, lambda model: model["config"].update({setting: value}))
    refused(data, "changed after it was saved")


@pytest.mark.parametrize("field", ["training_rows", "fingerprinted_rows"])
@pytest.mark.parametrize("rows", [-5, 10**12, "200", True])
def test_an_impossible_count_of_rows_is_refused(members, field, rows):
    refused(with_model(members, lambda model: model.update({field: rows})), "model file")


@pytest.mark.parametrize("epochs", [-1, 10**6, "3", 2.0, True])
def test_an_impossible_count_of_epochs_trained_is_refused(members, epochs):
    refused(with_model(members, lambda model: model.update(epochs_trained=epochs)), "model file")


def test_a_file_saved_before_epochs_were_recorded_loads_without_them(members):
    data = with_model(members, lambda model: model.pop("epochs_trained"))
    assert Synthesizer.load(data, device="cpu").parts_.epochs_trained is None


def test_a_model_of_more_rows_than_the_row_limit_loads_once_the_limit_is_raised(
    monkeypatch, members
):
    data = with_model(members, lambda model: model.update(training_rows=4_000_000))
    refused(data, "set SYNTH_MAX_ROWS to at least 4,000,000")
    monkeypatch.setenv("SYNTH_MAX_ROWS", "4000000")
    assert Synthesizer.load(data, device="cpu").training_rows_ == 4_000_000


def test_networks_beyond_any_real_model_are_refused_before_they_are_built(monkeypatch, members):
    def built(*args, **kwargs):
        raise AssertionError("the networks were built before the sizes were checked")

    monkeypatch.setattr("synth_core.modelfile.build_core", built)
    wide = {"generator_dims": [4096] * 8, "generator_block": "concat"}
    data = with_model(members, lambda model: model["config"].update(wide))
    refused(data, "larger than any Synth Studio model")


def test_a_column_with_more_outputs_than_any_table_gives_is_refused(members):
    def widen(model):
        column = next(c for c in model["transform"]["columns"] if "categories" in c["encoder"])
        column["encoder"]["categories"] = [f"v{i}" for i in range(modelcheck.MAX_COLUMN_WIDTH + 1)]

    refused(with_model(members, widen), "changed after it was saved")


def test_a_condition_column_the_table_does_not_have_is_refused(members):
    data = with_model(members, lambda model: model.update(condition_columns=["nowhere"]))
    refused(data, "changed after it was saved")


def test_a_device_named_in_the_file_that_is_missing_here_falls_back_to_this_machine(members):
    if torch.cuda.is_available():
        pytest.skip("this machine has the GPU the file names")
    data = with_model(members, lambda model: model["config"].update(device="cuda"))
    loaded = Synthesizer.load(data)
    assert loaded.core_.device.type != "cuda" and len(loaded.sample(5, seed=2)) == 5


# -------------------------------------------------------------- tensors, before loading
def test_a_weight_of_another_shape_is_refused(members):
    def reshape(tensors):
        name = next(k for k, v in tensors.items() if k.startswith("generator.") and v.ndim == 2)
        tensors[name] = torch.zeros(tensors[name].shape[0] + 1, tensors[name].shape[1])

    refused(with_tensors(members, reshape), "do not match its settings")


def test_more_row_fingerprints_than_the_file_says_are_refused(members):
    def grow(tensors):
        tensors["training_row_hashes"] = torch.arange(10_000, dtype=torch.int64)

    refused(with_tensors(members, grow), "do not match its settings")
    # A file saved before it said how many (the training rows' fingerprints) is bounded alike.
    older = members_of(with_model(members, lambda model: model.pop("fingerprinted_rows")))
    refused(with_tensors(older, grow), "do not match its settings")


def test_an_unknown_tensor_is_refused(members):
    def add(tensors):
        tensors["payload"] = torch.zeros(10)

    refused(with_tensors(members, add), "do not match its settings")


def test_a_safetensors_header_that_claims_more_data_than_follows_is_refused():
    raw = save_safetensors({"x": torch.zeros(4)})
    header_size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + header_size])
    header["x"]["shape"] = [10**9]
    text = json.dumps(header).encode()
    with pytest.raises(ModelFileError, match="changed after it was saved"):
        modelcheck.tensor_header(struct.pack("<Q", len(text)) + text + raw[8 + header_size :])


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("block", ["residual", "concat"])
def test_the_size_bound_holds_every_real_generator_closely(trained, variant, block):
    synth = trained(variant)
    config = synth.config_.replace(generator_block=block)
    cond = synth.core_.sampler.width
    real = sum(t.numel() for t in synth.core_.generator.state_dict().values())
    bound = modelcheck.generator_weights_bound(config, synth.transform_, cond)
    if block == synth.config_.generator_block or variant == "vaegan":
        assert real <= bound <= 2 * real
