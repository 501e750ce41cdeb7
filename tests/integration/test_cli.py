"""``python -m synth_core``: inspect, fit, sample and evaluate as a user runs them, in real
processes.

The processes run once, in the background, from ``tests/cli_runs.py`` (each imports torch, which
takes seconds); these tests check what each of them did. More usage errors call the same ``main``
in-process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from synth_core.cli import main
from synth_core.evaluation.targets import default_target
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from synth_core.tables.limits import MB
from synth_core.training.presets import DEFAULT_PRESET, RECOMMENDED_VARIANT, preset_config
from tests.cli_runs import FIXTURES, RUNS, TRAINED_COLUMNS, Run
from tests.helpers import check_valid_rows, make_mixed_frame


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    return RUNS.results()


@pytest.fixture(scope="module")
def work(runs) -> Path:
    """The folder the command lines read from and wrote to."""
    return RUNS.folder


def assert_one_line_error(run: Run, *phrases: str) -> str:
    assert run.returncode == 2, run
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert "unexpected failure" not in lines[0]
    for phrase in phrases:
        assert phrase.lower() in lines[0].lower(), lines[0]
    return lines[0]


def assert_ok(run: Run) -> None:
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr


# ------------------------------------------------------------------------------ inspect
def test_inspect_json_lists_every_column(runs):
    run = runs["inspect_json"]
    assert_ok(run)
    report = json.loads(run.stdout)
    real = pd.read_csv(FIXTURES / "passengers.csv")
    assert report["rows"] == len(real)
    assert [column["name"] for column in report["columns"]] == list(real.columns)
    for column in report["columns"]:
        assert {"name", "kind", "reason", "missing", "distinct"} <= set(column)
        assert isinstance(column["reason"], str) and column["reason"]
        assert 0.0 <= column["missing"] <= 1.0
        assert isinstance(column["distinct"], int)
    by_name = {column["name"]: column for column in report["columns"]}
    assert by_name["Cabin"]["missing"] == pytest.approx(real["Cabin"].isna().mean(), abs=1e-3)
    assert by_name["Sex"]["distinct"] == real["Sex"].nunique()


def test_inspect_reads_the_bundled_gzip_file(runs):
    run = runs["inspect_adult"]
    assert_ok(run)
    lines = run.stdout.splitlines()
    assert lines[0].startswith("32,561 rows, 15 columns")
    assert any("income" in line and "categorical" in line for line in lines)
    assert any("age" in line and "integer" in line for line in lines)


# ------------------------------------------------------------------------------- errors
def test_missing_file_is_one_line_error(runs, work):
    assert_one_line_error(runs["missing_file"], "nowhere.csv", "not found")


def test_empty_file_is_one_line_error(runs):
    assert_one_line_error(runs["empty_file"], "empty")


def test_binary_file_is_one_line_error(runs):
    assert_one_line_error(runs["binary_file"], "PNG")


def test_a_table_with_every_column_left_out_says_why_each_was(runs):
    run = runs["nothing_included"]
    assert run.returncode == 2 and "Traceback" not in run.stderr
    error = run.stderr.strip().splitlines()[-1]  # after the line on reading the file
    assert error.startswith("error: No column is included")
    assert "'note': free text" in error and "categorical" in error
    assert "rules kept: none" in run.stdout


def test_bad_option_is_one_line_error(runs):
    assert_one_line_error(runs["bad_option"], "--epochs", "lots", "--help")


def test_non_model_file_is_one_line_error(runs):
    assert_one_line_error(runs["not_a_model"], "not a Synth Studio model")


def test_unknown_where_value_is_one_line_error(runs, work):
    assert_one_line_error(runs["sample_bad_where"], "purple", "red")
    assert not (work / "bad.csv").exists() or (work / "bad.csv").read_text().count("\n") <= 1


# ------------------------------------------------------------------------ fit / sample
def test_fit_saves_a_model_of_the_chosen_columns(runs, work):
    run = runs["fit"]
    assert_ok(run)
    assert "saved" in run.stdout and "model.synth" in run.stdout
    synth = Synthesizer.load(work / "model.synth", device="cpu")
    assert synth.columns == TRAINED_COLUMNS
    assert synth.config.epochs == 1 and synth.config.batch_size == 50
    # Without --preset or --variant, the app's default: the Quick demo of the recommended type,
    # whose time limit goes when --epochs asks for a number of epochs.
    quick = preset_config(DEFAULT_PRESET)
    assert synth.config.variant == RECOMMENDED_VARIANT == quick.variant
    assert quick.max_seconds is not None and synth.config.max_seconds is None


def test_fit_with_every_default_keeps_the_quick_demos_time_limit(tables):
    model = tables / "defaults.synth"
    argv = ["fit", str(tables / "real.csv"), "--out", str(model), "--holdout", "0"]
    assert main(argv) == 0
    config = Synthesizer.load(model, device="cpu").config
    quick = preset_config(DEFAULT_PRESET)
    assert (config.variant, config.max_seconds) == (quick.variant, quick.max_seconds)


def test_sample_writes_the_requested_rows(runs, work):
    assert_ok(runs["fit"])
    run = runs["sample"]
    assert_ok(run)
    assert "123 rows" in run.stdout
    text = (work / "all.csv").read_text()
    assert len(text.strip().splitlines()) == 124  # header + 123 rows
    out = pd.read_csv(work / "all.csv")
    assert list(out.columns) == TRAINED_COLUMNS
    real = pd.read_csv(work / "train.csv")[TRAINED_COLUMNS]
    check_valid_rows(real, out)


def test_sample_where_gives_only_that_value(runs, work):
    assert_ok(runs["fit"])
    assert_ok(runs["sample_where"])
    out = pd.read_csv(work / "red.csv")
    assert len(out) == 40 and list(out.columns) == TRAINED_COLUMNS
    assert (out["color"] == "red").all()


# ------------------------------------------------------------------ holdout / evaluate
def test_fit_holds_out_a_fifth_of_the_rows_and_writes_them(runs, work):
    run = runs["fit"]
    assert_ok(run)
    assert "held out 40 of 200 rows" in run.stdout and "holdout.csv" in run.stdout
    real = pd.read_csv(work / "train.csv")
    held = pd.read_csv(work / "holdout.csv")
    assert list(held.columns) == list(real.columns)
    assert len(held) == 40
    keys = ["age", "amount", "color", "member", "joined"]
    assert held[keys].merge(real[keys].drop_duplicates(), on=keys).shape[0] == 40  # real rows
    synth = Synthesizer.load(work / "model.synth", device="cpu")
    assert synth.training_rows_ == 160


def test_evaluate_prints_a_summary_and_writes_json_and_html(runs, work):
    assert_ok(runs["sample"])
    run = runs["evaluate"]
    assert_ok(run)
    assert run.stdout.startswith("compared 123 synthetic with 160 real rows, 40 holdout rows")
    for title in (
        "Overall quality",
        "Column pair trends",
        "Usefulness",
        "Copies of rare real rows",
        "Privacy",
    ):
        assert title in run.stdout
    assert "left out 40 rows" in run.stderr  # train.csv holds the holdout rows too
    data = json.loads((work / "evaluation.json").read_text(encoding="utf-8"))
    privacy = data["verdicts"]["privacy"]
    assert f"{privacy['level']:<9}  {privacy['sentence']}" in run.stdout  # says why
    for key in ("quality", "column_shapes", "column_pair_trends", "diagnostic", "verdicts"):
        assert key in data
    assert data["ml_utility"]["target"] == "color" and data["ml_utility"]["test_rows"] == 40
    assert {"real", "synthetic"} <= set(data["ml_utility"])
    assert data["privacy"]["dcr_share"] is not None and "exact_copies" in data["privacy"]
    assert data["columns"] == TRAINED_COLUMNS
    report = (work / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "<h2>Privacy</h2>" in report


@pytest.fixture
def tables(tmp_path) -> Path:
    """A real table and a synthetic one without the columns 'member' and 'score'."""
    real = make_mixed_frame(rows=120, seed=5)
    real.to_csv(tmp_path / "real.csv", index=False)
    real[TRAINED_COLUMNS].sample(frac=1, random_state=0).to_csv(tmp_path / "synth.csv", index=False)
    (tmp_path / "picture.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return tmp_path


def one_line_error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "unexpected failure" not in lines[0]
    return lines[0]


def test_evaluate_names_the_columns_the_synthetic_file_lacks(capsys, tables):
    line = one_line_error(capsys, ["evaluate", str(tables / "real.csv"), str(tables / "synth.csv")])
    assert "'member'" in line and "'score'" in line
    assert "--columns age,amount,color,joined" in line


def test_evaluate_refuses_a_file_that_is_not_a_table(capsys, tables):
    line = one_line_error(
        capsys, ["evaluate", str(tables / "real.csv"), str(tables / "picture.csv")]
    )
    assert "PNG" in line


def test_evaluate_refuses_an_unknown_target(capsys, tables):
    argv = ["evaluate", str(tables / "real.csv"), str(tables / "synth.csv")]
    argv += ["--columns", ",".join(TRAINED_COLUMNS), "--target", "colour"]
    line = one_line_error(capsys, argv)
    assert "'colour'" in line and "color" in line


def test_evaluate_without_a_target_predicts_the_apps_default_and_says_so(capsys, tables):
    argv = ["evaluate", str(tables / "real.csv"), str(tables / "synth.csv")]
    assert main([*argv, "--columns", ",".join(TRAINED_COLUMNS)]) == 0
    captured = capsys.readouterr()
    schema = infer_schema(pd.read_csv(tables / "real.csv")).with_only(TRAINED_COLUMNS)
    chosen = default_target(schema)
    assert chosen in TRAINED_COLUMNS
    assert f"note: the usefulness test predicts '{chosen}' (name another with --target)" in (
        captured.err
    )
    assert "(real rows: " in captured.out  # the usefulness line
    # One column alone: nothing to predict it from, and the note says how to name a column.
    assert main([*argv, "--columns", "joined"]) == 0
    captured = capsys.readouterr()
    assert "so there is no usefulness test; name one with --target" in captured.err
    assert "(real rows: " not in captured.out
    assert main([*argv, "--columns", "age"]) == 0  # a number alone: none either
    assert "so there is no usefulness test" in capsys.readouterr().err


def test_evaluate_refuses_a_missing_holdout_file(capsys, tables):
    argv = ["evaluate", str(tables / "real.csv"), str(tables / "synth.csv")]
    argv += ["--columns", ",".join(TRAINED_COLUMNS), "--holdout", str(tables / "gone.csv")]
    assert "gone.csv" in one_line_error(capsys, argv)


def test_evaluate_refuses_a_holdout_too_small_to_score_naming_the_file(capsys, tables):
    real = pd.read_csv(tables / "real.csv")
    real.iloc[:13].to_csv(tables / "small_holdout.csv", index=False)
    argv = ["evaluate", str(tables / "real.csv"), str(tables / "synth.csv")]
    argv += ["--columns", ",".join(TRAINED_COLUMNS), "--holdout", str(tables / "small_holdout.csv")]
    line = one_line_error(capsys, argv)
    assert "small_holdout.csv has only 13 rows" in line
    assert "Evaluate without --holdout" in line and "fit --holdout 0.3" in line


def test_fit_refuses_a_holdout_that_leaves_too_few_rows(capsys, tables):
    argv = ["fit", str(tables / "real.csv"), "--out", str(tables / "m.synth")]
    line = one_line_error(capsys, [*argv, "--holdout", "0.9"])
    assert "to learn from" in line
    line = one_line_error(capsys, [*argv, "--holdout", "0", "--holdout-out", "h.csv"])
    assert "--holdout" in line
    assert not (tables / "m.synth").exists()


# ------------------------------------------------------- the same entry point, in-process
@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (
            ["sample", "m.synth", "--rows", "5", "--out", "o.csv", "--where", "color"],
            "COLUMN=VALUE",
        ),
        (["sample", "m.synth", "--rows", "5", "--out", "o.csv", "--where", "=red"], "COLUMN=VALUE"),
        (["sample", "m.synth", "--rows", "-1", "--out", "o.csv"], "--rows"),
        (["fit", "data.csv"], "--out"),
        (["fit", "data.csv", "--out", "m.synth", "--variant", "vae"], "vae"),
        (["launch"], "launch"),
        ([], "command"),
    ],
)
def test_usage_errors_are_one_line(capsys, argv, phrase):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and phrase in lines[0]
    assert captured.out == ""


def test_help_exits_zero(capsys):
    assert main(["sample", "--help"]) == 0
    assert "--where" in capsys.readouterr().out


def test_top_level_usage_error_points_to_the_right_help(capsys):
    assert main(["--bogus"]) == 2
    err = capsys.readouterr().err
    assert "synth_core synth_core" not in err
    assert "'python -m synth_core --help'" in err


# ------------------------------------------------------------------------------ limits
def limit_table(rows: int) -> bytes:
    return ("n,label\n" + "".join(f"{i},x{i % 3}\n" for i in range(rows))).encode()


def test_the_command_lines_row_limit_refuses_a_longer_table(tmp_path, capsys):
    path = tmp_path / "table.csv"
    path.write_bytes(limit_table(60))
    assert main(["inspect", str(path), "--row-limit", "50"]) == 2
    assert "more than 50 rows" in capsys.readouterr().err
    assert main(["inspect", str(path), "--row-limit", "60"]) == 0
    assert capsys.readouterr().out.startswith("60 rows")


def test_the_command_lines_size_limit_refuses_a_larger_file(tmp_path, capsys):
    path = tmp_path / "table.csv"
    path.write_bytes(limit_table(200_000))
    assert path.stat().st_size > MB
    assert main(["inspect", str(path), "--size-limit", "1"]) == 2
    assert "larger than the limit of 1 MB" in capsys.readouterr().err
