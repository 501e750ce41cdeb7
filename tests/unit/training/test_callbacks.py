"""Each hook of the training loop on its own, with a stand-in core (no training)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from synth_core.config import TrainingConfig
from synth_core.training import callbacks
from synth_core.training.callbacks import (
    AccuracyProbe,
    Callback,
    CoreStoppingRule,
    EarlyStopping,
    FidelityCheck,
    Hooks,
    KeepBest,
    Run,
    StopEvent,
    TimeLimit,
    hold_back,
    standard_callbacks,
)
from synth_core.training.health import HealthWarning
from synth_core.training.presets import preset_config
from synth_core.training.progress import Estimate, TrainingProgress


class FakeCore:
    """What the callbacks use of a GanCore: a generator, a device, and ``judge``."""

    def __init__(self) -> None:
        self.device = torch.device("cpu")
        self.generator = torch.nn.Linear(2, 2)
        self.judged: list[tuple[torch.Tensor, torch.Generator]] = []

    def judge(self, rows: torch.Tensor, rng: torch.Generator) -> dict[str, torch.Tensor]:
        self.judged.append((rows, rng))
        draw = torch.rand(2, generator=rng)
        return {"real_accuracy": draw[0], "fake_accuracy": draw[1]}

    def set_weights(self, value: float) -> None:
        with torch.no_grad():
            for parameter in self.generator.parameters():
                parameter.fill_(value)

    def weight(self) -> float:
        return float(self.generator.weight[0, 0].detach())


def make_run(**settings) -> Run:
    config = TrainingConfig(**{"epochs": 5, "eval_every": 1, **settings})
    progress = TrainingProgress()
    progress.start(config.epochs, 10, "cpu", config.max_seconds)
    return Run(FakeCore(), config, progress, batch=50, steps_per_epoch=10)


def end_epoch(run: Run, epoch: int, *hooks: Callback) -> list[bool]:
    """What the loop does at an epoch's end: record it, then call ``hooks`` in order."""
    run.epoch = epoch
    run.progress.end_epoch(epoch, {})
    return [hook.on_epoch_end(run) for hook in hooks]


# ------------------------------------------------------------------------------ the hooks
def test_hooks_lists_only_the_methods_a_callback_overrides_in_order() -> None:
    probe, check = AccuracyProbe(torch.zeros(4, 2)), FidelityCheck(lambda core: 0.5)
    stop = StopEvent(threading.Event())
    hooks = Hooks([probe, check, Callback(), stop])

    assert hooks.train_start == [probe.on_train_start, check.on_train_start, stop.on_train_start]
    assert hooks.step_start == [stop.on_step_start]
    assert hooks.step_end == [probe.on_step_end]
    assert hooks.epoch_end == [check.on_epoch_end]
    assert hooks.train_end == [stop.on_train_end]


def test_the_base_callback_does_nothing_and_never_stops() -> None:
    run, hook = make_run(), Callback()
    hook.on_train_start(run)
    hook.on_step_end(run)
    hook.on_train_end(run)
    assert hook.on_step_start(run) is False and hook.on_epoch_end(run) is False


def test_standard_callbacks_follow_the_config_in_the_order_they_must_run() -> None:
    probe, estimate, stop = torch.zeros(20, 2), (lambda core: 0.5), threading.Event()
    config = TrainingConfig(eval_every=1, keep_best=True, early_stopping=2, max_seconds=60.0)
    kinds = [type(c) for c in standard_callbacks(config, 10, stop, estimate, probe)]
    assert kinds == [
        CoreStoppingRule,  # the core's own rule first: a run it ends skips the others' checks
        AccuracyProbe,
        FidelityCheck,
        KeepBest,
        EarlyStopping,
        TimeLimit,
        StopEvent,
    ]


@pytest.mark.parametrize(
    ("settings", "pac", "given", "expected"),
    [
        ({}, 10, (), []),
        ({}, 30, ("probe",), []),  # fewer probe rows than one pac group: not measured on
        ({"eval_every": 0, "early_stopping": 2}, 1, ("fidelity",), []),
        ({"keep_best": False}, 1, ("fidelity",), [FidelityCheck]),
        (
            {"keep_best": False, "early_stopping": 3},
            1,
            ("fidelity",),
            [FidelityCheck, EarlyStopping],
        ),
        ({"early_stopping": 3}, 1, (), []),  # early stopping needs the estimates
        ({"max_seconds": 5.0}, 1, ("stop",), [TimeLimit, StopEvent]),
    ],
)
def test_standard_callbacks_leave_out_what_the_run_does_not_use(settings, pac, given, expected):
    config = TrainingConfig(**settings)
    made = standard_callbacks(
        config,
        pac,
        stop=threading.Event() if "stop" in given else None,
        fidelity=(lambda core: 0.5) if "fidelity" in given else None,
        probe=torch.zeros(20, 2) if "probe" in given else None,
    )
    assert [type(c) for c in made] == [CoreStoppingRule, *expected]


# ------------------------------------------------------------------------------ stop event
def test_the_stop_event_stops_before_the_next_step_and_says_so_at_the_end() -> None:
    run, event = make_run(), threading.Event()
    hook = StopEvent(event)
    hook.on_train_start(run)
    run.epoch = 2
    assert hook.on_step_start(run) is False
    hook.on_train_end(run)
    assert run.progress.snapshot().notes == ()

    event.set()
    assert hook.on_step_start(run) is True
    run.epoch = 3  # the note names the epoch the stop came in
    hook.on_train_end(run)
    assert run.progress.snapshot().notes == ("Stopped on request during epoch 2.",)


def test_a_new_run_forgets_an_earlier_stop() -> None:
    run, event = make_run(), threading.Event()
    event.set()
    hook = StopEvent(event)
    hook.on_step_start(run)
    event.clear()
    hook.on_train_start(run)
    hook.on_train_end(run)
    assert run.progress.snapshot().notes == ()


# ------------------------------------------------------------------------------ accuracy probe
def test_the_probe_judges_every_few_steps_with_its_own_seeded_generator() -> None:
    run, rows = make_run(seed=4), torch.ones(20, 2)
    hook = AccuracyProbe(rows)
    before = torch.get_rng_state()
    hook.on_train_start(run)
    for step in range(1, 3 * callbacks.PROBE_EVERY + 1):
        run.step = step
        hook.on_step_end(run)

    assert [step for step, _ in run.judged] == [10, 20, 30]
    assert all(judged is rows for judged, _ in run.core.judged)
    own = torch.Generator().manual_seed(4 + callbacks.PROBE_SEED)
    first = torch.rand(2, generator=own)
    assert torch.equal(torch.stack(list(run.judged[0][1].values())), first)
    assert torch.equal(torch.get_rng_state(), before)  # the run's own numbers are untouched


def test_the_probe_reads_its_interval_when_it_runs(monkeypatch) -> None:
    monkeypatch.setattr(callbacks, "PROBE_EVERY", 10**9)
    run = make_run()
    hook = AccuracyProbe(torch.ones(20, 2))
    hook.on_train_start(run)
    for step in range(1, 50):
        run.step = step
        hook.on_step_end(run)
    assert run.judged == []


def test_rows_held_back_are_a_tenth_at_most_in_whole_groups_and_repeat_with_the_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = np.arange(2000, dtype=np.float32).reshape(1000, 2)
    matrix = original.copy()
    kept, held = hold_back(matrix, seed=3, pac=10)
    assert len(held) == 100 and len(kept) == 900
    assert not set(kept[:, 0]) & set(held[:, 0])
    assert set(kept[:, 0]) | set(held[:, 0]) == set(original[:, 0])
    assert np.shares_memory(kept, matrix)  # a view: a big table is not copied
    np.testing.assert_array_equal(kept, original[~np.isin(original[:, 0], held[:, 0])])  # in order
    np.testing.assert_array_equal(hold_back(original.copy(), seed=3, pac=10)[1], held)
    assert not np.array_equal(hold_back(original.copy(), seed=4, pac=10)[1], held)

    big = np.zeros((10_000, 2), dtype=np.float32)
    assert len(hold_back(big, seed=0, pac=10)[1]) == callbacks.PROBE_ROWS // 10 * 10

    monkeypatch.setattr(callbacks, "COMPACT_ROWS", 7)  # blocks much smaller than the table
    kept, held = hold_back(original.copy(), seed=5, pac=10)
    np.testing.assert_array_equal(kept, original[~np.isin(original[:, 0], held[:, 0])])

    small = matrix[:60]
    kept, held = hold_back(small, seed=3, pac=10)  # a tenth is 6 rows: not one group of 10
    assert held is None and kept is small


# ------------------------------------------------------------------------------ fidelity check
def test_fidelity_is_estimated_every_few_epochs_and_after_the_last() -> None:
    run = make_run(epochs=5, eval_every=2)
    estimates = iter([0.4, 0.6, 0.5])
    hook = FidelityCheck(lambda core: next(estimates))
    hook.on_train_start(run)
    seen = []
    for epoch in range(1, 6):
        assert end_epoch(run, epoch, hook) == [False]  # never ends the run itself
        seen.append((run.score, run.improved))

    assert run.progress.snapshot().fidelity == ((2, 0.4), (4, 0.6), (5, 0.5))
    assert seen == [(None, False), (0.4, True), (None, False), (0.6, True), (0.5, False)]
    assert run.progress.snapshot().best_epoch == 4


def test_without_keep_best_no_best_epoch_is_claimed() -> None:
    run = make_run(keep_best=False)
    hook = FidelityCheck(lambda core: 0.7)
    hook.on_train_start(run)
    end_epoch(run, 1, hook)
    assert run.improved and run.progress.snapshot().best_epoch is None


def test_the_estimates_warning_is_shown_and_clears_when_the_rows_recover() -> None:
    run = make_run()
    collapse = HealthWarning("mode_collapse", "Too little variety", "Rows repeat.", "Train.")
    estimates = iter([Estimate(0.3, collapse), Estimate(0.5)])
    hook = FidelityCheck(lambda core: next(estimates))
    hook.on_train_start(run)
    end_epoch(run, 1, hook)
    assert run.progress.snapshot().warnings == (collapse,)
    end_epoch(run, 2, hook)
    assert run.progress.snapshot().warnings == ()


def test_a_quality_that_stops_improving_gets_the_plateau_note() -> None:
    run = make_run(epochs=10)
    estimates = iter([0.8, 0.7, 0.7, 0.7])
    hook = FidelityCheck(lambda core: next(estimates))
    hook.on_train_start(run)
    for epoch in range(1, 5):
        end_epoch(run, epoch, hook)
    assert [w.key for w in run.progress.snapshot().warnings] == ["plateau"]


def test_a_new_run_starts_without_a_best_estimate() -> None:
    run = make_run()
    hook = FidelityCheck(lambda core: 0.5)
    hook.on_train_start(run)
    end_epoch(run, 1, hook)
    hook.on_train_start(run)
    end_epoch(run, 2, hook)
    assert run.improved


# ------------------------------------------------------------------------------ keep best
def test_keep_best_puts_back_the_generator_of_the_best_estimate() -> None:
    run = make_run()
    estimates = iter([0.5, 0.9, 0.7])
    check, keep = FidelityCheck(lambda core: next(estimates)), KeepBest()
    for hook in (check, keep):
        hook.on_train_start(run)
    for epoch in (1, 2, 3):
        run.core.set_weights(float(epoch))
        end_epoch(run, epoch, check, keep)
    keep.on_train_end(run)

    assert run.core.weight() == 2.0
    assert run.progress.snapshot().notes == (
        "Kept the model from epoch 2, which had the best quality estimate.",
    )


def test_keep_best_says_nothing_when_the_last_epoch_was_the_best() -> None:
    run = make_run()
    estimates = iter([0.5, 0.9])
    check, keep = FidelityCheck(lambda core: next(estimates)), KeepBest()
    for epoch in (1, 2):
        run.core.set_weights(float(epoch))
        end_epoch(run, epoch, check, keep)
    keep.on_train_end(run)
    assert run.core.weight() == 2.0 and run.progress.snapshot().notes == ()


def test_keep_best_copies_the_weights_rather_than_pointing_at_them() -> None:
    run = make_run()
    keep = KeepBest()
    keep.on_train_start(run)
    run.core.set_weights(1.0)
    run.improved = True
    keep.on_epoch_end(run)
    run.core.set_weights(5.0)
    keep.on_train_end(run)
    assert run.core.weight() == 1.0


def test_keep_best_without_any_estimate_leaves_the_generator_alone() -> None:
    run = make_run()
    keep = KeepBest()
    keep.on_train_start(run)
    run.core.set_weights(3.0)
    end_epoch(run, 1, keep)
    keep.on_train_end(run)
    assert run.core.weight() == 3.0 and run.progress.snapshot().notes == ()


# ------------------------------------------------------------------------------ early stopping
def test_early_stopping_ends_the_run_after_patience_estimates_without_a_better_one() -> None:
    run = make_run(epochs=10, eval_every=2)
    estimates = iter([0.5, 0.6, 0.55, 0.58])
    check, early = FidelityCheck(lambda core: next(estimates)), EarlyStopping(patience=2)
    for hook in (check, early):
        hook.on_train_start(run)
    ends = [end_epoch(run, epoch, check, early)[1] for epoch in range(1, 9)]

    # estimates at 2 (best), 4 (better), 6 and 8 (not): epochs without one do not count
    assert ends == [False] * 7 + [True]
    assert run.progress.snapshot().notes == (
        "Stopped early: quality stopped improving after epoch 8.",
    )


def test_an_improvement_resets_the_count() -> None:
    run, early = make_run(), EarlyStopping(patience=2)
    early.on_train_start(run)
    answers = []
    for score, improved in [(0.5, True), (0.4, False), (0.6, True), (0.5, False), (0.5, False)]:
        run.score, run.improved = score, improved
        answers.append(early.on_epoch_end(run))
    assert answers == [False, False, False, False, True]


# ------------------------------------------------------------------------------ time limit
def test_the_time_limit_ends_the_run_after_the_epoch_that_passes_it(monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr(callbacks.time, "monotonic", lambda: now[0])
    # A limit worked out for a wide table (43.0551 s) is said in whole seconds.
    run, limit = make_run(max_seconds=30.0551), TimeLimit(30.0551)
    run.started = 100.0
    now[0] = 130.0
    assert end_epoch(run, 1, limit) == [False]  # at the limit, not past it
    now[0] = 130.5
    assert end_epoch(run, 2, limit) == [True]
    assert run.progress.snapshot().notes == (
        f"Reached the time limit (30 s) after epoch 2. {callbacks.UNLIMITED}",
    )
    for name in ("balanced", "best"):  # as the note says
        assert not preset_config(name).max_seconds


def test_the_time_limit_cuts_short_an_epoch_that_would_run_on_well_past_it(monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr(callbacks.time, "monotonic", lambda: now[0])
    run, limit = make_run(max_seconds=30.0), TimeLimit(30.0)
    run.started, run.epoch, run.steps_per_epoch = 100.0, 1, 1_000
    run.step, now[0] = 100, 129.0
    assert not limit.on_step_start(run)  # within the limit
    run.step, now[0] = 101, 130.5  # 899 steps left at 0.3 s each: far past the limit
    assert limit.on_step_start(run) and run.time_up
    assert run.progress.snapshot().notes == (
        f"Reached the time limit (30 s) 10 % into epoch 1, after 5,050 rows seen. "
        f"{callbacks.UNLIMITED}",
    )


def test_the_time_limit_lets_an_epoch_that_ends_soon_after_it_finish(monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr(callbacks.time, "monotonic", lambda: now[0])
    run, limit = make_run(max_seconds=30.0), TimeLimit(30.0)
    run.started, run.epoch, run.steps_per_epoch = 100.0, 1, 1_000
    run.step, now[0] = 990, 130.5  # 10 steps left at 0.03 s each
    assert not limit.on_step_start(run) and not run.time_up


def test_how_far_the_run_is_counts_epochs_or_time_whichever_is_further(monkeypatch) -> None:
    now = [100.0]
    monkeypatch.setattr(callbacks.time, "monotonic", lambda: now[0])
    run = make_run(epochs=4)
    run.started, run.epoch = 100.0, 3
    assert run.fraction() == pytest.approx(0.5)

    timed = make_run(epochs=4, max_seconds=10.0)
    timed.started, timed.epoch = 100.0, 2
    now[0] = 108.0
    assert timed.fraction() == pytest.approx(0.8)
    now[0] = 101.0
    assert timed.fraction() == pytest.approx(0.25)
