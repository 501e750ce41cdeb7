"""The Compare and Download pages, driven through AppTest after a real tiny training."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth_core.errors import DataError
from synth_core.evaluation.targets import default_target
from tests.app.steps import tiny_settings, train_to_the_end
from tests.helpers import make_mixed_frame
from ui import results, scores_view, state
from ui.holdout import real_rows

COMPARE = "pages/compare.py"
DOWNLOAD = "pages/download.py"
ROWS = 300


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def upload(app: AppTest, frame: pd.DataFrame, name: str = "members.csv") -> None:
    data = frame.to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value((name, data, "text/csv")).run()
    assert not app.exception


@pytest.fixture
def trained(app: AppTest) -> Iterator[AppTest]:
    """The app after a two-epoch run of the recommended model type (the autoregressive one) on a
    300-row mixed table, 'color' as the target."""
    app.run()
    upload(app, make_mixed_frame(ROWS, seed=1))
    app.session_state[state.TARGET] = "color"
    app.switch_page("pages/train.py").run()
    job = train_to_the_end(tiny_settings(app, epochs=2))
    yield app
    job.stop()


# ------------------------------------------------------------------------------ too early
@pytest.mark.parametrize("page", [COMPARE, DOWNLOAD])
def test_before_any_table_it_links_to_upload(app: AppTest, page: str) -> None:
    app.run()
    app.switch_page(page).run()

    assert not app.exception
    assert "no table yet" in app.info[0].value.lower()
    assert [link.label for link in app.page_link] == ["Go to Upload"]


@pytest.mark.parametrize("page", [COMPARE, DOWNLOAD])
def test_before_any_model_it_links_to_train(loaded: AppTest, page: str) -> None:
    loaded.switch_page(page).run()

    assert not loaded.exception
    assert "no trained model yet" in loaded.info[0].value.lower()
    assert [link.label for link in loaded.page_link] == ["Go to Train"]


# ------------------------------------------------------------------------------ holdout
def test_training_keeps_a_fifth_of_the_rows_aside(trained: AppTest) -> None:
    job = state.get_job(trained.session_state)
    table = state.get_table(trained.session_state)
    train, holdout = real_rows(table, trained.session_state)

    assert len(holdout) == ROWS // 5 and len(train) == ROWS - ROWS // 5
    assert job.result.training_rows_ == len(train)
    assert not set(train.index) & set(holdout.index)
    # stratified on the target: each colour keeps its share in the kept-aside rows
    shares = table.frame["color"].value_counts(normalize=True)
    kept = holdout["color"].value_counts(normalize=True)
    assert np.allclose(kept.reindex(shares.index).fillna(0), shares, atol=0.05)


# ------------------------------------------------------------------------------ compare
def test_compare_scores_the_model_and_draws_every_part(trained: AppTest) -> None:
    trained.switch_page(COMPARE).run()

    assert not trained.exception and not trained.error
    done = results.scores(state.get_job(trained.session_state), trained.session_state)
    assert done is not None and done.target == "color"
    labels = [metric.label for metric in trained.metric]
    assert {"Overall quality", "Usefulness", "Privacy", "Validity"} <= set(labels)
    assert {"Detection (ROC AUC)", "Precision", "Recall"} <= set(labels)  # the Details tab
    assert [tab.label for tab in trained.tabs] == [
        "Columns",
        "Correlations",
        "Usefulness",
        "Privacy",
        "Validity",
        "Details",
    ]
    frames = [frame.value for frame in trained.dataframe]
    rules = next(frame for frame in frames if "Rule" in frame.columns)
    kept = state.get_job(trained.session_state).result.rules_
    assert len(rules) == len(kept) > 0 and set(rules["Synthetic rows"]) == {"100 %"}
    basics = next(frame for frame in frames if "Check" in frame.columns)
    assert "Categories from the real set" in set(basics["Check"])
    quality = done.evaluation.quality.quality
    assert f"{quality * 100:.0f} %" in [metric.value for metric in trained.metric]
    assert len(trained.get("plotly_chart")) >= 5  # a column, three maps, usefulness
    shapes = done.evaluation.column_shapes_details.sort_values("Score", kind="stable")
    options = trained.selectbox(key=state.MARGINAL_WIDGET).options
    assert sorted(options) == sorted(done.evaluation.marginals)
    assert options[0] == shapes["Column"].iloc[0]  # the column whose shape differs most first
    assert any("No formal guarantee" in info.value for info in trained.info)
    assert [link.label for link in trained.page_link][-1].startswith("Next: download")


def test_a_date_column_is_also_drawn_in_the_calendar(trained: AppTest) -> None:
    trained.switch_page(COMPARE).run()
    trained.selectbox(key=state.MARGINAL_WIDGET).set_value("color").run()
    charts = len(trained.get("plotly_chart"))
    assert "The same dates in the calendar, as shares of rows." not in texts(trained.caption)
    trained.selectbox(key=state.MARGINAL_WIDGET).set_value("joined").run()

    assert not trained.exception
    assert len(trained.get("plotly_chart")) == charts + 2  # by month and by weekday (no times)
    assert "The same dates in the calendar, as shares of rows." in texts(trained.caption)


def test_compare_scores_once_and_again_when_the_target_changes(trained: AppTest) -> None:
    trained.switch_page(COMPARE).run()
    first = trained.session_state[state.EVALUATION]
    trained.run()
    assert trained.session_state[state.EVALUATION] is first

    trained.session_state[state.TARGET] = "member"
    trained.run()
    assert not trained.exception
    assert trained.session_state[state.EVALUATION].target == "member"


def test_compare_shows_a_plain_message_when_scoring_fails(
    trained: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise ValueError("secret cell value 'Alice'")

    monkeypatch.setattr(results, "evaluate", broken)
    trained.switch_page(COMPARE).run()

    assert not trained.exception
    assert texts(trained.error) == [results.SCORING_FAILED]
    assert not any("Alice" in text for text in texts(trained.markdown))


def test_a_stopped_scoring_waits_until_the_person_asks_again(trained: AppTest) -> None:
    job = state.get_job(trained.session_state)
    trained.session_state[state.SCORING_STOPPED] = id(job)  # what the Stop button leaves
    trained.switch_page(COMPARE).run()

    assert not trained.exception
    assert results.scores(job, trained.session_state) is None
    assert "Scoring was stopped" in trained.info[0].value
    trained.button(key=state.SCORE_BUTTON).click().run()

    assert not trained.exception and not trained.error
    assert results.scores(job, trained.session_state) is not None
    assert not results.scoring_stopped(job, trained.session_state)
    assert "Overall quality" in [metric.label for metric in trained.metric]


@pytest.mark.parametrize("page", [COMPARE, DOWNLOAD])
def test_compare_and_download_refuse_a_model_of_an_earlier_table(trained: AppTest, page) -> None:
    trained.switch_page("pages/upload.py").run()
    upload(trained, make_mixed_frame(ROWS, seed=9), "other.csv")
    trained.switch_page(page).run()

    assert not trained.exception
    assert "table loaded earlier" in trained.info[0].value
    assert [link.label for link in trained.page_link] == ["Go to Train"]
    assert not [b for b in trained.button if b.key == state.GENERATE_BUTTON]


# ------------------------------------------------------------------------------ download
def test_download_generates_the_rows_asked_for(trained: AppTest) -> None:
    trained.switch_page(DOWNLOAD).run()
    assert not trained.exception
    assert trained.number_input(key=state.ROWS_WIDGET).value == ROWS

    trained.number_input(key=state.ROWS_WIDGET).set_value(123).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()

    assert not trained.exception and not trained.error
    made = results.generated(state.get_job(trained.session_state), trained.session_state)
    assert made.rows == 123 and made.condition is None
    assert list(made.frame.columns) == list(make_mixed_frame(5).columns)
    labels = [button.label for button in trained.get("download_button")]
    assert labels[:3] == ["Synthetic rows (CSV)", "Synthetic rows (Excel)", "Model file (.synth)"]
    assert any("123 synthetic rows" in text for text in texts(trained.markdown))
    assert state.GENERATING not in trained.session_state


def test_a_generation_cut_short_says_so_and_keeps_the_earlier_rows(trained: AppTest) -> None:
    trained.switch_page(DOWNLOAD).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()
    before = results.generated(state.get_job(trained.session_state), trained.session_state)
    trained.session_state[state.GENERATING] = True  # a run ended by Stop leaves it set
    trained.run()

    assert not trained.exception
    assert "Generation stopped before it finished" in trained.info[0].value
    assert results.generated(state.get_job(trained.session_state), trained.session_state) is before
    trained.run()
    assert not [info for info in trained.info if "Generation stopped" in info.value]


def test_download_with_a_condition_gives_only_that_value(trained: AppTest) -> None:
    trained.switch_page(DOWNLOAD).run()
    trained.toggle(key=state.CONDITION_ON_WIDGET).set_value(True).run()
    trained.selectbox(key=state.WHERE_COLUMN_WIDGET).set_value("color").run()
    trained.selectbox(key=state.WHERE_VALUE_WIDGET).set_value("blue").run()
    trained.number_input(key=state.ROWS_WIDGET).set_value(40).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()

    assert not trained.exception and not trained.error
    made = results.generated(state.get_job(trained.session_state), trained.session_state)
    assert made.rows == 40 and set(made.frame["color"]) == {"blue"}
    assert made.condition == (("color", "blue"),)


def test_download_with_two_conditions_gives_rows_with_both(trained: AppTest) -> None:
    trained.switch_page(DOWNLOAD).run()
    trained.toggle(key=state.CONDITION_ON_WIDGET).set_value(True).run()
    trained.selectbox(key=state.WHERE_COLUMN_WIDGET).set_value("color").run()
    trained.selectbox(key=state.WHERE_VALUE_WIDGET).set_value("red").run()
    second = trained.selectbox(key=state.WHERE_COLUMN_2_WIDGET)
    assert "color" not in second.options  # one condition per column
    second.set_value("member").run()
    trained.selectbox(key=state.WHERE_VALUE_2_WIDGET).set_value("yes").run()
    trained.number_input(key=state.ROWS_WIDGET).set_value(30).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()

    assert not trained.exception and not trained.error
    made = results.generated(state.get_job(trained.session_state), trained.session_state)
    assert made.rows == 30 and made.condition == (("color", "red"), ("member", "yes"))
    assert set(made.frame["color"]) == {"red"} and set(made.frame["member"]) == {"yes"}
    assert any("all with color = red and member = yes" in t for t in texts(trained.markdown))


def test_same_seed_same_rows_other_seed_other_rows(trained: AppTest) -> None:
    job = state.get_job(trained.session_state)
    store = trained.session_state
    first = results.generate(job, 50, seed=7, store=store).frame
    again = results.generate(job, 50, seed=7, store=store).frame
    other = results.generate(job, 50, seed=8, store=store).frame

    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_a_generation_error_is_shown_and_earlier_rows_stay(
    trained: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained.switch_page(DOWNLOAD).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()
    before = results.generated(state.get_job(trained.session_state), trained.session_state)
    assert before is not None

    def refuse(*args, **kwargs):
        raise DataError("The model could not produce rows meeting the condition.")

    monkeypatch.setattr(type(state.get_job(trained.session_state).result), "generate", refuse)
    trained.number_input(key=state.ROWS_WIDGET).set_value(77).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()

    assert not trained.exception
    assert "could not produce rows" in trained.error[0].value
    assert results.generated(state.get_job(trained.session_state), trained.session_state) is before
    assert state.GENERATING not in trained.session_state


def test_report_is_offered_once_scored(trained: AppTest) -> None:
    trained.switch_page(DOWNLOAD).run()
    trained.button(key=state.GENERATE_BUTTON).click().run()
    labels = [button.label for button in trained.get("download_button")]
    assert "Report (HTML)" not in labels

    trained.button(key=state.EVALUATE_BUTTON).click().run()

    assert not trained.exception and not trained.error
    labels = [button.label for button in trained.get("download_button")]
    assert "Report (HTML)" in labels
    done = trained.session_state[state.EVALUATION]
    # the report scores the very rows offered for download
    assert done.generated is results.generated(
        state.get_job(trained.session_state), trained.session_state
    )
    html = results.report(
        done, state.get_job(trained.session_state), state.get_table(trained.session_state)
    )
    assert "members.csv" in html


def test_score_tables_name_what_each_metric_compares_and_show_unscored_pairs_as_a_dash():
    pairs = pd.DataFrame(
        {
            "Column 1": ["city", "age"],
            "Column 2": ["team", "hours"],
            "Metric": ["ContingencySimilarity", "CorrelationSimilarity"],
            "Score": [np.nan, 0.9312],
            "Real Correlation": [np.nan, 0.4567],
            "Synthetic Correlation": [np.nan, 0.5],
        }
    )
    shown = scores_view.score_table(pairs)
    assert shown.to_dict("records") == [
        {
            "Column 1": "age",
            "Column 2": "hours",
            "Compared": "correlation",
            "Score (%)": "93.1",
            "Real Correlation": "0.46",
            "Synthetic Correlation": "0.50",
        },
        {
            "Column 1": "city",
            "Column 2": "team",
            "Compared": "categories found together",
            "Score (%)": "–",
            "Real Correlation": "–",
            "Synthetic Correlation": "–",
        },
    ]


def test_usefulness_predicts_the_columns_page_target_even_when_that_page_was_skipped(
    trained: AppTest,
) -> None:
    job, store = state.get_job(trained.session_state), {state.TARGET: "color"}
    assert results.usefulness_target(job, store) == "color"  # chosen
    store[state.TARGET] = None
    assert results.usefulness_target(job, store) is None  # no test, as chosen
    del store[state.TARGET]  # never chosen: what the Columns page would offer
    assert results.usefulness_target(job, store) == default_target(job.result.schema_)
    assert results.usefulness_target(job, store) is not None


def test_scoring_makes_rows_when_none_were_made_and_says_how_far_it_is(trained: AppTest) -> None:
    store = trained.session_state
    job, table = state.get_job(store), state.get_table(store)
    assert results.generated(job, store) is None
    heard: list[tuple[int, int]] = []
    results.score(job, table, store, on_rows=lambda made, rows: heard.append((made, rows)))

    assert heard and heard[-1] == (table.rows, table.rows)
    assert [made for made, _ in heard] == sorted(made for made, _ in heard)
    assert results.generated(job, store).rows == table.rows  # kept as the download
    heard.clear()
    results.score(job, table, store, on_rows=lambda made, rows: heard.append((made, rows)))
    assert not heard  # the rows made are scored, none made again
