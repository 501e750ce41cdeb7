"""Charts of a training run, drawn with plain Plotly.

The app shows them live while a model trains, and a report can embed the same figures; nothing
here depends on Streamlit. Every chart is built from a ``ProgressSnapshot`` alone and keeps at
most ``MAX_POINTS`` points per line, so that redrawing it every second stays cheap on long runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synth_core.training import ProgressSnapshot

MAX_POINTS = 2_000  # per line: plenty for a chart a few hundred pixels wide
SMOOTHING_STEPS = 25  # width of the rolling mean drawn over the raw losses
TEMPLATE = "plotly_white"
HEIGHT = 320

#: The losses drawn, in order: metric name in the snapshot -> (label, colour).
LOSSES: dict[str, tuple[str, str]] = {
    "generator_loss": ("Generator", "#1f77b4"),
    "discriminator_loss": ("Discriminator", "#ff7f0e"),
}
FIDELITY_COLOUR = "#2ca02c"
BEST_COLOUR = "#d62728"


def loss_figure(snapshot: ProgressSnapshot) -> go.Figure:
    """Generator and discriminator loss per training step.

    Each loss is drawn twice: a light line with every step's value and a darker line smoothed
    with a rolling mean over ``SMOOTHING_STEPS`` steps, which shows the trend through the noise.
    Before the first steps the figure has no lines, only a short note.
    """
    figure = go.Figure()
    for metric, (label, colour) in LOSSES.items():
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
        )
        figure.add_scatter(
            x=steps,
            y=smooth.to_numpy()[keep],
            mode="lines",
            name=label,
            legendgroup=label,
            line={"color": colour, "width": 2},
            hovertemplate=f"{label}: %{{y:.3f}}<extra></extra>",
        )
    _layout(figure, "Training losses", x_title="training step", y_title="loss")
    figure.update_layout(hovermode="x unified")
    if not figure.data:
        _note(figure, "The losses appear after the first training steps.")
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
    _layout(figure, "Quality estimate", x_title="epoch", y_title="match with your table")
    figure.update_yaxes(range=[0, 100], ticksuffix=" %")
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
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
    )
    figure.update_xaxes(title_text=x_title, rangemode="tozero")
    figure.update_yaxes(title_text=y_title)


def _note(figure: go.Figure, text: str) -> None:
    figure.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 13}
    )
    figure.update_xaxes(showticklabels=False, showgrid=False)
    figure.update_yaxes(showticklabels=False, showgrid=False)
