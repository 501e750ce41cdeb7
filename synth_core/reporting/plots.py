"""Charts of a training run and of an evaluation, drawn with plain Plotly.

The app shows them live while a model trains, and a report can embed the same figures; nothing
here depends on Streamlit, or on torch at run time. Every training chart is built from a
``ProgressSnapshot`` alone and keeps at most ``MAX_POINTS`` points per line, so that redrawing it
every second stays cheap on long runs. The evaluation charts read an ``Evaluation``'s parts.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

if TYPE_CHECKING:  # annotations only: the report draws these charts without importing torch
    from synth_core.evaluation.associations import Associations
    from synth_core.evaluation.evaluate import Evaluation
    from synth_core.evaluation.marginals import Marginal
    from synth_core.evaluation.usefulness import Utility
    from synth_core.training.progress import ProgressSnapshot

MAX_POINTS = 2_000  # per line: plenty for a chart a few hundred pixels wide
SMOOTHING_STEPS = 25  # width of the rolling mean drawn over the raw losses
TEMPLATE = "plotly_white"
HEIGHT = 320

#: The losses drawn, in order: metric name in the snapshot -> (label, colour).
LOSSES: dict[str, tuple[str, str]] = {
    "generator_loss": ("Generator", "#1f77b4"),
    "discriminator_loss": ("Discriminator", "#ff7f0e"),
    # Likelihood models (no critic): nats per row on training rows and on held-out rows.
    "likelihood_loss": ("Negative log-likelihood, training rows", "#1f77b4"),
    "validation_loss": ("Negative log-likelihood, held-out rows", "#ff7f0e"),
}
#: The critic's loss has a scale of its own: it is drawn against a second y-axis, on the right.
CRITIC_LOSS = "discriminator_loss"
FIDELITY_COLOUR = "#2ca02c"
#: The accuracy lines: (label, colour) for the real and the synthetic rows.
ACCURACY_LINES = (("On real rows", "#1f77b4"), ("On synthetic rows", "#ff7f0e"))
ACCURACY_SMOOTHING = 5  # checks in the rolling mean drawn over the accuracy
BEST_COLOUR = "#d62728"
REAL_COLOUR = "#1f77b4"  # real data, in every evaluation chart
SYNTHETIC_COLOUR = "#ff7f0e"
BASELINE_COLOUR = "#7f7f7f"
#: Verdict level -> bar colour in the scores chart.
LEVEL_COLOURS = {"excellent": "#2ca02c", "good": "#1f77b4", "fair": "#ff7f0e", "poor": "#d62728"}
CELL_PIXELS = 28  # heatmap height per column
MAX_BIN_TICKS = 10  # histogram bins named on the axis, at most


def loss_figure(snapshot: ProgressSnapshot) -> go.Figure:
    """Generator and discriminator loss per training step, each on its own y-axis (the
    generator's on the left, the discriminator's on the right, in the line's colour), so that
    both lines are readable however different their scales (a VAE-GAN's reconstruction loss is
    tens of times its critic's).

    Each loss is drawn twice: a light line with every step's value and a darker line smoothed
    with a rolling mean over ``SMOOTHING_STEPS`` steps, which shows the trend through the noise.
    Before the first steps the figure has no lines, only a short note.
    """
    figure = go.Figure()
    for metric, (label, colour) in LOSSES.items():
        axis = "y2" if metric == CRITIC_LOSS else "y"
        values = snapshot.steps.get(metric, ())
        if not values:
            continue
        series = pd.Series(values, dtype="float64")
        smooth = series.rolling(SMOOTHING_STEPS, min_periods=1).mean()
        keep = _downsample(len(series))
        steps = keep + 1  # step numbers start at 1
        figure.add_scatter(
            x=steps,
            y=series.to_numpy()[keep],
            mode="lines",
            name=f"{label} (each step)",
            legendgroup=label,
            showlegend=False,
            line={"color": colour, "width": 1},
            opacity=0.25,
            hoverinfo="skip",
            yaxis=axis,
        )
        figure.add_scatter(
            x=steps,
            y=smooth.to_numpy()[keep],
            mode="lines",
            name=label,
            legendgroup=label,
            line={"color": colour, "width": 2},
            hovertemplate=f"{label}: %{{y:.3f}}<extra></extra>",
            yaxis=axis,
        )
    _layout(figure, "Training losses", x_title="training step", y_title="loss")
    figure.update_layout(hovermode="x unified")
    if snapshot.steps.get(CRITIC_LOSS):
        (generator, left), (critic, right) = LOSSES["generator_loss"], LOSSES[CRITIC_LOSS]
        figure.update_layout(
            yaxis={
                "title": {"text": f"{generator} loss", "font": {"color": left}},
                "tickfont": {"color": left},
            },
            yaxis2={
                "title": {"text": f"{critic} loss", "font": {"color": right}},
                "tickfont": {"color": right},
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
                "zeroline": False,
            },
        )
    if not figure.data:
        _note(figure, "The losses appear after the first training steps.")
    return figure


def accuracy_figure(snapshot: ProgressSnapshot, title: str = "Discriminator accuracy") -> go.Figure:
    """The discriminator's accuracy (0 to 100 %) on held-back real rows and on synthetic rows,
    per check, smoothed over ``ACCURACY_SMOOTHING`` checks, with the 50 % line marked: there the
    discriminator is guessing. Before the first check the figure has only a short note."""
    figure = go.Figure()
    points = snapshot.accuracy
    if points:
        keep = _downsample(len(points))
        steps = np.array([point[0] for point in points])[keep]
        for column, (label, colour) in enumerate(ACCURACY_LINES, start=1):
            series = pd.Series([point[column] * 100 for point in points], dtype="float64")
            smooth = series.rolling(ACCURACY_SMOOTHING, min_periods=1).mean().to_numpy()[keep]
            figure.add_scatter(
                x=steps,
                y=smooth,
                mode="lines",
                name=label,
                line={"color": colour, "width": 2},
                hovertemplate=f"{label}: %{{y:.0f}} %<extra></extra>",
            )
    figure.add_hline(
        y=50,
        line={"color": BASELINE_COLOUR, "dash": "dash"},
        annotation_text="50 %: guessing",
        annotation_position="bottom right",
    )
    _layout(figure, title, x_title="training step", y_title="right")
    figure.update_layout(hovermode="x unified")
    figure.update_yaxes(range=[0, 100], ticksuffix=" %")
    if not figure.data:
        _note(figure, "The accuracy appears after the first checks.")
    return figure


def fidelity_figure(snapshot: ProgressSnapshot) -> go.Figure | None:
    """The quality estimate (0 to 100 %) after each evaluated epoch, with the best one marked.

    None while there is no estimate yet (early in a run, or when estimates are turned off).
    """
    if not snapshot.fidelity:
        return None
    points = snapshot.fidelity
    if len(points) > MAX_POINTS:
        points = tuple(points[i] for i in _downsample(len(points)))
    epochs = [epoch for epoch, _ in points]
    percents = [estimate * 100 for _, estimate in points]
    figure = go.Figure()
    figure.add_scatter(
        x=epochs,
        y=percents,
        mode="lines+markers",
        name="Quality estimate",
        line={"color": FIDELITY_COLOUR, "width": 2},
        marker={"size": 6},
        hovertemplate="Epoch %{x}: %{y:.1f} %<extra></extra>",
    )
    best = dict(snapshot.fidelity).get(snapshot.best_epoch) if snapshot.best_epoch else None
    if best is not None:
        figure.add_scatter(
            x=[snapshot.best_epoch],
            y=[best * 100],
            mode="markers",
            name="Best (kept)",
            marker={"color": BEST_COLOUR, "size": 13, "symbol": "star"},
            hovertemplate="Best, epoch %{x}: %{y:.1f} %<extra></extra>",
        )
    title = f"Quality estimate: {percents[-1]:.0f} %"
    if len(percents) > 1:
        title += f" (first check: {percents[0]:.0f} %)"
    _layout(figure, title, x_title="epoch", y_title="match with your table")
    figure.update_yaxes(range=[0, 100], ticksuffix=" %")
    return figure


def as_text(value: object) -> str:
    """A name or value from the user's table as Plotly shows text: Plotly reads a few HTML tags
    (links among them) in titles, ticks and hovers, and turns entities back into characters."""
    return html.escape(str(value), quote=False)


def marginal_figure(marginal: Marginal) -> go.Figure:
    """One column's distribution, real against synthetic: overlaid histogram bars for numbers
    and dates (shared bins), side-by-side bars for categories."""
    numeric = marginal.kind == "numeric"
    figure = go.Figure()
    for label, shares, colour in (
        ("Real", marginal.real, REAL_COLOUR),
        ("Synthetic", marginal.synthetic, SYNTHETIC_COLOUR),
    ):
        figure.add_bar(
            x=[as_text(label) for label in marginal.labels],
            y=[share * 100 for share in shares],
            name=label,
            marker={"color": colour},
            opacity=0.6 if numeric else 1.0,
            hovertemplate=f"{label}: %{{y:.1f}} %<extra>%{{x}}</extra>",
        )
    _layout(figure, as_text(marginal.column), x_title="", y_title="share of rows")
    figure.update_layout(barmode="overlay" if numeric else "group", bargap=0.02 if numeric else 0.2)
    figure.update_xaxes(type="category", rangemode="normal")
    if numeric and len(marginal.labels) > MAX_BIN_TICKS:
        # Every bin's range side by side overlaps: a few bins are named by where they start
        # (each bar's hover still gives its range).
        step = math.ceil(len(marginal.labels) / MAX_BIN_TICKS)
        ticks = [as_text(label) for label in marginal.labels[::step]]
        figure.update_xaxes(tickvals=ticks, ticktext=[tick.split(" – ")[0] for tick in ticks])
    figure.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return figure


def association_figures(associations: Associations) -> tuple[go.Figure, go.Figure, go.Figure]:
    """Heatmaps of how strongly each pair of columns goes together: real, synthetic, and the
    difference (synthetic minus real), on the same -1..1 colour scale."""
    names = [as_text(name) for name in associations.real.columns]
    methods = associations.methods
    hover = [
        [methods.get((a, b), "same column") for b in associations.real.columns]
        for a in associations.real.columns
    ]
    figures = []
    for title, matrix in (
        ("Real table", associations.real),
        ("Synthetic table", associations.synthetic),
        ("Difference (synthetic − real)", associations.difference),
    ):
        figure = go.Figure(
            go.Heatmap(
                z=matrix.to_numpy(dtype=float),
                x=names,
                y=names,
                zmin=-1,
                zmax=1,
                colorscale="RdBu",
                reversescale=True,
                customdata=hover,
                hovertemplate="%{y} × %{x}<br>%{z:.2f} (%{customdata})<extra></extra>",
                colorbar={"thickness": 12},
            )
        )
        _layout(figure, title, x_title="", y_title="")
        figure.update_layout(height=max(HEIGHT, 120 + CELL_PIXELS * len(names)))
        figure.update_xaxes(rangemode="normal", tickangle=-45, dtick=1)  # every column named
        figure.update_yaxes(autorange="reversed", dtick=1)
        figures.append(figure)
    return figures[0], figures[1], figures[2]


def utility_figure(utility: Utility) -> go.Figure:
    """The usefulness test: the score of a model trained on real rows and of one trained on
    synthetic rows, both tested on the same real rows, with the guessing baseline dashed."""
    figure = go.Figure()
    figure.add_bar(
        x=["Trained on real rows", "Trained on synthetic rows"],
        y=[utility.real, utility.synthetic],
        marker={"color": [REAL_COLOUR, SYNTHETIC_COLOUR]},
        text=[f"{utility.real:.2f}", f"{utility.synthetic:.2f}"],
        textposition="outside",
        hovertemplate=f"%{{x}}: {utility.metric} %{{y:.3f}}<extra></extra>",
        showlegend=False,
    )
    figure.add_hline(
        y=utility.baseline,
        line={"color": BASELINE_COLOUR, "dash": "dash"},
        annotation_text="guessing",
        annotation_position="top left",
    )
    title = f"Predicting '{as_text(utility.target)}' ({utility.metric}, higher is better)"
    _layout(figure, title, x_title="", y_title=utility.metric)
    top = max(1.0, utility.real, utility.synthetic) * 1.1
    bottom = min(0.0, utility.real, utility.synthetic, utility.baseline)
    figure.update_yaxes(range=[bottom, top])
    return figure


def scores_figure(evaluation: Evaluation) -> go.Figure:
    """The headline scores (0 to 100 %) as horizontal bars coloured by their verdict."""
    rows = [
        ("Overall quality", evaluation.quality.quality, "quality"),
        ("Column shapes", evaluation.quality.column_shapes, "column_shapes"),
        ("Column pair trends", evaluation.quality.column_pair_trends, "column_pair_trends"),
        ("Diagnostic", evaluation.diagnostic.score, "diagnostic"),
    ]
    if evaluation.ml_utility is not None and not np.isnan(evaluation.ml_utility.ratio):
        rows.append(("Usefulness (synthetic / real)", evaluation.ml_utility.ratio, "ml_utility"))
    rows = [row for row in rows if not pd.isna(row[1])]
    verdicts = evaluation.verdicts
    colours = [
        LEVEL_COLOURS.get(verdicts[key].level, BASELINE_COLOUR) if key in verdicts else "#999"
        for _, _, key in rows
    ]
    figure = go.Figure()
    figure.add_bar(
        x=[min(value, 1.0) * 100 for _, value, _ in rows],
        y=[label for label, _, _ in rows],
        orientation="h",
        marker={"color": colours},
        text=[f"{value * 100:.0f} %" for _, value, _ in rows],
        textposition="auto",
        hovertemplate="%{y}: %{x:.1f} %<extra></extra>",
        showlegend=False,
    )
    _layout(figure, "Scores", x_title="", y_title="")
    figure.update_xaxes(range=[0, 100], ticksuffix=" %")
    figure.update_yaxes(autorange="reversed")
    return figure


def _downsample(length: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` evenly spread points of ``length``, first and last kept."""
    if length <= limit:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, limit).round().astype(int))


def _layout(figure: go.Figure, title: str, *, x_title: str, y_title: str) -> None:
    figure.update_layout(
        template=TEMPLATE,
        title={"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        height=HEIGHT,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        # Under the title, not over it.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
    )
    figure.update_xaxes(title_text=x_title, rangemode="tozero")
    figure.update_yaxes(title_text=y_title)


def _note(figure: go.Figure, text: str) -> None:
    figure.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 13}
    )
    figure.update_xaxes(showticklabels=False, showgrid=False)
    figure.update_yaxes(showticklabels=False, showgrid=False)
