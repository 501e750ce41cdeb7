"""The central object: a fitted synthesizer (schema + transform + generator + config).

``Synthesizer(config).fit(frame, schema)`` trains; ``sample(n)`` generates a table; ``save`` and
``Synthesizer.load`` use the safe ``.synth`` model file. The app's background job and the command
line both go through this class.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synth_core import modelfile
from synth_core.config import TrainingConfig
from synth_core.encoding.transform import TableTransform
from synth_core.errors import DataError, SchemaError, check_stop
from synth_core.models import variants
from synth_core.models.build import generate_frame
from synth_core.models.variants import Variant
from synth_core.parts import ModelParts
from synth_core.privacy.filters import CopyRule, NearCopyFilter
from synth_core.privacy.plan import plan_privacy
from synth_core.schema import DISCRETE_KINDS, Schema, infer_schema
from synth_core.tables.hashing import row_hashes
from synth_core.training.calibration import calibrate_categories
from synth_core.training.device import denormals_flushed
from synth_core.training.progress import RunState, TrainingProgress
from synth_core.training.run import train_model

CHUNK_ROWS = 50_000  # rows generated at a time: bounds memory for any requested size
MAX_EMPTY_ROUNDS = 50  # chunks in a row with no usable row before giving up


@dataclass(frozen=True)
class SampleResult:
    """A generated table and what was done to it on the way."""

    frame: pd.DataFrame
    copies_removed: int  # generated rows identical to a rare training row, dropped
    near_copies_removed: int = 0  # rows dropped by the near-copy filter
    common_copies_kept: int = 0  # rows equal to a combination many training rows share


class Synthesizer:
    """Learns a table with a GAN variant and generates new rows like it."""

    def __init__(self, config: TrainingConfig | None = None):
        self.config = config or TrainingConfig()

    # ------------------------------------------------------------------------------- fit
    def fit(
        self,
        frame: pd.DataFrame,
        schema: Schema | None = None,
        *,
        progress: TrainingProgress | None = None,
        stop: threading.Event | None = None,
        dp_bounds: dict[str, tuple[float, float]] | None = None,
        dp_categories: dict[str, list[Any]] | None = None,
    ) -> Synthesizer:
        """Train on ``frame`` (its included columns). ``progress`` and ``stop`` let another thread
        watch the run and end it: a run stopped after its first epoch keeps what it learned so
        far; one stopped earlier (while the table is prepared, or in the first epoch) raises
        ``Stopped`` and makes no model.

        With ``config.dp_epsilon`` the run is differentially private (``synth_core.privacy.dp``);
        ``dp_bounds`` ({column: (low, high)}) and ``dp_categories`` ({column: values}) declare
        public ranges and category lists, which then cost no budget."""
        # Flushed from the start: the first parallel computation of this thread (before
        # training itself) creates the worker threads, and they copy the setting then.
        with denormals_flushed():
            return self._fit(frame, schema, progress, stop, dp_bounds, dp_categories)

    def _fit(self, frame, schema, progress, stop, dp_bounds, dp_categories) -> Synthesizer:
        variant = variants.get(self.config.variant)
        config = variants.validated(variant.sized(self.config, len(frame)))
        check_stop(stop)
        schema = schema or infer_schema(frame)
        self.progress_ = progress or TrainingProgress()
        _check_condition_column(schema, config, variant)
        check_stop(stop)
        plan = plan_privacy(frame, schema, config, dp_bounds, dp_categories)
        transform = TableTransform(seed=config.seed)
        self.progress_.set_stage(
            f"preparing: fitting the encoding of {len(schema.included)} columns"
        )
        transform.fit(frame, schema, domain=plan.domain, stop=stop)
        trained = train_model(frame, transform, variant, plan, self.progress_, stop)
        if variant.objective != "likelihood":
            # A likelihood model learns the shares by itself, and draws one-hot rows: a bias
            # added to them would move whole rows to another category, breaking their relations.
            calibrate_categories(trained.core, transform, config.seed)
        self._set_parts(
            ModelParts(
                config=plan.config,
                schema=schema,
                transform=transform,
                variant=variant,
                core=trained.core,
                pii=plan.pii,
                privacy=trained.privacy,
                training_hashes=row_hashes(frame[transform.columns]),
                training_rows=len(frame),
                state=trained.state,
            )
        )
        return self

    @classmethod
    def from_parts(cls, parts: ModelParts) -> Synthesizer:
        """A fitted synthesizer made of ``parts`` (as a model file holds them)."""
        synth = cls(parts.config)
        synth._set_parts(parts)
        return synth

    def _set_parts(self, parts: ModelParts) -> None:
        self.parts_ = parts
        self.config_, self.schema_, self.transform_ = parts.config, parts.schema, parts.transform
        self.variant_, self.core_, self.pii_ = parts.variant, parts.core, parts.pii
        self.privacy_, self.state_ = parts.privacy, parts.state
        self.training_hashes_, self.training_rows_ = parts.training_hashes, parts.training_rows
        self.copy_rule_ = CopyRule.of(parts.training_hashes)

    @property
    def stopped_early(self) -> bool:
        return getattr(self, "state_", None) == RunState.STOPPED

    @property
    def columns(self) -> list[str]:
        return self.transform_.columns

    def condition_values(self, column: str) -> list[Any]:
        """Values that rows can be requested for in ``column`` (empty if it can't be used).

        A conditional model (ctgan, cgan) generates rows for its condition columns directly;
        any other model keeps, from the rows it generates, those with the value (any category
        column)."""
        direct = self.variant_.supports_conditions
        columns = self.core_.sampler.columns if direct else self.transform_.discrete_columns
        if column not in columns:
            return []
        return [v for v in self.transform_.categories(column) if v is not None]

    # ---------------------------------------------------------------------------- sample
    def sample(
        self,
        n: int,
        conditions: dict[str, Any] | None = None,
        seed: int | None = None,
        remove_copies: bool = True,
        near_copies: NearCopyFilter | None = None,
    ) -> pd.DataFrame:
        """``n`` synthetic rows; ``conditions`` ({column: value}) restricts them to one value.

        Replaced columns (fake values, new IDs; see ``synth_core.privacy.pii``) come back in their
        place; ``near_copies`` (``synth_core.privacy.filters.near_copy_filter``) also drops rows too
        close to a training row."""
        return self.generate(n, conditions, seed, remove_copies, near_copies=near_copies).frame

    def generate(
        self,
        n: int,
        conditions: dict[str, Any] | None = None,
        seed: int | None = None,
        remove_copies: bool = True,
        chunk_rows: int = CHUNK_ROWS,
        near_copies: NearCopyFilter | None = None,
        stop: threading.Event | None = None,
    ) -> SampleResult:
        """Like ``sample``, also reporting how many rows each filter dropped; raises
        ``Stopped`` between chunks once ``stop`` is set."""
        chunks = list(
            self.iter_chunks(n, conditions, seed, remove_copies, chunk_rows, near_copies, stop)
        )
        if not chunks:
            return SampleResult(self._empty(), 0)
        frame = pd.concat([c.frame for c in chunks], ignore_index=True)
        return SampleResult(
            frame,
            sum(c.copies_removed for c in chunks),
            sum(c.near_copies_removed for c in chunks),
            sum(c.common_copies_kept for c in chunks),
        )

    def iter_chunks(
        self,
        n: int,
        conditions: dict[str, Any] | None = None,
        seed: int | None = None,
        remove_copies: bool = True,
        chunk_rows: int = CHUNK_ROWS,
        near_copies: NearCopyFilter | None = None,
        stop: threading.Event | None = None,
    ) -> Iterator[SampleResult]:
        """Generate ``n`` rows in chunks of at most ``chunk_rows``: bounded memory for any n.
        Raises ``Stopped`` before a chunk once ``stop`` is set."""
        if n < 0:
            raise DataError("The number of rows must be 0 or more.")
        condition = self._resolve_condition(conditions)
        seed = self.config_.seed if seed is None else seed
        rng = np.random.default_rng(seed)
        # Replaced columns draw from their own generator: they never change the model's rows.
        pii_rng, pii = np.random.default_rng([seed, 1]), self.pii_.writer(seed)
        made, rounds_without_rows = 0, 0
        direct = condition is not None and self.variant_.supports_conditions
        share = 1.0  # of generated rows that meet an indirect condition, from the last chunk
        while made < n:
            check_stop(stop)
            wanted = n - made if condition is None or direct else math.ceil((n - made) / share)
            frame = self._generate_frame(
                min(chunk_rows, wanted), rng=rng, condition=condition if direct else None
            )
            if condition is not None:
                made_rows = len(frame)
                frame = frame[_matches(frame[condition[0]], condition[2])]
                share = max(len(frame) / max(made_rows, 1), 1 / chunk_rows)
            frame, dropped, near, common = self._filtered(frame, remove_copies, near_copies)
            frame, common = frame.iloc[: n - made].reset_index(drop=True), common[: n - made]
            rounds_without_rows = 0 if len(frame) else rounds_without_rows + 1
            if rounds_without_rows >= MAX_EMPTY_ROUNDS:
                raise _nothing_kept(condition is not None)
            made += len(frame)
            yield SampleResult(pii.add(frame, pii_rng), dropped, near, int(common.sum()))

    def _filtered(
        self, frame: pd.DataFrame, remove_copies: bool, near_copies: NearCopyFilter | None
    ) -> tuple[pd.DataFrame, int, int, np.ndarray]:
        """(``frame`` without copies of rare training rows and near copies, copies dropped, near
        copies dropped, which kept rows equal a common training row)."""
        dropped = near = 0
        rare, common = self.copy_rule_.masks(frame)
        if remove_copies and len(frame):
            dropped = int(rare.sum())
            frame, common = frame[~rare], common[~rare]
        if near_copies is not None and len(frame):
            close = near_copies.mask(frame)
            frame, common, near = frame[~close], common[~close], int(close.sum())
        return frame, dropped, near, common

    def _generate_frame(
        self,
        n: int,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        condition: tuple[str, int, Any] | None = None,
    ) -> pd.DataFrame:
        rng = rng if rng is not None else np.random.default_rng(seed)
        cond = None if condition is None else condition[:2]
        frame = generate_frame(self.core_, self.transform_, n, rng, cond)
        if condition is not None:  # asked of the generator: the category calibration keeps it
            frame[condition[0]] = pd.Series([condition[2]] * n, dtype=frame[condition[0]].dtype)
        return frame

    def _resolve_condition(self, conditions: dict[str, Any] | None):
        if not conditions:
            return None
        if len(conditions) > 1:
            raise DataError("Give one condition at a time, such as income=>50K.")
        ((column, value),) = conditions.items()
        if column not in self.columns:
            raise DataError(f"There is no column '{column}' in this model.")
        options = self.condition_values(column)
        if not options:
            usable = [c for c in self.columns if self.condition_values(c)]
            raise DataError(
                f"Rows can only be requested for values of "
                f"{', '.join(usable) or 'no column'}; '{column}' is not one."
            )
        for code, option in enumerate(self.transform_.categories(column)):
            if option is not None and (option == value or str(option) == str(value)):
                return column, code, option
        shown = ", ".join(str(v) for v in options[:10])
        raise DataError(f"'{value}' never occurs in '{column}'. Known values: {shown}.")

    def _empty(self) -> pd.DataFrame:
        empty = self.transform_.inverse(np.zeros((0, self.transform_.width), dtype=np.float32))
        return self.pii_.writer(0).add(empty, np.random.default_rng(0))

    # ----------------------------------------------------------------------------- files
    def to_bytes(self) -> bytes:
        """The model as a ``.synth`` file's bytes (weights as safetensors, the rest as JSON)."""
        return modelfile.to_bytes(self.parts_)

    def save(self, path) -> None:
        """Write the model to a ``.synth`` file."""
        modelfile.save(self.parts_, path)

    @classmethod
    def load(cls, source, device: str = "auto") -> Synthesizer:
        """Read a ``.synth`` file (a path or its bytes); never runs code from it."""
        return cls.from_parts(modelfile.read_parts(source, device))


def _nothing_kept(conditioned: bool) -> DataError:
    if conditioned:
        return DataError(
            "The model could not produce rows meeting the condition. Train longer, or "
            "ask for a value that is more common in the data."
        )
    return DataError(
        "Every row the model made was a copy of a rare real row or a near copy, so none were kept. "
        "Train longer or on more columns, or choose to keep copies."
    )


def _check_condition_column(schema: Schema, config: TrainingConfig, variant: Variant) -> None:
    if not variant.needs_condition_column:
        return
    info = schema[config.condition_column]
    if not info.include or info.kind not in DISCRETE_KINDS:
        raise SchemaError(
            f"The conditional GAN needs a category column to condition on; "
            f"'{info.name}' is {info.kind.value}{'' if info.include else ' and left out'}. "
            "Pick an included category column such as a label."
        )


def _matches(series: pd.Series, value: Any) -> np.ndarray:
    return (series == value).to_numpy(dtype=bool, na_value=False)
