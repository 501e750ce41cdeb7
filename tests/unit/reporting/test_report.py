"""The HTML report and the evaluation charts: every section, escaped data, Plotly inlined once."""

from __future__ import annotations

import dataclasses
import sys
from html.parser import HTMLParser

import plotly.graph_objects as go
import pytest

from synth_core.evaluation.evaluate import evaluate
from synth_core.evaluation.validity import BasicCheck, RuleCheck, Validity
from synth_core.reporting.plots import (
    REAL_COLOUR,
    SYNTHETIC_COLOUR,
    as_text,
    association_figures,
    marginal_figure,
    scores_figure,
    utility_figure,
)
from synth_core.reporting.report import SECTIONS, html_report, library_versions
from tests.evaluation_tables import related_frame, related_schema, shuffled_columns

SCRIPT_NAME = "<script>alert('x')</script>"


class Page(HTMLParser):
    """What a browser would see: headings, section ids, text outside scripts, script count."""

    def __init__(self) -> None:
        super().__init__()
        self.ids, self.headings, self.text = set(), [], []
        self.scripts = 0
        self._in = []

    def handle_starttag(self, tag, attrs):
        self._in.append(tag)
        self.ids.update(value for name, value in attrs if name == "id")
        self.scripts += tag == "script"

    def handle_endtag(self, tag):
        if tag in self._in:
            while self._in.pop() != tag:
                pass

    def handle_data(self, data):
        if "script" in self._in:
            return
        self.text.append(data)
        if self._in and self._in[-1] == "h2":
            self.headings.append(data)


@pytest.fixture(scope="module")
def evaluation():
    real = related_frame(300, seed=0).rename(columns={"group": SCRIPT_NAME})
    schema = related_schema(real.rename(columns={SCRIPT_NAME: "group"}))
    schema = type(schema)(
        [
            info if info.name != "group" else type(info)(**{**info.__dict__, "name": SCRIPT_NAME})
            for info in schema.columns
        ],
        schema.rows,
    )
    real.loc[0, "label"] = "<b>bold</b> & more"
    synthetic = shuffled_columns(real)
    holdout = related_frame(100, seed=1).rename(columns={"group": SCRIPT_NAME})
    return evaluate(real, synthetic, schema, holdout=holdout, target="label")


@pytest.fixture(scope="module")
def page(evaluation):
    text = html_report(
        evaluation, title="Report on <my> table", settings={"file": "a<b>.csv", "epochs": 5}
    )
    parser = Page()
    parser.feed(text)
    parser.close()
    return text, parser


def test_every_section_is_there_in_order(page):
    _, parsed = page
    assert parsed.headings == [name for _, name in SECTIONS]
    assert {key for key, _ in SECTIONS} <= parsed.ids


def test_user_data_is_escaped(page):
    text, parsed = page
    assert SCRIPT_NAME not in text  # never raw, in tables or in chart data
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "Report on &lt;my&gt; table" in text
    assert "a&lt;b&gt;.csv" in text
    shown = "".join(parsed.text)
    assert SCRIPT_NAME in shown  # ... and a reader sees the name as it is
    assert "<b>bold</b> & more" not in text


def test_plotly_is_inlined_once_and_every_chart_is_drawn(page, evaluation):
    text, parsed = page
    assert text.count("window.PlotlyConfig") == 1
    calendars = sum(len(views) for views in evaluation.calendars.values())
    assert calendars == 2  # the date column by month and by weekday, after its own chart
    # scores, columns and their calendars, 3 heatmaps, usefulness
    charts = 1 + len(evaluation.marginals) + calendars + 3 + 1
    assert text.count("Plotly.newPlot(") == charts
    assert "<script src=" not in text  # nothing to fetch: opens offline
    assert parsed.scripts == charts + 2  # one per chart, plus Plotly's config and library


def test_scores_verdicts_settings_and_versions_are_listed(page, evaluation):
    text, _ = page
    for verdict in evaluation.verdicts.values():
        assert verdict.title in text
    assert "Seconds per part" in text and "Evaluation seed" in text
    versions = library_versions()
    for name in ("pandas", "sdmetrics", "scikit-learn", "plotly", "synth_core"):
        assert name in versions and name in text
    assert ("torch" in versions) == ("torch" in sys.modules)


def test_marginal_figure_draws_real_and_synthetic(evaluation):
    numeric = marginal_figure(evaluation.marginals["x"])
    assert isinstance(numeric, go.Figure)
    assert [trace.marker.color for trace in numeric.data] == [REAL_COLOUR, SYNTHETIC_COLOUR]
    assert numeric.layout.barmode == "overlay"
    assert list(numeric.data[0].x) == evaluation.marginals["x"].labels
    assert sum(numeric.data[1].y) == pytest.approx(100.0)
    assert marginal_figure(evaluation.marginals["label"]).layout.barmode == "group"


def test_association_figures_are_three_heatmaps_on_one_scale(evaluation):
    figures = association_figures(evaluation.associations)
    assert len(figures) == 3
    for figure in figures:
        (heatmap,) = figure.data
        assert heatmap.type == "heatmap" and (heatmap.zmin, heatmap.zmax) == (-1, 1)
        assert list(heatmap.x) == [as_text(c) for c in evaluation.associations.real.columns]


def test_chart_text_from_the_table_reaches_plotly_escaped(evaluation):
    """Plotly draws a few HTML tags (links among them) in titles, ticks and hovers, and turns
    entities back into characters: names and values go in escaped, and read as they are."""
    assert as_text(SCRIPT_NAME) == "&lt;script&gt;alert('x')&lt;/script&gt;"
    heatmap = association_figures(evaluation.associations)[0].data[0]
    assert as_text(SCRIPT_NAME) in heatmap.x and SCRIPT_NAME not in heatmap.x
    shapes = marginal_figure(evaluation.marginals[SCRIPT_NAME])
    assert shapes.layout.title.text == as_text(SCRIPT_NAME)
    tagged = dataclasses.replace(
        evaluation.marginals["label"], labels=["low", "<b>bold</b> & more", "Other"]
    )
    labels = marginal_figure(tagged).data[0].x
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in labels
    assert not any("<b>" in str(label) for label in labels)


def test_utility_and_scores_figures(evaluation):
    figure = utility_figure(evaluation.ml_utility)
    assert list(figure.data[0].y) == [evaluation.ml_utility.real, evaluation.ml_utility.synthetic]
    assert figure.layout.shapes  # the guessing baseline
    scores = scores_figure(evaluation)
    assert "Column shapes" in scores.data[0].y


def test_realism_lists_detection_precision_and_recall(page, evaluation):
    text, _ = page
    section = text[text.index('<section id="realism">') :]
    section = section[: section.index("</section>")]
    assert f"{evaluation.detection.auc:.2f} (0.5 ideal" in section
    coverage = evaluation.precision_recall
    assert f"{coverage.precision * 100:.1f} %" in section and f"k = {coverage.k}" in section
    assert "Kynkäänniemi" in section


def test_the_validity_section_lists_each_rule_with_its_real_and_synthetic_share(evaluation):
    rule = RuleCheck(f"{SCRIPT_NAME} is on or after Order Date", real=1.0, synthetic=0.488)
    checks = Validity((rule,), (BasicCheck("Dates in the real format", 0.9, 2, "Ship Date"),))
    text = html_report(dataclasses.replace(evaluation, validity=checks))
    section = text[text.index('<section id="validity">') :].split("</section>")[0]
    assert "is on or after Order Date" in section and SCRIPT_NAME not in section
    assert "100 %" in section and "48.8 %" in section
    assert "Dates in the real format" in section and "Ship Date" in section


def test_a_training_record_adds_its_charts_before_the_settings(evaluation, trained):
    training = trained("ctgan").progress_.snapshot()
    assert headings(html_report(evaluation, training=training))[-2:] == ["Training", "Settings"]
    assert "Training" not in headings(html_report(evaluation))


def headings(text: str) -> list[str]:
    parser = Page()
    parser.feed(text)
    return parser.headings
