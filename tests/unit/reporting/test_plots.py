"""The training charts: built from a hand-made progress snapshot, bounded in size."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from synth_core.evaluation.marginals import Marginal
from synth_core.reporting.plots import (
    ACCURACY_SMOOTHING,
    MAX_BIN_TICKS,
    MAX_POINTS,
    SMOOTHING_STEPS,
    accuracy_figure,
    fidelity_figure,
    loss_figure,
    marginal_figure,
)
from synth_core.training.progress import ProgressSnapshot, RunState


def snapshot(
    steps: int = 100,
    fidelity: tuple[tuple[int, float], ...] = (),
    best_epoch: int | None = None,
    extra: tuple[str, ...] = (),
) -> ProgressSnapshot:
    """A run in progress with ``steps`` steps of made-up losses."""
    generator = tuple(1.0 + math.sin(i / 5) for i in range(steps))
    discriminator = tuple(-0.5 + 0.01 * i for i in range(steps))
    series = {"generator_loss": generator, "discriminator_loss": discriminator}
    series.update({name: tuple(0.1 for _ in range(steps)) for name in extra})
    return ProgressSnapshot(
        state=RunState.RUNNING,
        epoch=4,
        total_epochs=10,
        step=steps,
        total_steps=steps * 2,
        elapsed=12.0,
        eta=12.0,
        rows_per_second=1000.0,
        device="cpu",
        message="",
        notes=(),
        steps=series if steps else {},
        epochs={},
        fidelity=fidelity,
        best_epoch=best_epoch,
    )


def traces(figure: go.Figure) -> dict[str, go.Scatter]:
    return {trace.name: trace for trace in figure.data}


def test_loss_figure_draws_raw_and_smoothed_lines_per_network() -> None:
    figure = loss_figure(snapshot(steps=100, extra=("wasserstein", "gradient_penalty")))
    lines = traces(figure)

    assert list(lines) == [
        "Generator (each step)",
        "Generator",
        "Discriminator (each step)",
        "Discriminator",
    ]
    raw, smooth = lines["Generator (each step)"], lines["Generator"]
    assert list(raw.x) == list(range(1, 101)) and list(smooth.x) == list(range(1, 101))
    assert raw.y[10] == pytest.approx(1.0 + math.sin(10 / 5))
    expected = np.mean([1.0 + math.sin(i / 5) for i in range(50 - SMOOTHING_STEPS + 1, 51)])
    assert smooth.y[50] == pytest.approx(expected)
    assert smooth.y[0] == pytest.approx(raw.y[0])  # the mean of what there is so far
    assert not raw.showlegend and smooth.showlegend is not False
    assert figure.layout.xaxis.title.text == "training step"
    assert figure.layout.legend.orientation == "h"


def test_loss_figure_bounds_the_points_of_long_runs() -> None:
    steps = 25_000
    figure = loss_figure(snapshot(steps=steps))

    for trace in figure.data:
        assert len(trace.x) <= MAX_POINTS
        assert trace.x[0] == 1 and trace.x[-1] == steps  # the whole run is still covered
    discriminator = traces(figure)["Discriminator (each step)"]
    assert discriminator.y[-1] == pytest.approx(-0.5 + 0.01 * (steps - 1))


def test_loss_figure_before_any_step_is_empty_with_a_note() -> None:
    figure = loss_figure(snapshot(steps=0))

    assert not figure.data
    assert "first training steps" in figure.layout.annotations[0].text


def test_fidelity_figure_shows_estimates_as_percent_and_marks_the_best() -> None:
    points = ((5, 0.61), (10, 0.74), (15, 0.72))
    figure = fidelity_figure(snapshot(fidelity=points, best_epoch=10))

    lines = traces(figure)
    assert list(lines) == ["Quality estimate", "Best (kept)"]
    assert list(lines["Quality estimate"].x) == [5, 10, 15]
    assert list(lines["Quality estimate"].y) == pytest.approx([61.0, 74.0, 72.0])
    assert list(lines["Best (kept)"].x) == [10]
    assert list(lines["Best (kept)"].y) == pytest.approx([74.0])
    assert tuple(figure.layout.yaxis.range) == (0, 100)
    assert figure.layout.title.text == "Quality estimate: 72 % (first check: 61 %)"


def test_fidelity_figure_without_a_best_epoch_has_no_marker() -> None:
    figure = fidelity_figure(snapshot(fidelity=((5, 0.5),), best_epoch=None))

    assert [trace.name for trace in figure.data] == ["Quality estimate"]


def test_fidelity_figure_bounds_the_points() -> None:
    points = tuple((epoch, 0.5) for epoch in range(1, 5_001))
    figure = fidelity_figure(snapshot(fidelity=points, best_epoch=1))

    assert len(figure.data[0].x) <= MAX_POINTS
    assert figure.data[0].x[-1] == 5_000


def test_fidelity_figure_is_none_without_estimates() -> None:
    assert fidelity_figure(snapshot(fidelity=())) is None


def test_accuracy_figure_draws_real_and_synthetic_smoothed_with_the_guessing_line() -> None:
    points = tuple((10 * (i + 1), 1.0 - i / 100, 0.9 - i / 100) for i in range(40))
    figure = accuracy_figure(dataclasses.replace(snapshot(), accuracy=points))

    lines = traces(figure)
    assert list(lines) == ["On real rows", "On synthetic rows"]
    real = lines["On real rows"]
    assert list(real.x) == [step for step, _, _ in points]
    assert real.y[0] == pytest.approx(100.0)  # the mean of what there is so far
    expected = np.mean([100 * (1.0 - i / 100) for i in range(20 - ACCURACY_SMOOTHING + 1, 21)])
    assert real.y[20] == pytest.approx(expected)
    assert [shape.y0 for shape in figure.layout.shapes] == [50]
    assert "guessing" in figure.layout.annotations[0].text
    assert tuple(figure.layout.yaxis.range) == (0, 100)


def test_accuracy_figure_before_any_check_has_a_note() -> None:
    figure = accuracy_figure(snapshot(steps=5))

    assert not figure.data
    assert any("first checks" in note.text for note in figure.layout.annotations)


def test_loss_figure_draws_each_network_on_its_own_scale() -> None:
    figure = loss_figure(snapshot(steps=100))
    lines = traces(figure)

    assert lines["Generator"].yaxis in (None, "y")
    assert lines["Discriminator"].yaxis == lines["Discriminator (each step)"].yaxis == "y2"
    assert figure.layout.yaxis2.overlaying == "y" and figure.layout.yaxis2.side == "right"
    assert figure.layout.yaxis.title.text == "Generator loss"
    assert figure.layout.yaxis2.title.text == "Discriminator loss"


def test_a_histogram_of_many_bins_names_a_few_by_their_start_and_legends_leave_the_title():
    edges = np.linspace(30.5, 121.7, 31)
    labels = [f"{a:.1f} – {b:.1f}" for a, b in itertools.pairwise(edges)]
    shares = [1 / 30] * 30
    figure = marginal_figure(Marginal("rate", "numeric", labels, edges.tolist(), shares, shares))
    axis = figure.layout.xaxis
    assert len(axis.ticktext) <= MAX_BIN_TICKS and axis.ticktext[0] == "30.5"
    assert list(axis.tickvals) == labels[:: math.ceil(30 / MAX_BIN_TICKS)]
    assert figure.layout.legend.xanchor == "right" and figure.layout.title.x == 0
    few = marginal_figure(
        Marginal("n", "numeric", labels[:5], edges[:6].tolist(), [0.2] * 5, [0.2] * 5)
    )
    assert few.layout.xaxis.tickvals is None  # a few bins keep their ranges
