"""The Train step's helpers: settings turned into a config, the shared training queue, the
session watch that stops an orphaned training, and the sidebar's training status.

The training itself runs in ``synth_core.jobs.TrainingJob``'s own thread, which never calls
Streamlit; the app only reads ``job.snapshot()``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from synth_core.backends.base import Backend, FitSpec
from synth_core.backends.choice import backend_for
from synth_core.config import TrainingConfig
from synth_core.errors import SynthError, TrainingError
from synth_core.jobs import JobSnapshot, TrainingJob, TrainingSlots
from synth_core.models.variants import VARIANTS, dp_titles, validated
from synth_core.privacy.dp import EPSILONS
from synth_core.schema import DISCRETE_KINDS, Schema
from synth_core.training.device import describe_device, resolve_device
from synth_core.training.estimate import time_limit
from synth_core.training.presets import preset_config
from synth_core.training.progress import RunState
from synth_core.training.rows import rows_learned
from synth_core.wording import counted, duration
from ui import rules, state
from ui.holdout import split_for_training
from ui.state import LoadedTable, State

logger = logging.getLogger(__name__)

MAX_TRAININGS_ENV = "SYNTH_MAX_TRAININGS"
#: A session that lost its connection for longer than this is taken as gone, and its training
#: stops. Shorter drops (a network hiccup, a laptop lid closed briefly) are reconnected by
#: Streamlit, so they must not end a long run.
GRACE_SECONDS = 30.0
POLL_SECONDS = 1.0  # how often the live views redraw while a training is active

DEVICE_LABELS = {
    "auto": "Automatic (a GPU when there is one)",
    "cpu": "CPU",
    "cuda": "NVIDIA GPU (CUDA)",
    "mps": "Apple GPU (MPS)",
}


# ------------------------------------------------------------------------------ the shared queue
@st.cache_resource
def training_slots() -> TrainingSlots:
    """The one queue of trainings shared by every session of this server.

    At most ``SYNTH_MAX_TRAININGS`` trainings (1 unless set) run at once; the others wait their
    turn. This is the only object the sessions share: never a table or a model.
    """
    raw = os.environ.get(MAX_TRAININGS_ENV, "1")
    try:
        capacity = max(1, int(raw))
    except ValueError:
        logger.warning(
            "%s=%r is not a whole number; one training at a time", MAX_TRAININGS_ENV, raw
        )
        capacity = 1
    return TrainingSlots(capacity)


def session_keep_alive() -> Callable[[], bool]:
    """A check, safe to call from any thread, that this browser session is still there.

    Without a Streamlit server (tests, bare scripts) there is nothing to watch: always True.
    """
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return lambda: True
    session_id, server = ctx.session_id, runtime.get_instance()
    last_seen = time.monotonic()

    def alive() -> bool:
        nonlocal last_seen
        if server.is_active_session(session_id):
            last_seen = time.monotonic()
            return True
        return time.monotonic() - last_seen < GRACE_SECONDS

    return alive


def training_backend() -> Backend:
    """Where trainings run (``SYNTH_BACKEND``: this server's threads unless set to ray),
    behind this server's queue. Raises ``SynthError`` when the choice cannot be used."""
    return backend_for(slots=training_slots())


def start_training(
    table: LoadedTable, schema: Schema, config: TrainingConfig, store: State | None = None
) -> TrainingJob:
    """Start training on ``table`` in the background and make it this session's job.

    A fifth of the rows is kept aside first (see ``ui.holdout``): the model never sees them."""
    train = split_for_training(table.frame, schema, config.seed, store)
    # Finding rules reads the rows outside a differential-privacy guarantee: none then.
    kept = [] if config.dp_epsilon is not None else rules.kept(table, schema, store)
    spec = FitSpec(
        train, schema, config, keep_alive=session_keep_alive(), rules=kept, real=table.frame
    )
    job = training_backend().submit_fit(spec)
    state.set_job(job, schema, store)
    return job


# ------------------------------------------------------------------------------ settings
def time_limit_for(
    table: LoadedTable | None, schema: Schema | None, config: TrainingConfig
) -> float | None:
    """The time limit a training with ``config`` gets on the loaded table: the preset's, or
    longer on a wide table (``synth_core.training.estimate.time_limit``)."""
    if table is None or schema is None or not schema.included:
        return config.max_seconds
    return time_limit(schema, rows_learned(table.rows, config), config)


def variant_label(name: str) -> str:
    """The model type's title, with "(recommended)" for the one the presets train."""
    title = VARIANTS[name].title
    if VARIANTS[name].recommended and "recommended" not in title.lower():
        title += " (recommended)"
    return title


def condition_options(schema: Schema) -> list[str]:
    """Columns the conditional GAN can generate rows for: included categories and yes/no."""
    return [column.name for column in schema.included if column.kind in DISCRETE_KINDS]


def follow_preset(preset: str, variant: str, store: State | None = None) -> None:
    """Fill the Advanced settings from ``preset`` for the model type ``variant``; call before
    drawing them.

    A setting the person left at the earlier preset's (or model type's) value follows the new
    one; one they changed keeps their value.
    """
    store = store if store is not None else st.session_state
    earlier, now = store.get(state.ADVANCED_FOR), [preset, variant]
    if earlier == now and all(key in store for key in state.ADVANCED_WIDGETS.values()):
        return
    before = _advanced_source(earlier)
    after = preset_config(preset, variant=variant)
    for field, key in state.ADVANCED_WIDGETS.items():
        if key not in store or (before is not None and store[key] == getattr(before, field)):
            store[key] = getattr(after, field)
    store[state.ADVANCED_FOR] = now


def _advanced_source(earlier) -> TrainingConfig | None:
    """The config the Advanced settings were filled from: (preset, model type)."""
    if not isinstance(earlier, list | tuple) or len(earlier) != 2:
        return None
    preset, variant = earlier
    try:
        return preset_config(preset, variant=variant)
    except TrainingError:
        return None


DP_OFF = "off"
#: The Train page's privacy choices: "off" and the target ε values, weakest first.
DP_CHOICES = (DP_OFF, *(f"{epsilon:g}" for epsilon in EPSILONS))
DP_EXPLAINED = (
    "Differential privacy limits what the model can learn about any one row: a formal "
    "guarantee (smaller ε is stronger) paid for in quality, most at ε 1. It covers the trained "
    "model and every row made from it, including the number ranges and category lists; not "
    "the column names and formats, nor the filters applied after generating."
)


DP_ELSEWHERE = (
    "Differential privacy (a formal limit on what the model can learn about any one row) is "
    f"available with the {dp_titles()} model "
    "types."
)


def dp_drops_rules(count: int) -> str:
    """Why the business rules kept are not used with differential privacy."""
    return (
        f"With differential privacy, the {counted(count, 'business rule')} you kept "
        f"{'is' if count == 1 else 'are'} not used: finding and mending rules reads your rows "
        "outside the privacy guarantee, so the synthetic rows may break them. Turn differential "
        "privacy off to keep them."
    )


def dp_label(choice: str) -> str:
    """Words for a privacy choice."""
    return "Off" if choice == DP_OFF else f"ε = {choice}"


def dp_epsilon(choice: str | None) -> float | None:
    """The target ε of a privacy choice (None when off)."""
    return None if choice in (None, DP_OFF) else float(choice)


def build_config(
    preset: str,
    variant: str,
    condition_column: str | None,
    store: State | None = None,
    epsilon: float | None = None,
) -> TrainingConfig:
    """The checked config: the preset's, with the model type, the privacy budget ``epsilon``
    (ctgan and wgan-gp only) and the Advanced settings that differ from the preset on top.
    Raises ``TrainingError`` with a plain message."""
    store = store if store is not None else st.session_state
    base = preset_config(preset, variant=variant)
    changed = {
        field: store[key]
        for field, key in state.ADVANCED_WIDGETS.items()
        if key in store and store[key] != getattr(base, field)
    }
    condition = condition_column if VARIANTS[variant].needs_condition_column else None
    epsilon = epsilon if VARIANTS[variant].supports_dp else None
    return validated(
        preset_config(
            preset, variant=variant, condition_column=condition, dp_epsilon=epsilon, **changed
        )
    )


def device_words(choice: str) -> tuple[str | None, str | None]:
    """(what trains, in words; None) for an available device, else (None, why not). On a Ray
    backend: the cluster and what it has free."""
    try:
        backend = training_backend()
        if backend.name != "embedded":
            return backend.describe(), None
        return describe_device(resolve_device(choice)), None
    except SynthError as error:
        return None, str(error)


# ------------------------------------------------------------------------------ words
def epochs_done_words(progress, stops_early: bool) -> str:
    """'16 epochs done: the model stopped improving', or '300 of 300 epochs done'; a run that
    finished before its last epoch says why (its time limit, or its validation loss)."""
    if progress.state == RunState.STOPPED and progress.epoch == 0 and progress.step:
        return f"stopped within the first epoch, after {counted(progress.step, 'training step')}"
    if progress.epoch >= progress.total_epochs or progress.state != RunState.FINISHED:
        return f"{progress.epoch} of {progress.total_epochs} epochs done"
    done = f"{progress.epoch} epoch{'' if progress.epoch == 1 else 's'} done"
    if progress.time_limit and progress.elapsed >= progress.time_limit:
        return f"{done}: the preset's time limit of {duration(progress.time_limit)} was reached"
    if stops_early:
        return f"{done}: the model stopped improving on rows it never trains on"
    return done


def stopping_words(progress, patience: int) -> str:
    """Where a run that ends on its validation loss stands: the epoch with the lowest loss so
    far, and how many more without a better one end it."""
    # Each finished epoch's mean holds the loss measured after the epoch before it.
    losses = progress.epochs.get("validation_loss", ())[1:]
    if not losses:
        return "ends once the model stops improving on rows it never trains on"
    best = min(range(len(losses)), key=losses.__getitem__) + 1
    more = max(patience - (len(losses) - best), 1)
    return (
        f"best so far: epoch {best}; ends after {more} more without a better one "
        "(on rows it never trains on)"
    )


def time_left_words(seconds: float | None) -> str:
    """'about 1 min 20 s left', 'almost done', or 'working out the time left'."""
    if seconds is None:
        return "working out the time left"
    if seconds < 1:
        return "almost done"
    return f"about {duration(seconds)} left"


def queue_words(place: int | None, wait: float | None) -> str:
    """What a waiting session reads: its place in line and about how long until it starts."""
    if not place:
        return "Starting…"
    words = f"Waiting for other trainings to finish: you are number {place} in line"
    return f"{words}, about {duration(wait)} to wait." if wait is not None else f"{words}."


def status_line(snapshot: JobSnapshot) -> str:
    """One line on a training for the sidebar, such as 'Training: 45 %'."""
    if snapshot.state == RunState.QUEUED:
        place = snapshot.queue_position
        return f"Training: waiting, number {place} in line" if place else "Training: starting"
    if snapshot.done:
        return {
            RunState.FINISHED: "Model trained",
            RunState.STOPPED: "Training stopped",
            RunState.FAILED: "Training failed",
        }.get(snapshot.state, "Training ended")
    if snapshot.progress.state == RunState.PENDING:
        return "Training: getting ready"
    return f"Training: {snapshot.progress.fraction * 100:.0f} %"


# ------------------------------------------------------------------------------ sidebar
def sidebar_status() -> None:
    """The sidebar's line about this session's training, redrawn every second while it runs."""
    job = state.get_job()
    if job is None:
        return
    if job.active:
        st.fragment(run_every=POLL_SECONDS)(_live_status)()
    elif state.trained_on_other_data() == "table":
        st.caption(f"{status_line(job.snapshot())} on a table loaded earlier")
    else:
        st.caption(status_line(job.snapshot()))


def _live_status() -> None:
    job = state.get_job()
    snapshot = job.snapshot() if job is not None else None
    if snapshot is None or snapshot.done:
        st.rerun()  # a full run draws the final state and stops this polling
    st.caption(status_line(snapshot))
