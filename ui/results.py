"""The Compare and Download steps' helpers: the generated table and its scores, kept in this
session's state (never in a cache shared by sessions), tested against the real rows kept aside
when training started (see ``ui.holdout``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from synth_core.errors import DataError, SynthError
from synth_core.evaluation.evaluate import STAGES, Evaluation, evaluate, usefulness_targets
from synth_core.evaluation.targets import default_target
from synth_core.handoff.facts import personal_data_sentence
from synth_core.privacy import dp
from synth_core.privacy.filters import RARE_BELOW, NearCopyFilter, near_copy_filter
from synth_core.reporting.report import html_report
from synth_core.rules import derived_columns
from synth_core.wording import copies_in_words, counted
from ui import flow, state
from ui.holdout import real_rows
from ui.state import LoadedTable, State
from ui.stoppable import progress_with_stop
from ui.text import plain

if TYPE_CHECKING:
    from synth_core.jobs import TrainingJob
    from synth_core.synthesizer import Synthesizer

logger = logging.getLogger(__name__)

MAX_ROWS = 500_000  # most rows made in the app; the command line streams any number to a file
MAKING_SHARE = 0.3  # of the scoring bar, for making the rows to score when none were made yet
EXCEL_MAX_ROWS = 1_048_575  # an Excel sheet's rows, less the header
SCORING_FAILED = (
    "Scoring the synthetic rows failed because of an internal error. Your model is kept: "
    "try again, or download the rows without the scores."
)


@dataclass(frozen=True)
class Generated:
    """Rows a model made, and how they were asked for."""

    frame: pd.DataFrame
    requested: int
    copies_removed: int  # rows identical to a rare real row, dropped
    condition: tuple[tuple[str, Any], ...] | None  # (column, value) pairs every row has, or None
    seed: int
    job_id: int  # ``id`` of the TrainingJob whose model made them
    near_copies_removed: int = 0  # rows dropped by the near-copy filter
    near_copy_rule: str | None = None  # the filter's rule in words; None: it could not run
    common_copies_kept: int = 0  # rows equal to a combination many real rows share, kept
    rules_kept: int = 0  # business rules every row obeys
    rule_rejected: int = 0  # generated rows that broke a rule after mending, dropped

    @property
    def rows(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class Scored:
    """The scores of one generated table."""

    evaluation: Evaluation
    generated: Generated
    target: str | None


# ------------------------------------------------------------------------------ generating
def generate(
    job: TrainingJob,
    rows: int,
    condition: tuple[tuple[str, Any], ...] | None = None,
    seed: int | None = None,
    store: State | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Generated:
    """Make ``rows`` rows with the job's model and keep them as the session's download;
    ``on_rows`` hears the rows made so far after each chunk.

    Raises ``DataError`` (a message for the person) when the rows cannot be made."""
    store = store if store is not None else _session()
    made = _make(job, rows, condition, seed, store, on_rows)
    store[state.SYNTHETIC] = made
    return made


def _make(
    job: TrainingJob,
    rows: int,
    condition: tuple[tuple[str, Any], ...] | None,
    seed: int | None,
    store: State,
    on_rows: Callable[[int], None] | None = None,
) -> Generated:
    synth = _model(job)
    seed = synth.config_.seed if seed is None else int(seed)
    conditions = dict(condition) if condition else None
    near = near_copies(job, store)
    result = synth.generate(int(rows), conditions, seed, near_copies=near, on_rows=on_rows)
    return Generated(
        result.frame,
        int(rows),
        result.copies_removed,
        condition,
        seed,
        id(job),
        result.near_copies_removed,
        near.describe() if near is not None else None,
        result.common_copies_kept,
        len(synth.rules_),
        result.rule_rejected,
    )


def near_copies(job: TrainingJob, store: State | None = None) -> NearCopyFilter | None:
    """The near-copy filter of this job's model: its threshold set once from the rows kept
    aside, its training points in this session only. None when too few rows were kept aside."""
    store = store if store is not None else _session()
    kept = store.get(state.NEAR_COPY_FILTER)
    if kept is not None and kept[0] == id(job):
        return kept[1]
    synth, table = _model(job), state.get_table(store)
    near = None
    if table is not None and state.trained_on_other_data(store) != "table":
        train, holdout = real_rows(table, store)
        columns = synth.columns
        try:
            near = near_copy_filter(
                train[columns],
                holdout[columns],
                [synth.schema_[name] for name in columns],
                seed=synth.config_.seed,
            )
        except DataError:
            near = None
    store[state.NEAR_COPY_FILTER] = (id(job), near)
    return near


def generated(job: TrainingJob | None, store: State | None = None) -> Generated | None:
    """The rows made last by this job's model, or None."""
    store = store if store is not None else _session()
    made = store.get(state.SYNTHETIC)
    return made if made is not None and job is not None and made.job_id == id(job) else None


def condition_columns(synth: Synthesizer) -> list[str]:
    """Columns the model can make rows for one chosen value of (empty if none)."""
    return [column for column in synth.columns if synth.condition_values(column)]


def filters_sentence(made: Generated) -> str:
    """What the filters removed from ``made``, in one or two sentences (after a "Filters:"
    label)."""
    words = copies_in_words(made.copies_removed, made.common_copies_kept, RARE_BELOW)
    if made.near_copy_rule is None:
        return words + "; the near-copy filter needs real rows kept aside, and there were too few."
    return words + f"; {made.near_copies_removed:,} near copies removed ({made.near_copy_rule})."


def rules_sentence(made: Generated) -> str:
    """The business rules the rows obey, and how many generated rows broke one, or nothing."""
    if not made.rules_kept:
        return ""
    rules = counted(made.rules_kept, "business rule")
    rejected = f"{counted(made.rule_rejected, 'generated row')} that broke one left out"
    return f" Every row obeys the {rules} kept; {rejected}."


def privacy_facts(job: TrainingJob, made: Generated) -> dict[str, str]:
    """The privacy panel's facts about how the rows were made: the guarantee (or its absence),
    the filters and the replaced personal-data columns."""
    synth = _model(job)
    facts = {
        "Differential privacy": dp.describe(getattr(synth, "privacy_", None)),
        "Filters": filters_sentence(made),
    }
    personal = personal_data_sentence(synth)
    if personal is not None:
        facts["Personal data and identifiers"] = personal
    return facts


# ------------------------------------------------------------------------------ scoring
def scores(job: TrainingJob | None, store: State | None = None) -> Scored | None:
    """The scores of this job's rows, if they were worked out and still apply."""
    store = store if store is not None else _session()
    done = store.get(state.EVALUATION)
    if done is None or job is None or done.generated.job_id != id(job):
        return None
    return done if done.target == usefulness_target(job, store) else None


def usefulness_target(job: TrainingJob, store: State | None = None) -> str | None:
    """The target picked on the Columns page (the one it would offer, when the page was never
    opened), when the model learned it and it can be predicted."""
    synth = _model(job)
    chosen = state.target_chosen(store)
    offered = default_target(synth.schema_, derived_columns(synth.rules_))
    target = state.get_target(store) if chosen else offered
    return target if target in usefulness_targets(synth.schema_) else None


def score(
    job: TrainingJob,
    table: LoadedTable,
    store: State | None = None,
    on_stage: Callable[[str, float], None] | None = None,
    on_rows: Callable[[int, int], None] | None = None,
) -> Scored:
    """Score the model's rows against the real ones (slow: seconds to half a minute).

    The rows offered for download are scored when they were made without a condition (so the
    report describes the file handed over); otherwise a fresh table as large as the real one
    is made first, and ``on_rows(made, rows)`` hears how far that is after each chunk."""
    store = store if store is not None else _session()
    synth = _model(job)
    made = _rows_to_score(job, store)
    if made is None:
        rows = min(table.rows, MAX_ROWS)
        heard = None if on_rows is None else (lambda done: on_rows(done, rows))
        made = _make(job, rows, None, None, store, heard)
        if generated(job, store) is None:
            store[state.SYNTHETIC] = made
    train, holdout = real_rows(table, store)
    columns = synth.columns
    target = usefulness_target(job, store)
    evaluation = evaluate(
        train[columns],
        made.frame[columns],
        synth.schema_,
        holdout=holdout[columns] if len(holdout) else None,
        target=target,
        seed=synth.config_.seed,
        on_stage=on_stage,
        rules=synth.rules_,
    )
    done = Scored(evaluation, made, target)
    store[state.EVALUATION] = done
    return done


def _rows_to_score(job: TrainingJob, store: State) -> Generated | None:
    """The rows offered for download, when they were made without a condition; None when
    fresh rows must be made to score."""
    made = generated(job, store)
    return made if made is not None and made.condition is None else None


def report(done: Scored, job: TrainingJob, table: LoadedTable) -> str:
    """The HTML report of ``done``: every score and chart, and how the model was trained."""
    synth = _model(job)
    settings = {
        "Table": table.name,
        "Rows in the table": table.rows,
        "Columns learned": ", ".join(synth.columns),
        "Rows generated": done.generated.rows,
        "Generation seed": done.generated.seed,
        **{_label(key): value for key, value in synth.config_.to_dict().items() if key != "extra"},
    }
    title = f"Synth Studio report: {table.name}"
    facts = privacy_facts(job, done.generated)
    training = job.snapshot().progress
    return html_report(
        done.evaluation, title=title, settings=settings, privacy_facts=facts, training=training
    )


# ------------------------------------------------------------------------------ page helpers
def ready_or_point_back(table: LoadedTable | None, job: TrainingJob | None, purpose: str) -> bool:
    """True when there is a table and a trained model; otherwise say what is missing and link
    to the step that provides it. ``purpose`` ends the sentence: "to compare its rows"."""
    if table is None:
        flow.point_back(
            "There is no table yet. Upload your table, or try the sample data, then train a "
            f"model {purpose}.",
            flow.UPLOAD,
        )
        return False
    if job is None or job.result is None:
        flow.point_back(
            "The model is still training: come back once it is done."
            if job is not None and job.active
            else f"There is no trained model yet. Train one, then come back {purpose}.",
            flow.TRAIN,
        )
        return False
    return True


def score_on_screen(job: TrainingJob, table: LoadedTable) -> Scored | None:
    """``score`` with a progress bar naming each stage and a Stop button (``ui.stoppable``); a
    failure is shown as a plain message (None returned).

    Each stage updates the bar, so Stop ends the scoring within a stage, and the next run
    remembers it (``scoring_stopped``) instead of starting again."""
    store = _session()
    store.pop(state.SCORING_STOPPED, None)

    def remember_stop() -> None:
        store[state.SCORING_STOPPED] = id(job)

    try:
        with progress_with_stop(
            "Scoring the synthetic rows against yours…",
            stop_key=state.STOP_SCORING_BUTTON,
            stop_label="Stop scoring",
            on_stop=remember_stop,
        ) as show:
            share = MAKING_SHARE if _rows_to_score(job, store) is None else 0.0

            def on_rows(made: int, rows: int) -> None:
                show(share * made / max(rows, 1), f"Making {rows:,} rows to score ({made:,} done)…")

            def on_stage(part: str, done: float) -> None:
                show(share + (1 - share) * done, f"{STAGES.get(part, 'Done')}…")

            return score(job, table, on_stage=on_stage, on_rows=on_rows)
    except SynthError as error:
        st.error(plain(error), icon=":material/error:")
    except Exception as error:  # a bug: never show a traceback, never log cell values
        logger.error("scoring failed: %s", type(error).__name__)
        st.error(SCORING_FAILED, icon=":material/error:")
    return None


def scoring_stopped(job: TrainingJob, store: State | None = None) -> bool:
    """True when the person stopped the scoring of this job's rows and has not asked again."""
    store = store if store is not None else _session()
    return store.get(state.SCORING_STOPPED) == id(job)


# ------------------------------------------------------------------------------ file names
def file_stem(table: LoadedTable) -> str:
    """A safe base for download names: 'adult.csv' -> 'adult'."""
    stem = re.sub(r"\.(csv|tsv|txt|xlsx|gz)$", "", table.name, flags=re.IGNORECASE)
    stem = re.sub(r"\.(csv|tsv|txt)$", "", stem, flags=re.IGNORECASE)
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("_")
    return stem or "table"


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _model(job: TrainingJob) -> Synthesizer:
    synth = job.result
    if synth is None:
        raise DataError("There is no trained model yet. Train one on the Train page first.")
    return synth


def _session() -> State:
    return st.session_state
