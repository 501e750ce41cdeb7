"""The server-wide training queue: several sessions pressing Start at once, simulated with
threads on a tiny table."""

from __future__ import annotations

import threading
import time

import pytest

from synth_core.jobs import NO_MODEL, TrainingJob, TrainingSlots
from synth_core.schema import infer_schema
from tests.helpers import config_for, make_mixed_frame

SESSIONS = 4


class RecordingSlots(TrainingSlots):
    """Slots that remember the order in which jobs got their turn."""

    def __init__(self, capacity: int = 1):
        super().__init__(capacity)
        self.turns: list[object] = []

    def acquire(self, owner, stop) -> bool:
        got = super().acquire(owner, stop)
        if got:
            self.turns.append(owner)
        return got


class Owner:
    """A job stand-in that knows its time left."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds

    def seconds_left(self) -> float | None:
        return self.seconds


@pytest.fixture(scope="module")
def table():
    frame = make_mixed_frame(120, seed=5)
    return frame, infer_schema(frame)


def press_start_together(table, slots, sessions: int = SESSIONS) -> list[TrainingJob]:
    """``sessions`` threads press Start at the same moment; the jobs in the order the presses
    were registered."""
    frame, schema = table
    ready, pressed, lock = threading.Barrier(sessions), [], threading.Lock()

    def session() -> None:
        job = TrainingJob(frame, schema, config_for("gan", epochs=2), slots=slots)
        ready.wait()
        with lock:  # the moment the server handles this session's click
            pressed.append(job.start())

    threads = [threading.Thread(target=session) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pressed


def test_sessions_pressing_start_together_wait_in_the_order_they_pressed(table):
    slots, busy, never = RecordingSlots(capacity=1), object(), threading.Event()
    assert slots.acquire(busy, never)  # another training holds the only slot
    jobs = press_start_together(table, slots)
    try:
        snapshots = [job.snapshot() for job in jobs]
        assert [s.queue_position for s in snapshots] == list(range(1, SESSIONS + 1))
        assert all(s.state == "queued" for s in snapshots)
    finally:
        slots.release(busy)
    assert all(job.join(120) for job in jobs), "a queued training never finished"
    assert slots.turns == [busy, *jobs]
    assert [job.snapshot().state for job in jobs] == ["finished"] * SESSIONS
    assert slots.running == 0


def test_queued_sessions_see_their_position_move_up_and_a_growing_wait(table):
    slots = RecordingSlots(capacity=1)
    busy, never = Owner(30.0), threading.Event()
    assert slots.acquire(busy, never)
    jobs = press_start_together(table, slots, sessions=3)
    try:
        waits = [job.snapshot().expected_wait for job in jobs]
        assert waits[0] == pytest.approx(30.0)
        assert waits[0] < waits[1] < waits[2]
        first_wait = waits[1] - waits[0]
        assert first_wait == pytest.approx(jobs[0].expected_seconds)
    finally:
        slots.release(busy)
    assert all(job.join(120) for job in jobs)
    assert all(job.snapshot().expected_wait is None for job in jobs)


def test_with_two_slots_two_sessions_train_at_once_and_all_finish(table):
    slots = RecordingSlots(capacity=2)
    jobs = press_start_together(table, slots)
    assert all(job.join(120) for job in jobs)
    assert slots.turns == jobs
    assert [job.snapshot().state for job in jobs] == ["finished"] * SESSIONS


def test_expected_wait_spreads_the_jobs_ahead_over_the_free_slots():
    slots, never = TrainingSlots(capacity=2), threading.Event()
    first, second = Owner(10.0), Owner(30.0)
    assert slots.acquire(first, never) and slots.acquire(second, never)
    waiting = [Owner(20.0), Owner(5.0), Owner(1.0)]
    for owner in waiting:
        slots.enter(owner)
    # slots free at 10 s and 30 s; the first waiting job takes the one free at 10 s until 30 s
    assert [slots.expected_wait(owner) for owner in waiting] == [10.0, 30.0, 30.0]
    assert [slots.position(owner) for owner in waiting] == [1, 2, 3]
    assert slots.expected_wait(first) is None


def test_expected_wait_is_unknown_when_a_job_ahead_cannot_tell():
    slots, never = TrainingSlots(capacity=1), threading.Event()
    assert slots.acquire(Owner(None), never)
    behind = Owner(1.0)
    slots.enter(behind)
    assert slots.expected_wait(behind) is None


def test_entering_twice_keeps_the_place_in_line():
    slots, never = TrainingSlots(capacity=1), threading.Event()
    assert slots.acquire(object(), never)
    first, second = object(), object()
    slots.enter(first)
    slots.enter(second)
    slots.enter(first)
    assert (slots.position(first), slots.position(second)) == (1, 2)


def test_a_session_that_stops_while_queued_leaves_the_line_and_the_rest_move_up(table):
    slots, busy, never = TrainingSlots(capacity=1), object(), threading.Event()
    assert slots.acquire(busy, never)
    jobs = press_start_together(table, slots, sessions=3)
    try:
        jobs[0].stop()
        assert jobs[0].join(30)
        deadline = time.monotonic() + 30
        while jobs[1].snapshot().queue_position != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [job.snapshot().queue_position for job in jobs[1:]] == [1, 2]
    finally:
        slots.release(busy)
    assert all(job.join(120) for job in jobs)
    assert jobs[0].result is None and jobs[0].snapshot().state == "stopped"
    assert [job.snapshot().state for job in jobs[1:]] == ["finished", "finished"]


def test_a_training_stopped_before_its_first_epoch_leaves_no_model(table):
    frame, schema = table
    job = TrainingJob(frame, schema, config_for("gan", epochs=100_000))
    job.stop()  # set before the run begins: it ends in its preparation
    job.start()
    assert job.join(60)
    snap = job.snapshot()
    assert snap.state == "stopped" and job.result is None
    assert snap.progress.message == NO_MODEL and snap.progress.step == 0


def test_a_waiting_training_expects_the_time_the_columns_page_gave(table):
    # The Columns page said "about 3 s" and a starting training "About 19 s left" (every epoch
    # of the preset counted, where the held-out loss ends the run after a few dozen).
    from synth_core.training.estimate import training_seconds
    from synth_core.training.presets import preset_config

    frame, schema = table
    quick = preset_config("quick")
    job = TrainingJob(frame, schema, quick)
    assert job.expected_seconds == pytest.approx(training_seconds(schema, len(frame), quick))
    assert job.expected_seconds < quick.max_seconds
