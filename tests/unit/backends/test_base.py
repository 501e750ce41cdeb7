"""The verbs every backend shares: a sharded sample that fails leaves nothing of itself."""

from __future__ import annotations

import pytest

from synth_core.backends.embedded import EmbeddedBackend
from synth_core.backends.shards import write_shard
from synth_core.errors import SynthError
from synth_core.synthesizer import Synthesizer


class FailsAfterOneShard(EmbeddedBackend):
    """Writes the first shard, then its worker "fails"."""

    def map_shards(self, model, plan, request):
        write_shard(Synthesizer.load(model, device="cpu"), plan[0], request)
        raise SynthError("The Ray worker doing this work stopped answering.")


def test_a_failed_sample_leaves_no_shard_and_no_manifest(trained, tmp_path):
    model = trained("gan").to_bytes()
    with pytest.raises(SynthError):
        FailsAfterOneShard().sample(model, 30, tmp_path / "out", shard_rows=10)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_sample_writes_its_manifest_last_with_every_shard(trained, tmp_path):
    model = trained("gan").to_bytes()
    manifest = EmbeddedBackend().sample(model, 25, tmp_path / "out", fmt="csv", shard_rows=10)
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == ["manifest.json", "part-00000.csv", "part-00001.csv", "part-00002.csv"]
    assert (manifest.rows, manifest.backend) == (25, "embedded")


def test_a_damaged_model_is_refused_before_any_folder_is_made(tmp_path):
    with pytest.raises(SynthError, match="not a Synth Studio model file"):
        EmbeddedBackend().sample(b"not a model", 10, tmp_path / "out")
    assert not (tmp_path / "out").exists()
