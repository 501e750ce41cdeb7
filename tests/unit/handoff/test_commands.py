"""``python -m synth_core bundle`` and ``verify``: one line each, whatever the input."""

from __future__ import annotations

import json

import pytest

from synth_core.cli import main
from synth_core.evaluation.targets import default_target
from tests.unit.handoff.handoff_cases import members, with_listed, with_lying_size, zipped


@pytest.fixture
def model_path(model_file, tmp_path):
    path = tmp_path / "model.synth"
    path.write_bytes(model_file)
    return path


def run(capsys, *argv) -> tuple[int, list[str], list[str]]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_a_bundle_is_written_and_verifies_in_one_line(model_path, tmp_path, capsys):
    bundle = tmp_path / "handoff.zip"
    code, out, err = run(capsys, "bundle", model_path, "--rows", "40", "--out", bundle)
    assert (code, err) == (0, [])
    assert out == [f"wrote {bundle} ({bundle.stat().st_size:,} bytes; not scored (give --data))"]
    code, out, err = run(capsys, "verify", bundle)
    assert (code, err) == (0, [])
    assert len(out) == 1 and out[0].startswith("intact: 3 files match")


def test_a_scored_bundle_without_a_target_predicts_the_apps_default(
    model_path, real_table, synth, tmp_path, capsys
):
    real, bundle = tmp_path / "real.csv", tmp_path / "handoff.zip"
    real_table.to_csv(real, index=False)
    argv = ["bundle", model_path, "--rows", "60", "--data", real, "--out", bundle]
    code, _, err = run(capsys, *argv)
    chosen = default_target(synth.schema_)
    assert code == 0 and chosen is not None
    assert err == [f"note: the usefulness test predicts '{chosen}' (name another with --target)"]
    manifest = json.loads(members(bundle.read_bytes())["manifest.json"])
    assert manifest["scores"]["usefulness"]["target"] == chosen


def test_a_tampered_bundle_fails_verify_with_one_line_naming_the_file(model_path, tmp_path, capsys):
    bundle = tmp_path / "handoff.zip"
    run(capsys, "bundle", model_path, "--rows", "40", "--out", bundle)
    files = members(bundle.read_bytes())
    files["synthetic.csv"] = files["synthetic.csv"].replace(b"\r\n", b"\r\n,", 1)
    bundle.write_bytes(zipped(files))
    code, out, err = run(capsys, "verify", bundle)
    assert (code, out) == (1, [])
    assert len(err) == 1 and err[0].startswith("error: not intact: synthetic.csv was changed")


def crafted(model_path, tmp_path, capsys) -> dict[str, bytes]:
    bundle = tmp_path / "good.zip"
    run(capsys, "bundle", model_path, "--rows", "10", "--out", bundle)
    return members(bundle.read_bytes())


BAD_BUNDLES = {
    "not a zip": (lambda files: b"Order ID,Sales\r\n1,2\r\n", "not a zip file"),
    "no manifest": (
        lambda files: zipped({k: v for k, v in files.items() if k != "manifest.json"}),
        "has no manifest.json",
    ),
    "a name out of the folder": (
        lambda files: with_listed(files, **{"../../evil.sh": b"echo hi"}),
        "not a plain file name",
    ),
    "a zip bomb": (
        lambda files: with_lying_size(files, "bomb.csv", 4_000_000_000),
        "would unpack to 4,000,000,000 bytes",
    ),
    "too many files": (
        lambda files: zipped({f"part{i}.csv": b"x" for i in range(20)}),
        "holds 20 files",
    ),
}


@pytest.mark.parametrize("case", BAD_BUNDLES)
def test_a_bad_bundle_gets_one_plain_error_line(case, model_path, tmp_path, capsys):
    make, expected = BAD_BUNDLES[case]
    path = tmp_path / "bad.zip"
    path.write_bytes(make(crafted(model_path, tmp_path, capsys)))
    code, out, err = run(capsys, "verify", path)
    assert (code, out) == (2, [])
    assert len(err) == 1 and err[0].startswith("error: ") and expected in err[0]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--rows", "0"], "--rows must be at least 1"),
        (["--rows", "5", "--where", "Ward"], "--where needs the form COLUMN=VALUE"),
        (["--rows", "5", "--where", "Ward=Ward-Nowhere"], "never occurs in 'Ward'"),
        (["--rows", "5", "--target", "Ward"], "--target needs --data"),
    ],
)
def test_bad_bundle_options_get_one_plain_error_line(
    options, expected, model_path, tmp_path, capsys
):
    out_path = tmp_path / "handoff.zip"
    code, out, err = run(capsys, "bundle", model_path, *options, "--out", out_path)
    assert (code, out) == (2, [])
    assert len(err) == 1 and expected in err[0]
    assert not out_path.exists()


def test_a_missing_model_file_gets_one_plain_error_line(tmp_path, capsys):
    code, _, err = run(capsys, "bundle", tmp_path / "no.synth", "--rows", "5", "--out", "x.zip")
    assert code == 2 and len(err) == 1 and "There is no model file" in err[0]
