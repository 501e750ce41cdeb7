"""Step 3: train a model on the chosen columns, and watch it learn."""

from __future__ import annotations

import streamlit as st

from synth_core.config import DEVICES, TrainingConfig
from synth_core.errors import SynthError, TrainingError
from synth_core.evaluation.targets import default_target
from synth_core.jobs import TrainingJob
from synth_core.models.variants import VARIANTS
from synth_core.reporting.plots import accuracy_figure, fidelity_figure, loss_figure
from synth_core.rules import RuleKind
from synth_core.training.device import describe_device
from synth_core.training.presets import DEFAULT_PRESET, PRESETS, RECOMMENDED_VARIANT, preset_config
from synth_core.training.progress import ProgressSnapshot, RunState
from synth_core.wording import duration
from ui import columns_table, flow, rules, state, training
from ui.text import plain

PREVIEW_ROWS = 10
LOSS_EXPLAINED = (
    "Two networks learn against each other: the generator writes rows, the discriminator tries "
    "to tell them from yours. In a good run both lines jump about at first, then settle into a "
    "steady band; lines that keep drifting apart or swing wildly mean the run is unstable."
)
ACCURACY_EXPLAINED = (
    "How often the discriminator is right, checked every few steps on real rows it never "
    "learns from and on fresh synthetic rows. At 50 % the discriminator is guessing: the "
    "synthetic rows look real to it, which is the goal. Stuck near 100 %, it wins too easily "
    "and the generator stops learning."
)
# A likelihood model (no critic) charts its own loss and a probe classifier instead.
LIKELIHOOD_EXPLAINED = (
    "How unlikely the model finds rows (negative log-likelihood): on the rows it learns from, "
    "and on rows held out from learning. Both fall as it learns; when the held-out line stops "
    "falling, training ends and the model of the best epoch is kept. With Best quality several "
    "networks learn side by side: the held-out line measures them together, which is why it "
    "can lie below the other."
)
PROBE_EXPLAINED = (
    "How often a small classifier, trained afresh every few hundred steps, tells real rows it "
    "never saw from fresh synthetic rows. This model has no discriminator: the probe measures "
    "what one would see. At 50 % it is guessing: the synthetic rows look real, the goal."
)
PROBE_TITLE = "Real-or-synthetic probe accuracy"
QUALITY_EXPLAINED = (
    "How closely each synthetic column matches yours (100 % would be identical), checked every "
    "few epochs. In a good run it climbs, then levels off; the star marks the best check, and "
    "the model from that epoch is the one kept."
)

st.title("Train a model")
st.write(
    "A model reads your table over and over (each pass over your table is an epoch) and learns "
    "to write new rows like yours."
)

table, schema = state.get_table(), state.get_schema()
job = state.get_job()
active = job is not None and job.active


def controls(ready: bool) -> bool:
    """The Start and Stop buttons; True when Start was clicked (and may start)."""
    start_column, stop_column, _ = st.columns([1, 1, 3])
    start = start_column.button(
        "Start training",
        key=state.START_BUTTON,
        type="primary",
        icon=":material/play_arrow:",
        disabled=active or not ready,
        width="stretch",
    )
    stop = stop_column.button(
        "Stop", key=state.STOP_BUTTON, icon=":material/stop:", disabled=not active, width="stretch"
    )
    if job is not None and not active and job.result is not None:
        st.caption("Starting again replaces the model trained before.")
    if stop and job is not None:
        job.stop()
        st.toast("Stopping after the current training step…", icon=":material/stop:")
    return start and ready and not active


def settings() -> tuple[TrainingConfig | None, bool]:
    """Draw the settings; (the checked config or None, whether the device can be used)."""
    state.keep_widgets(state.TRAIN_WIDGETS)
    variant = model_type()
    epsilon = privacy(variant)
    condition, blocked = condition_column(variant)
    preset = preset_choice(variant)
    training.follow_preset(preset, variant)
    with st.expander("Advanced"):
        advanced(preset, variant)
    config = checked_config(preset, variant, condition, epsilon, show_error=not blocked)
    return config, device_line()


def model_type() -> str:
    """The model type picker and its description; the type chosen."""
    if st.session_state.get(state.VARIANT_WIDGET) not in VARIANTS:
        st.session_state[state.VARIANT_WIDGET] = RECOMMENDED_VARIANT
    variant = st.selectbox(
        "Model type",
        list(VARIANTS),
        key=state.VARIANT_WIDGET,
        format_func=training.variant_label,
        disabled=active,
    )
    st.caption(VARIANTS[variant].description)
    return variant


def privacy(variant: str) -> float | None:
    """The differential privacy choice for model types that offer it; the target ε or None."""
    if not VARIANTS[variant].supports_dp:
        st.caption(training.DP_ELSEWHERE)
        return None
    if st.session_state.get(state.DP_WIDGET) not in training.DP_CHOICES:
        st.session_state[state.DP_WIDGET] = training.DP_OFF
    choice = st.radio(
        "Differential privacy",
        training.DP_CHOICES,
        key=state.DP_WIDGET,
        format_func=training.dp_label,
        horizontal=True,
        disabled=active,
    )
    st.caption(training.DP_EXPLAINED)
    epsilon = training.dp_epsilon(choice)
    # Ranges are kept all the same: the private bounds of the numbers stand in for them.
    kept = rules.kept(table, schema) if epsilon is not None else []
    kept = [rule for rule in kept if rule.kind != RuleKind.RANGE]
    if kept:
        st.warning(training.dp_drops_rules(len(kept)), icon=":material/rule:")
    return epsilon


def condition_column(variant: str) -> tuple[str | None, bool]:
    """The conditional GAN's column to learn rows for: (the column or None, whether the
    conditional GAN is blocked because no column can be one)."""
    if not VARIANTS[variant].needs_condition_column:
        return None, False
    options = training.condition_options(schema)
    if not options:
        st.warning(
            "The conditional GAN learns rows for each value of a column of categories or "
            "yes/no values, and none is included. Include one on the Columns page, or "
            "choose another model type.",
            icon=":material/warning:",
        )
        return None, True
    if st.session_state.get(state.CONDITION_WIDGET) not in options:
        target = state.get_target()
        default = target if target in options else default_target(schema)
        st.session_state[state.CONDITION_WIDGET] = default if default in options else options[0]
    condition = st.selectbox(
        "Column to learn rows for",
        options,
        key=state.CONDITION_WIDGET,
        disabled=active,
        help=(
            "The model learns rows for each value of this column (such as a label), "
            "so that you can later ask for rows with one chosen value."
        ),
    )
    return condition, False


def preset_choice(variant: str) -> str:
    """How long to train: the preset picker, each preset with its time for the loaded table and
    the chosen model type; the preset chosen."""
    if st.session_state.get(state.PRESET_WIDGET) not in PRESETS:
        st.session_state[state.PRESET_WIDGET] = DEFAULT_PRESET
    return st.radio(
        "How long to train",
        list(PRESETS),
        key=state.PRESET_WIDGET,
        format_func=lambda name: PRESETS[name].title,
        captions=[
            f"{PRESETS[name].description} This table: about "
            f"{duration(columns_table.preset_seconds(schema, table.rows, name, variant))}."
            for name in PRESETS
        ],
        horizontal=True,
        disabled=active,
    )


def advanced(preset: str, variant: str) -> None:
    """The Advanced settings, filled from the preset (see ``training.follow_preset``)."""
    st.caption("These start from the preset above; a value you change replaces the preset's.")
    left, right = st.columns(2)
    left.number_input(
        "Epochs",
        min_value=1,
        step=10,
        key=state.EPOCHS_WIDGET,
        disabled=active,
        help="Passes over your table. More passes learn more, and take longer.",
    )
    right.number_input(
        "Batch size",
        min_value=2,
        step=50,
        key=state.BATCH_SIZE_WIDGET,
        disabled=active,
        help="Rows the model looks at in one training step.",
    )
    learning_rates(left, right)
    left.number_input(
        "Seed",
        min_value=0,
        step=1,
        key=state.SEED_WIDGET,
        disabled=active,
        help="The same seed, settings and table give the same model again (on the CPU).",
    )
    right.selectbox(
        "Device",
        DEVICES,
        key=state.DEVICE_WIDGET,
        format_func=lambda name: training.DEVICE_LABELS.get(name, name),
        disabled=active,
    )
    limit = training.time_limit_for(table, schema, preset_config(preset, variant=variant))
    if limit:
        st.caption(
            f"{PRESETS[preset].title} stops after {duration(limit)} of "
            "training, whatever the number of epochs."
        )


def learning_rates(left, right) -> None:
    """The generator's and the discriminator's learning rates, side by side."""
    left.number_input(
        "Generator learning rate",
        min_value=0.0,
        step=0.0001,
        format="%.5f",
        key=state.GENERATOR_LR_WIDGET,
        disabled=active,
        help="How big a change the generator (which writes rows) makes at each step. "
        "Lower it if training becomes unstable.",
    )
    right.number_input(
        "Discriminator learning rate",
        min_value=0.0,
        step=0.0001,
        format="%.5f",
        key=state.DISCRIMINATOR_LR_WIDGET,
        disabled=active,
        help="How big a change the discriminator (which tells your rows from written "
        "ones) makes at each step.",
    )


def checked_config(
    preset: str, variant: str, condition: str | None, epsilon: float | None, show_error: bool
) -> TrainingConfig | None:
    """The config the settings give, or None (with the reason shown when ``show_error``)."""
    try:
        return training.build_config(preset, variant, condition, epsilon=epsilon)
    except TrainingError as error:
        if show_error:
            st.error(plain(error), icon=":material/error:")
        return None


def device_line() -> bool:
    """What the chosen device trains on, or why it cannot be used; whether it can."""
    words, problem = training.device_words(st.session_state[state.DEVICE_WIDGET])
    if problem:
        st.error(problem, icon=":material/error:")
    else:
        st.caption(f"Trains on: {words}")
    return problem is None


def early_stopping(current: TrainingJob) -> bool:
    likelihood = VARIANTS[current.config.variant].objective == "likelihood"
    return likelihood and current.config.validation_patience > 0


def progress_view(current: TrainingJob, progress: ProgressSnapshot) -> None:
    """Where a started run stands: progress bar, speed, charts and notes."""
    if progress.state == RunState.PENDING:
        st.progress(0.0, text="Getting your table ready…")
        return
    fraction, left = progress.fraction, progress.eta
    if progress.done:
        fraction = 1.0 if progress.state == RunState.FINISHED else fraction
        text = training.epochs_done_words(progress, early_stopping(current))
    elif progress.time_limit:  # a time-limited run ends on the clock, not at its last epoch
        words = training.time_left_words(left)
        text = words[0].upper() + words[1:]
    elif early_stopping(current):  # ends on its validation loss, long before its last epoch
        epoch = min(progress.epoch + 1, progress.total_epochs)
        patience = current.config.validation_patience
        text = f"Epoch {epoch} · {training.stopping_words(progress, patience)}"
    else:
        epoch = min(progress.epoch + 1, progress.total_epochs)
        text = f"Epoch {epoch} of {progress.total_epochs} · {training.time_left_words(left)}"
    st.progress(fraction, text=text)
    st.caption(
        f"{progress.rows_per_second:,.0f} rows a second on {describe_device(progress.device)}"
    )
    for warning in progress.warnings:  # what looks wrong, from the metrics, with what to do
        text = f"**{warning.title}.** {plain(warning.sentence)}"
        if not (progress.done and warning.level == "info"):  # "you can stop now", once ended
            text += f" {plain(warning.advice)}"
        if warning.level == "info":
            st.info(text, icon=":material/info:")
        else:
            st.warning(text, icon=":material/warning:")
    likelihood = VARIANTS[current.config.variant].objective == "likelihood"
    loss_column, accuracy_column = st.columns(2)
    with loss_column:
        st.plotly_chart(loss_figure(progress), key="loss_chart")
        st.caption(LIKELIHOOD_EXPLAINED if likelihood else LOSS_EXPLAINED)
    with accuracy_column:
        if likelihood:
            st.plotly_chart(accuracy_figure(progress, PROBE_TITLE), key="accuracy_chart")
            st.caption(PROBE_EXPLAINED)
        else:
            st.plotly_chart(accuracy_figure(progress), key="accuracy_chart")
            st.caption(ACCURACY_EXPLAINED)
    quality = fidelity_figure(progress)
    quality_column, _ = st.columns(2)
    with quality_column:
        if quality is not None:
            st.plotly_chart(quality, key="quality_chart")
            st.caption(QUALITY_EXPLAINED)
        elif current.config.eval_every and not progress.done:
            st.caption("A quality estimate appears here after the first few epochs.")
    if progress.notes:
        st.markdown("\n".join(f"- {plain(note)}" for note in progress.notes))


def live_view() -> None:
    """Redrawn every second while the training waits or runs; reads only the job's snapshot."""
    current = state.get_job()
    snapshot = current.snapshot() if current is not None else None
    if snapshot is None or snapshot.done:
        st.rerun()  # a full run draws the outcome and ends this polling
    if snapshot.state == RunState.QUEUED:
        place = snapshot.queue_position
        st.info(
            training.queue_words(place, snapshot.expected_wait), icon=":material/hourglass_top:"
        )
        return
    progress_view(current, snapshot.progress)


def outcome(done: TrainingJob) -> None:
    """How a training ended, and what to do next."""
    snapshot = done.snapshot()
    progress = snapshot.progress
    if snapshot.state == RunState.FINISHED:
        st.success(
            f"Training finished in {duration(progress.elapsed)}.",
            icon=":material/check_circle:",
        )
    elif snapshot.state == RunState.FAILED:
        st.error(plain(snapshot.error), icon=":material/error:")
        st.caption("Your settings are kept: change them if needed and start again.")
    elif done.result is None:
        st.warning(
            "Training stopped before the model learned anything, so there is no model. "
            "Start again when you are ready.",
            icon=":material/stop_circle:",
        )
    else:
        st.warning(
            f"Training stopped after {progress.epoch} of {progress.total_epochs} epochs. "
            "The model learned so far can still be used, or you can start again.",
            icon=":material/stop_circle:",
        )
    if progress.step:
        progress_view(done, progress)
    if done.result is None:
        return

    following = flow.next_step(flow.TRAIN)
    if following is not None:
        st.page_link(
            following.path, label=f"Next: {following.invite}", icon=":material/arrow_forward:"
        )
    if st.button("Generate a preview", key=state.PREVIEW_BUTTON, icon=":material/visibility:"):
        try:
            state.set_preview(done.result.sample(PREVIEW_ROWS))
        except SynthError as error:
            st.error(plain(error), icon=":material/error:")
    rows = state.get_preview()
    if rows is not None:
        st.caption(
            f"{len(rows)} made-up rows written by the model. A row identical to one of yours "
            "is never shown."
        )
        st.dataframe(rows, hide_index=True)


if table is None or schema is None:
    flow.point_back(
        "There is no table yet. Upload your table, or try the sample data, and come back here "
        "to train a model on it.",
        flow.UPLOAD,
    )
elif not schema.included:
    flow.point_back(
        "No column is chosen, so there is nothing to learn. Tick Include for at least one "
        "column on the Columns page.",
        flow.COLUMNS,
    )
    if active:
        controls(ready=False)
else:
    config, device_ok = settings()
    if controls(ready=config is not None and device_ok):
        training.start_training(table, schema, config)
        st.rerun()

if job is not None:
    st.divider()
    changed = state.trained_on_other_data()
    if changed:
        earlier = "a table loaded earlier" if changed == "table" else "an earlier choice of columns"
        now = "the table loaded now" if changed == "table" else "the columns chosen now"
        st.caption(
            f"This model {'is learning' if active else 'was trained on'} {earlier}. "
            f"Start a new training to learn {now}.",
        )
    if active:
        st.fragment(run_every=training.POLL_SECONDS)(live_view)()
    else:
        outcome(job)
