"""The command line on a backend: ``sample --out DIR/`` writes shards plus a manifest,
``--backend ray`` trains and generates on the local Ray instance, and misuse is one error line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from synth_core.cli import main
from tests.helpers import table_and_model_files


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return table_and_model_files(tmp_path_factory.mktemp("cli-backends"), 200, seed=4, epochs=2)


def read_shards(folder) -> pd.DataFrame:
    manifest = json.loads((folder / "manifest.json").read_text())
    return pd.concat([pd.read_csv(folder / s["file"]) for s in manifest["shards"]])


def test_sample_into_a_folder_writes_csv_shards_and_a_manifest(files, capsys):
    out = files / "csv-shards"
    code = main(["sample", str(files / "m.synth"), "--rows", "120", "--out", f"{out}/",
                 "--format", "csv", "--workers", "2", "--seed", "5"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "wrote 120 rows" in capsys.readouterr().out
    assert len(read_shards(out)) == 120


def test_sharded_sampling_refuses_where_with_one_error_line(files, capsys):
    code = main(["sample", str(files / "m.synth"), "--rows", "10", "--out", str(files / "w"),
                 "--workers", "2", "--where", "color=red"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --where") and err.count("\n") == 1


def test_ray_trains_and_generates_the_rows_the_embedded_backend_generates(files, local_ray, capsys):
    model = files / "ray.synth"
    assert main(["fit", str(files / "data.csv"), "--out", str(model), "--variant", "gan",
                 "--epochs", "2", "--backend", "ray"]) == 0  # fmt: skip
    assert "saved" in capsys.readouterr().out
    outs = {name: files / f"rows-{name}" for name in ("embedded", "ray")}
    for name, out in outs.items():
        assert main(["sample", str(model), "--rows", "90", "--out", f"{out}/", "--format", "csv",
                     "--backend", name, "--seed", "1"]) == 0  # fmt: skip
    pd.testing.assert_frame_equal(read_shards(outs["embedded"]), read_shards(outs["ray"]))
