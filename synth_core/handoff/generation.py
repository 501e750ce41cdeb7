"""Rows made for a handoff, exactly as ``python -m synth_core sample`` makes them, and what the
filters removed on the way.

The CSV is written chunk by chunk through ``tables.write_csv`` with the same chunks, styles and
filters as ``sample``: the same model file, rows, seed and conditions give the same bytes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from synth_core.errors import DataError
from synth_core.privacy.filters import NearCopyFilter, near_copy_filter
from synth_core.synthesizer import Synthesizer
from synth_core.tables import write_csv
from synth_core.tables.split import holdout_split


@dataclass(frozen=True)
class Generation:
    """How the synthetic rows were asked for, and what each filter removed."""

    requested: int
    rows: int
    seed: int
    conditions: dict[str, Any] = field(default_factory=dict)
    copies_removed: int = 0  # rows equal to a combination fewer than k training rows share
    common_copies_kept: int = 0  # rows equal to a combination k or more training rows share
    near_copies_removed: int | None = None  # None: the near-copy filter was not applied
    near_copy_rule: str | None = None  # the filter's rule in words
    # Whether ``sample`` with these settings gives the same bytes: not for the app's rows when
    # its near-copy filter was set from the rows the app held out (a split of its own).
    same_as_sample: bool = True


@dataclass(frozen=True)
class RealRows:
    """The real table split as ``fit`` split it: the rows the model learned and those held out."""

    train: pd.DataFrame
    holdout: pd.DataFrame


@dataclass(frozen=True)
class Made:
    """Generated rows: the CSV's bytes, the table (for .xlsx and the scores) and the record."""

    csv: bytes
    frame: pd.DataFrame
    generation: Generation


def real_rows(synth: Synthesizer, frame: pd.DataFrame) -> RealRows:
    """``frame`` (the table given to ``fit``) split again with fit's default share and the
    model's seed; refused when the rows learned do not match the model's count."""
    absent = [name for name in synth.columns if name not in frame.columns]
    if absent:
        raise DataError(
            f"The real table lacks {', '.join(repr(n) for n in absent)}, which the model learned. "
            "Give the table the model was trained on."
        )
    if len(frame) == synth.training_rows_:  # trained with no rows held out
        return RealRows(frame.reset_index(drop=True), frame.iloc[:0])
    train, holdout = holdout_split(frame, seed=synth.config_.seed)
    if len(train) != synth.training_rows_:
        raise DataError(
            f"The model learned {synth.training_rows_:,} rows, but this table has {len(frame):,} "
            f"({len(train):,} once a fifth is held out as fit does). Give the table the model "
            "was trained on."
        )
    return RealRows(train, holdout)


def near_copies_for(synth: Synthesizer, real: RealRows | None) -> NearCopyFilter | None:
    """The near-copy filter set from the held-out rows, or None without enough of them. Set
    exactly as ``sample --near-copy-filter`` sets it, so that the manifest's command gives the
    same rows again."""
    if real is None or not len(real.holdout):
        return None
    infos = [synth.schema_[name] for name in synth.columns]
    try:
        return near_copy_filter(real.train[synth.columns], real.holdout[synth.columns], infos)
    except DataError:
        return None


def generate(
    synth: Synthesizer,
    rows: int,
    seed: int | None = None,
    conditions: dict[str, Any] | None = None,
    near_copies: NearCopyFilter | None = None,
) -> Made:
    """``rows`` synthetic rows written as ``sample`` writes them, with copies removed."""
    if rows < 1:
        raise DataError("A handoff needs at least 1 row: ask for more rows.")
    seed = synth.config_.seed if seed is None else int(seed)
    chunks = list(synth.iter_chunks(rows, conditions or None, seed, True, near_copies=near_copies))
    with tempfile.TemporaryDirectory(prefix="synth-handoff-") as folder:
        path = Path(folder) / "synthetic.csv"
        write_csv((c.frame for c in chunks), path, synth.schema_.written_as)
        csv = path.read_bytes()
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    generation = Generation(
        requested=rows,
        rows=len(frame),
        seed=seed,
        conditions=dict(conditions or {}),
        copies_removed=sum(c.copies_removed for c in chunks),
        common_copies_kept=sum(c.common_copies_kept for c in chunks),
        near_copies_removed=(
            sum(c.near_copies_removed for c in chunks) if near_copies is not None else None
        ),
        near_copy_rule=near_copies.describe() if near_copies is not None else None,
    )
    return Made(csv, frame, generation)
