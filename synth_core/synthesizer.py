"""The central object: a fitted synthesizer (schema + transform + generator + config).

``Synthesizer(config).fit(frame, schema)`` trains; ``sample(n)`` generates a table; ``save`` and
``Synthesizer.load`` use the safe ``.synth`` model file. The app's background job and the command
line both go through this class.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch

from synth_core.config import TrainingConfig
from synth_core.encoding.transform import CONTINUOUS_KINDS, DISCRETE_KINDS, TableTransform
from synth_core.errors import DataError, SchemaError, TrainingError
from synth_core.models import VARIANTS, GanCore, build_core
from synth_core.privacy import dp
from synth_core.privacy.pii import PiiPlan
from synth_core.schema.model import Schema, infer_schema
from synth_core.tables.hashing import row_hashes
from synth_core.training.callbacks import hold_back
from synth_core.training.device import denormals_flushed, resolve_device
from synth_core.training.fidelity import fidelity_estimate
from synth_core.training.health import RowSummary, mode_collapse
from synth_core.training.loop import train
from synth_core.training.progress import Estimate, RunState, TrainingProgress

if TYPE_CHECKING:
    from synth_core.privacy.filters import NearCopyFilter

log = logging.getLogger(__name__)

FIDELITY_ROWS = 2000  # rows compared by the in-training fidelity estimate
CHUNK_ROWS = 50_000  # rows generated at a time: bounds memory for any requested size
MAX_EMPTY_ROUNDS = 50  # chunks in a row with no usable row before giving up


@dataclass(frozen=True)
class SampleResult:
    """A generated table and what was done to it on the way."""

    frame: pd.DataFrame
    copies_removed: int  # generated rows identical to a training row, dropped
    near_copies_removed: int = 0  # rows dropped by the near-copy filter


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
        watch the run and end it; a stopped run keeps what it learned so far.

        With ``config.dp_epsilon`` the run is differentially private (``synth_core.privacy.dp``);
        ``dp_bounds`` ({column: (low, high)}) and ``dp_categories`` ({column: values}) declare
        public ranges and category lists, which then cost no budget."""
        # Flushed from the start: the first parallel computation of this thread (before
        # training itself) creates the worker threads, and they copy the setting then.
        with denormals_flushed():
            return self._fit(frame, schema, progress, stop, dp_bounds, dp_categories)

    def _fit(self, frame, schema, progress, stop, dp_bounds, dp_categories) -> Synthesizer:
        config = self.config.validated()
        schema = schema or infer_schema(frame)
        self.progress_ = progress or TrainingProgress()
        self._check_condition_column(schema, config)
        self.schema_ = schema
        self.variant_ = VARIANTS[config.variant]
        self.pii_ = PiiPlan.fit(frame, schema, config.seed)
        self.privacy_, self._budget, domain = None, None, None
        if config.dp_epsilon is not None:
            config, domain, self._budget = dp.prepare(
                frame, schema, config, dp_bounds, dp_categories
            )
            self.config, self._domain = config, domain
        self.transform_ = TableTransform(seed=config.seed).fit(frame, schema, domain=domain)
        columns = self.transform_.columns
        matrix = self.transform_.transform(frame, np.random.default_rng(config.seed))
        self.training_hashes_ = row_hashes(frame[columns])
        self.training_rows_ = len(frame)
        real_sample = frame[columns].sample(
            min(FIDELITY_ROWS, len(frame)), random_state=config.seed
        )
        if config.threads:
            torch.set_num_threads(config.threads)
        device = resolve_device(config.device)
        try:
            self.state_ = self._train(matrix, device, real_sample, stop)
        except torch.OutOfMemoryError:
            if device.type == "cpu":
                raise TrainingError(
                    "The computer ran out of memory while training. Leave out columns with "
                    "very many categories, or lower the batch size."
                ) from None
            self.progress_.note("The GPU ran out of memory, so training moved to the CPU.")
            torch.cuda.empty_cache()
            self.state_ = self._train(matrix, torch.device("cpu"), real_sample, stop)
        return self

    def _train(self, matrix, device, real_sample, stop) -> str:
        config = self.config
        rng = torch.Generator(device).manual_seed(config.seed)
        matrix, held = hold_back(matrix, config.seed, config.effective_pac)
        data = torch.from_numpy(matrix).to(device)
        probe = None if held is None else torch.from_numpy(held).to(device)
        counts = None
        if self._budget is not None:
            counts = dp.condition_counts(self._domain, self._condition_columns())
        self.core_ = build_core(
            self.variant_,
            config,
            self.transform_.spans,
            self._condition_columns(),
            data,
            rng,
            counts=counts,
        )
        if self._budget is not None:
            dp.attach(self.core_, self._budget, config)
        real_rows = self._row_summary(real_sample)

        def estimate(core: GanCore) -> Estimate:
            generated = self._generate_frame(len(real_sample), seed=config.seed)
            score = fidelity_estimate(self.transform_, real_sample, generated, config.seed)
            return Estimate(score, mode_collapse(real_rows, self._row_summary(generated)))

        state = train(self.core_, config, self.progress_, stop, estimate, probe)
        if self._budget is not None:
            self.privacy_ = dp.record(self._budget, self.core_.private, self.training_rows_)
            self.progress_.note(self.privacy_.sentence())
            self.core_.private = None
        self.core_.data = None  # the training matrix is not kept once training ends
        self.core_.sampler.rows_by_group = None
        return state

    def _row_summary(self, frame: pd.DataFrame) -> RowSummary:
        values = self.transform_.column_values(frame)
        return RowSummary.of({k: (kind in CONTINUOUS_KINDS, v) for k, (kind, v) in values.items()})

    def _condition_columns(self) -> list[str]:
        if self.variant_.conditioning == "all-discrete":
            return self.transform_.discrete_columns
        if self.variant_.conditioning == "label":
            return [self.config.condition_column]
        return []

    @staticmethod
    def _check_condition_column(schema: Schema, config: TrainingConfig) -> None:
        if config.variant != "cgan":
            return
        info = schema[config.condition_column]
        if not info.include or info.kind not in DISCRETE_KINDS:
            raise SchemaError(
                f"The conditional GAN needs a category column to condition on; "
                f"'{info.name}' is {info.kind.value}{'' if info.include else ' and left out'}. "
                "Pick an included category column such as a label."
            )

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
    ) -> SampleResult:
        """Like ``sample``, also reporting how many rows each filter dropped."""
        chunks = list(self.iter_chunks(n, conditions, seed, remove_copies, chunk_rows, near_copies))
        if not chunks:
            return SampleResult(self._empty(), 0)
        frame = pd.concat([c.frame for c in chunks], ignore_index=True)
        return SampleResult(
            frame,
            sum(c.copies_removed for c in chunks),
            sum(c.near_copies_removed for c in chunks),
        )

    def iter_chunks(
        self,
        n: int,
        conditions: dict[str, Any] | None = None,
        seed: int | None = None,
        remove_copies: bool = True,
        chunk_rows: int = CHUNK_ROWS,
        near_copies: NearCopyFilter | None = None,
    ) -> Iterator[SampleResult]:
        """Generate ``n`` rows in chunks of at most ``chunk_rows``: bounded memory for any n."""
        if n < 0:
            raise DataError("The number of rows must be 0 or more.")
        condition = self._resolve_condition(conditions)
        seed = self.config.seed if seed is None else seed
        rng = np.random.default_rng(seed)
        # Replaced columns draw from their own generator: they never change the model's rows.
        pii_rng, pii = np.random.default_rng([seed, 1]), self._pii().writer(seed)
        made, rounds_without_rows = 0, 0
        direct = condition is not None and self.variant_.supports_conditions
        share = 1.0  # of generated rows that meet an indirect condition, from the last chunk
        while made < n:
            wanted = n - made if condition is None or direct else math.ceil((n - made) / share)
            frame = self._generate_frame(
                min(chunk_rows, wanted), rng=rng, condition=condition if direct else None
            )
            if condition is not None:
                made_rows = len(frame)
                frame = frame[_matches(frame[condition[0]], condition[2])]
                share = max(len(frame) / max(made_rows, 1), 1 / chunk_rows)
            dropped = 0
            if remove_copies and len(frame):
                copies = np.isin(row_hashes(frame), self.training_hashes_)
                dropped = int(copies.sum())
                frame = frame[~copies]
            near = 0
            if near_copies is not None and len(frame):
                frame, near = near_copies.apply(frame)
            frame = frame.iloc[: n - made].reset_index(drop=True)
            rounds_without_rows = 0 if len(frame) else rounds_without_rows + 1
            if rounds_without_rows >= MAX_EMPTY_ROUNDS:
                if condition is None:
                    raise DataError(
                        "Every row the model made was a copy or near copy of a real row, so "
                        "none were kept. Train longer or on more columns, or choose to keep "
                        "copies."
                    )
                raise DataError(
                    "The model could not produce rows meeting the condition. Train longer, or "
                    "ask for a value that is more common in the data."
                )
            made += len(frame)
            yield SampleResult(pii.add(frame, pii_rng), dropped, near)

    def _generate_frame(
        self,
        n: int,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        condition: tuple[str, int, Any] | None = None,
    ) -> pd.DataFrame:
        rng = rng if rng is not None else np.random.default_rng(seed)
        torch_rng = torch.Generator(self.core_.device).manual_seed(int(rng.integers(2**62)))
        cond = None if condition is None else condition[:2]
        matrix = self.core_.generate(n, torch_rng, cond).cpu().numpy()
        return self.transform_.inverse(matrix, rng)

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
        return self._pii().writer(0).add(empty, np.random.default_rng(0))

    def _pii(self) -> PiiPlan:
        plan = getattr(self, "pii_", None)
        return plan if plan is not None else PiiPlan((), tuple(self.columns))

    # ----------------------------------------------------------------------------- files
    def save(self, path) -> None:
        """Write the model to a ``.synth`` file (weights as safetensors, the rest as JSON)."""
        from synth_core.modelfile import save_model

        save_model(self, path)

    @classmethod
    def load(cls, path, device: str = "auto") -> Synthesizer:
        """Read a ``.synth`` file; never runs code from it."""
        from synth_core.modelfile import load_model

        return load_model(path, device)


def _matches(series: pd.Series, value: Any) -> np.ndarray:
    return (series == value).to_numpy(dtype=bool, na_value=False)
