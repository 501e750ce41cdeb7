"""The evaluation as one self-contained HTML file, for an analyst to forward to a stakeholder.

Plotly's script is embedded once, so the file opens offline; every table value and column name
from the data is HTML-escaped (chart data travels as JSON, which Plotly escapes).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import platform
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from synth_core.evaluation.verdicts import THRESHOLDS, Verdict
from synth_core.reporting import first_screen
from synth_core.reporting.plots import (
    LEVEL_COLOURS,
    association_figures,
    fidelity_figure,
    loss_figure,
    marginal_figure,
    scores_figure,
    utility_figure,
)
from synth_core.rules import share_words
from synth_core.version import __version__
from synth_core.wording import counted, percent

if TYPE_CHECKING:  # annotations only: the report loads without SDMetrics or scikit-learn
    from synth_core.evaluation.evaluate import Evaluation
    from synth_core.training.progress import ProgressSnapshot

SECTIONS = (
    (first_screen.KEY, first_screen.TITLE),
    ("summary", "Summary"),
    ("quality", "Quality"),
    ("diagnostic", "Diagnostic"),
    ("validity", "Validity"),
    ("realism", "Realism"),
    ("distributions", "Column distributions"),
    ("correlations", "Correlations"),
    ("usefulness", "Usefulness"),
    ("privacy", "Privacy"),
    ("settings", "Settings"),
)
#: Distribution name -> import name, for the versions listed under Settings.
LIBRARIES = {
    "pandas": "pandas",
    "numpy": "numpy",
    "sdmetrics": "sdmetrics",
    "scikit-learn": "sklearn",
    "scipy": "scipy",
    "plotly": "plotly",
}
STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #e5e5e5; padding-bottom: 0.25em;
     margin-top: 2.2em; }
h3 { font-size: 1.05em; margin-top: 1.5em; }
nav a { margin-right: 1em; color: #1f77b4; text-decoration: none; }
.muted { color: #666; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff;
         font-size: 0.85em; font-weight: 600; text-transform: capitalize; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
         gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #e0e0e0; border-radius: 8px; padding: 0.7em 0.9em; }
.card .value { font-size: 1.5em; font-weight: 600; }
.card p { margin: 0.4em 0 0; font-size: 0.9em; color: #444; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 1em; }
ul.notes li { margin-bottom: 0.3em; }
.wide, .chart { overflow-x: auto; max-width: 100%; }
"""


def html_report(
    evaluation: Evaluation,
    *,
    title: str = "Synth Studio report",
    settings: Mapping[str, Any] | None = None,
    privacy_facts: Mapping[str, str] | None = None,
    real_rows: bool = True,
    training: ProgressSnapshot | None = None,
) -> str:
    """The whole evaluation as one HTML page: scores with verdicts, details, charts, settings.

    ``settings`` (for example the training configuration, the seed and the file name) is listed
    under Settings, together with the evaluation's own settings and the library versions.
    ``privacy_facts`` (label -> sentence: the differential-privacy guarantee or its absence,
    the filters and the replaced columns) head the Privacy section. ``real_rows=False`` leaves
    out the closest pairs (real rows), for a report that goes to someone who may not see them.
    ``training`` (the run's progress record, when known) adds its charts before Settings.
    """
    charts = _Charts()
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">Made {_dt.datetime.now().strftime("%Y-%m-%d %H:%M")} by Synth '
        f"Studio {_e(__version__)}.</p>",
        "<nav>" + "".join(f'<a href="#{key}">{name}</a>' for key, name in SECTIONS) + "</nav>",
        first_screen.first_screen(evaluation, privacy_facts),
        _summary(evaluation, charts),
        _quality(evaluation),
        _diagnostic(evaluation),
        _validity(evaluation),
        _realism(evaluation),
        _distributions(evaluation, charts),
        _correlations(evaluation, charts),
        _usefulness(evaluation, charts),
        _privacy(evaluation, privacy_facts, real_rows),
        _training(training, charts) if training is not None and training.steps else "",
        _settings(evaluation, settings or {}),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------------------ sections
def _section(key: str, content: Iterable[str]) -> str:
    name = dict(SECTIONS)[key]
    return f'<section id="{key}">\n<h2>{name}</h2>\n' + "\n".join(content) + "\n</section>"


def _summary(evaluation: Evaluation, charts: _Charts) -> str:
    quality, privacy, utility = evaluation.quality, evaluation.privacy, evaluation.ml_utility
    cards = [
        ("Overall quality", percent(quality.quality), "quality"),
        ("Column shapes", percent(quality.column_shapes), "column_shapes"),
        ("Column pair trends", percent(quality.column_pair_trends), "column_pair_trends"),
        ("Diagnostic", percent(evaluation.diagnostic.score), "diagnostic"),
    ]
    if evaluation.detection is not None:
        cards.append(("Detection (ROC AUC)", _number(evaluation.detection.auc), "detection"))
    if evaluation.precision_recall is not None:
        coverage = evaluation.precision_recall
        cards.append(("Precision", percent(coverage.precision), "precision"))
        cards.append(("Recall", percent(coverage.recall), "recall"))
    if utility is not None:
        value = f"{utility.synthetic:.2f} vs {utility.real:.2f}"
        cards.append((f"Usefulness ({utility.metric})", value, "ml_utility"))
    cards += [
        (
            "Copies of rare real rows",
            f"{privacy.exact_copies:,} ({percent(privacy.exact_copy_share)})",
            "exact_copies",
        ),
        ("Distance to closest record", percent(privacy.dcr_share), "dcr"),
        ("Privacy", "", "privacy"),
    ]
    rows = evaluation.rows
    out = [
        f"<p>Compared {rows.get('synthetic', 0):,} synthetic rows with {rows.get('real', 0):,} "
        f"real training rows"
        + (f" and {rows['holdout']:,} real holdout rows" if rows.get("holdout") else "")
        + f", over {counted(len(evaluation.columns), 'column')}, "
        + f"in {evaluation.seconds:.1f} s.</p>",
        '<div class="cards">'
        + "".join(_card(label, value, evaluation.verdicts.get(key)) for label, value, key in cards)
        + "</div>",
        charts.html(scores_figure(evaluation)),
    ]
    if evaluation.notes:
        out.append("<h3>Notes</h3>")
        out.append(_list(evaluation.notes))
    return _section("summary", out)


def _quality(evaluation: Evaluation) -> str:
    return _section(
        "quality",
        [
            "<p>SDMetrics' Quality Report. <b>Column shapes</b>: how alike each column's "
            "distribution is (KSComplement for numbers and dates, TVComplement for categories). "
            "<b>Column pair trends</b>: how alike the relation of each pair of columns is "
            "(correlation or contingency similarity); SDMetrics averages the pairs that are "
            "clearly related in the real table.</p>",
            _verdict_line(evaluation.verdicts.get("column_shapes")),
            "<h3>Column shapes</h3>",
            _table(_lowest_first(evaluation.column_shapes_details)),
            _verdict_line(evaluation.verdicts.get("column_pair_trends")),
            "<h3>Column pair trends</h3>",
            '<p class="muted">Lowest scores first. A pair without a score is not clearly '
            "related in the real table, so SDMetrics leaves it out of the average.</p>",
            _table(_lowest_first(evaluation.pair_trends_details)),
        ],
    )


def _diagnostic(evaluation: Evaluation) -> str:
    diagnostic = evaluation.diagnostic
    scores = pd.DataFrame(
        {
            "Property": ["Data validity", "Data structure", "Diagnostic score"],
            "Score": [diagnostic.data_validity, diagnostic.data_structure, diagnostic.score],
        }
    )
    return _section(
        "diagnostic",
        [
            "<p>SDMetrics' Diagnostic Report. <b>Data validity</b>: values within the real "
            "ranges and categories, keys unique. <b>Data structure</b>: the same columns.</p>",
            _verdict_line(evaluation.verdicts.get("diagnostic")),
            _table(scores),
        ],
    )


def _validity(evaluation: Evaluation) -> str:
    """Each business rule with the share of real and synthetic rows that obey it (the goal:
    100 % for every rule kept), and the basic checks."""
    validity = evaluation.validity
    if validity is None:
        return _section("validity", ['<p class="muted">Not measured.</p>'])
    rules = pd.DataFrame(
        {
            "Rule": [check.words for check in validity.rules],
            "Real rows": [share_words(check.real) for check in validity.rules],
            "Synthetic rows": [share_words(check.synthetic) for check in validity.rules],
        }
    )
    basics = pd.DataFrame(
        {
            "Check": [check.name for check in validity.basics],
            "Synthetic values that pass": [share_words(check.share) for check in validity.basics],
            "Columns": [check.columns for check in validity.basics],
            "Fewest pass in": [check.worst or "–" for check in validity.basics],
        }
    )
    shown = _table(rules) if len(rules) else '<p class="muted">No business rule was kept.</p>'
    return _section(
        "validity",
        [
            "<p>Do the rows make sense? Each business rule with the share of real and of "
            "synthetic rows that obey it (the goal: 100 % for every rule kept).</p>",
            shown,
            "<h3>Basic checks</h3>",
            _table(basics),
        ],
    )


def _realism(evaluation: Evaluation) -> str:
    detection, coverage = evaluation.detection, evaluation.precision_recall
    if detection is None or coverage is None:
        return _section("realism", ['<p class="muted">Not measured.</p>'])
    rows = {
        "Detection: ROC AUC": f"{_number(detection.auc)} (0.5 ideal, 1.0 always told apart)",
        "Detection: classifier": f"{detection.method}, {detection.rows:,} rows of each table",
        "Precision": percent(coverage.precision),
        "Recall": percent(coverage.recall),
        "Precision and recall: rows and neighbours": (
            f"{coverage.rows['real']:,} real, {coverage.rows['synthetic']:,} synthetic, "
            f"k = {coverage.k}"
        ),
    }
    return _section(
        "realism",
        [
            "<p><b>Detection</b>: a classifier learns to tell real rows from synthetic ones; "
            "its ROC AUC on rows it did not learn from is 0.5 when it cannot tell them apart "
            "(ideal) and 1.0 when it always can. <b>Precision</b>: the share of synthetic rows "
            "that sit among real rows (realistic rows). <b>Recall</b>: the share of real rows "
            "that have synthetic rows around them (variety covered). Both after Kynkäänniemi "
            "et al. (2019): a row's neighbourhood reaches its k-th nearest neighbour in its "
            "own table.</p>",
        ]
        + [_verdict_line(evaluation.verdicts.get(k)) for k in ("detection", "precision", "recall")]
        + [_key_values(rows)],
    )


def _distributions(evaluation: Evaluation, charts: _Charts) -> str:
    out = [
        "<p>Each column in the real and the synthetic table, as shares of rows. Numbers and "
        "dates share the same bins; rare categories are grouped as “Other”. A date column is "
        "also shown by month, by weekday and, for times, by hour of the day.</p>",
        '<div class="grid2">',
    ]
    for name, marginal in evaluation.marginals.items():
        views = [marginal, *evaluation.calendars.get(name, [])]
        out += [charts.html(marginal_figure(view)) for view in views]
    out.append("</div>")
    return _section("distributions", out)


def _correlations(evaluation: Evaluation, charts: _Charts) -> str:
    real, synthetic, difference = association_figures(evaluation.associations)
    return _section(
        "correlations",
        [
            "<p>How strongly each pair of columns goes together: Spearman's correlation for two "
            "numbers (−1 to 1), Cramér's V for two categories and the correlation ratio for a "
            "number and a category (0 to 1). The difference should be close to 0 everywhere.</p>",
            '<div class="grid2">',
            charts.html(real),
            charts.html(synthetic),
            "</div>",
            charts.html(difference),
        ],
    )


def _usefulness(evaluation: Evaluation, charts: _Charts) -> str:
    utility = evaluation.ml_utility
    if utility is None:
        return _section(
            "usefulness",
            ["<p>Not tested: no column to predict was chosen.</p>"],
        )
    rows = {
        "Target column": utility.target,
        "Task": utility.task,
        "Model": "scikit-learn HistGradientBoosting",
        f"{utility.metric}, trained on real rows": f"{utility.real:.3f}",
        f"{utility.metric}, trained on synthetic rows": f"{utility.synthetic:.3f}",
        f"{utility.metric}, guessing": f"{utility.baseline:.3f}",
        "Real test rows": f"{utility.test_rows:,}",
    }
    if utility.real_accuracy is not None:
        rows["Accuracy, trained on real rows"] = f"{utility.real_accuracy:.3f}"
        rows["Accuracy, trained on synthetic rows"] = f"{utility.synthetic_accuracy:.3f}"
    return _section(
        "usefulness",
        [
            "<p>Train on synthetic, test on real: the same model is trained once on the real "
            "training rows and once on the synthetic rows, and both predict the same real rows "
            "the generator never saw.</p>",
            _verdict_line(evaluation.verdicts.get("ml_utility")),
            _key_values(rows),
            charts.html(utility_figure(utility)),
        ],
    )


def _privacy(
    evaluation: Evaluation, facts: Mapping[str, str] | None = None, real_rows: bool = True
) -> str:
    privacy = evaluation.privacy
    rows = {
        "Copies of rare training rows": f"{privacy.exact_copies:,} "
        f"({percent(privacy.exact_copy_share)} of the synthetic rows; rows that fewer than "
        f"{privacy.rare_below} training rows share)",
        "Rows equal to common combinations": f"{privacy.common_copies:,} (shared by ≥ "
        f"{privacy.rare_below} training rows: they single no one out)",
        "Distance to closest record (DCR) share": percent(privacy.dcr_share)
        + " (about 50 % is ideal)",
        "Nearest-neighbour distance ratio (median)": _number(privacy.nndr)
        + (
            f" (rows the model never saw: {privacy.nndr_holdout:.2f})"
            if privacy.nndr_holdout is not None
            else ""
        ),
    }
    out = [
        "<p>Whether the synthetic rows give real rows away. The <b>DCR share</b> is the share of "
        "synthetic rows closer to a training row than to a holdout row the model never saw. The "
        "<b>NNDR</b> is the distance to the closest training row divided by the distance to the "
        "second closest: near 0, a synthetic row sits on top of one real person. "
        + (
            "These checks are no formal guarantee (the model was not trained with differential "
            "privacy).</p>"
            if facts is None
            else "These checks are measurements; the guarantee, if any, is stated below.</p>"
        ),
    ]
    if facts:
        out.append(_key_values(facts))
    out += [
        _verdict_line(evaluation.verdicts.get(k))
        for k in ("privacy", "exact_copies", "dcr", "nndr")
    ]
    out.append(_key_values(rows))
    if privacy.note:
        out.append(f'<p class="muted">{_e(privacy.note)}</p>')
    if real_rows and len(privacy.closest_pairs):
        out.append(
            "<h3>Closest pairs</h3><p>The synthetic rows closest to a real training row, each "
            "below that real row. These are real rows: share this report only with people "
            "allowed to see the real data.</p>"
        )
        out.append(_table(privacy.closest_pairs))
    return _section("privacy", out)


def _training(training: ProgressSnapshot, charts: _Charts) -> str:
    """The training run's loss and quality charts (no section of its own in the menu: only the
    app knows how a model was trained)."""
    quality = fidelity_figure(training)
    return (
        '<section id="training">\n<h2>Training</h2>\n'
        f"<p>How the model learned: {training.epoch} epochs, the losses per step"
        + (" and the quality estimate while it trained" if quality is not None else "")
        + ".</p>\n"
        + charts.html(loss_figure(training))
        + (charts.html(quality) if quality is not None else "")
        + "\n</section>"
    )


def _settings(evaluation: Evaluation, settings: Mapping[str, Any]) -> str:
    own = {
        "Columns compared": ", ".join(evaluation.columns),
        "Evaluation seed": evaluation.seed,
        "Rows compared": ", ".join(f"{k} {v:,}" for k, v in evaluation.rows.items()),
        "Seconds per part": ", ".join(f"{k} {v:.1f}" for k, v in evaluation.timings.items()),
    }
    thresholds = pd.DataFrame(
        [
            {
                "Score": rule.title,
                "Better when": "higher" if rule.higher_is_better else "lower",
                "Excellent": rule.excellent,
                "Good": rule.good,
                "Fair": rule.fair,
            }
            for rule in THRESHOLDS.values()
        ]
    )
    return _section(
        "settings",
        [
            "<h3>Run</h3>",
            _key_values(settings) if settings else '<p class="muted">None given.</p>',
            "<h3>Evaluation</h3>",
            _key_values(own),
            "<h3>Verdict thresholds</h3>",
            _table(thresholds),
            "<h3>Library versions</h3>",
            _key_values(library_versions()),
        ],
    )


def library_versions() -> dict[str, str]:
    """Versions of Python, Synth Studio and the libraries the scores depend on (torch only if
    this process already loaded it: the report never imports it)."""
    versions = {"Python": platform.python_version(), "synth_core": __version__}
    torch = sys.modules.get("torch")
    if torch is not None:
        versions["torch"] = str(getattr(torch, "__version__", "unknown"))
    for distribution in LIBRARIES:
        try:
            versions[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[distribution] = "not installed"
    return versions


# ------------------------------------------------------------------------------ pieces
class _Charts:
    """Plotly figures as HTML divs; the first one carries Plotly's script."""

    def __init__(self) -> None:
        self.first = True

    def html(self, figure: go.Figure) -> str:
        out = pio.to_html(
            figure,
            full_html=False,
            include_plotlyjs=self.first,
            config={"displaylogo": False, "responsive": True},
        )
        self.first = False
        return f'<div class="chart">{out}</div>'


def _card(label: str, value: str, verdict: Verdict | None) -> str:
    badge = _badge(verdict.level) if verdict else ""
    sentence = f"<p>{_e(verdict.sentence)}</p>" if verdict else ""
    return (
        f'<div class="card"><div class="muted">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div>{badge}{sentence}</div>'
    )


def _badge(level: str) -> str:
    colour = LEVEL_COLOURS.get(level, "#999")
    return f'<span class="badge" style="background:{colour}">{_e(level)}</span>'


def _verdict_line(verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    return f"<p>{_badge(verdict.level)} <b>{_e(verdict.title)}</b>: {_e(verdict.sentence)}</p>"


def _lowest_first(details: pd.DataFrame) -> pd.DataFrame:
    if "Score" not in details.columns:
        return details
    return details.sort_values("Score", kind="stable", na_position="last")


def _table(frame: pd.DataFrame) -> str:
    if frame is None or frame.empty:
        return '<p class="muted">Nothing to show.</p>'
    head = "".join(f"<th>{_e(column)}</th>" for column in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = "".join(_cell(value) for value in values)
        rows.append(f"<tr>{cells}</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def _cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return f"<td>{_e('' if value is None else value)}</td>"
    if isinstance(value, float) and math.isnan(value):
        return "<td></td>"
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return f"<td>{_e(value)}</td>"
        if math.isnan(number):
            return "<td></td>"
        text = f"{int(number):,}" if number.is_integer() and abs(number) < 1e15 else f"{number:.3f}"
        return f'<td class="num">{text}</td>'
    return f"<td>{_e(value)}</td>"


def _key_values(values: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{_e(key)}</th><td>{_e(_plain(value))}</td></tr>" for key, value in values.items()
    )
    return f"<table><tbody>{rows}</tbody></table>"


def _list(items: Iterable[str]) -> str:
    return '<ul class="notes">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _plain(value: Any) -> str:
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    return "" if value is None else str(value)


def _number(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)
