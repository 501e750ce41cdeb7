"""The central object: a fitted synthesizer (schema + transform + generator + config).

``Synthesizer(config).fit(frame, schema)`` trains; ``sample(n)`` generates a table; ``save`` and
``Synthesizer.load`` use the safe ``.synth`` model file. The app's background job and the command
line both go through this class.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
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
from synth_core.privacy.pii import IdSlot, PiiPlan
from synth_core.privacy.plan import plan_privacy
from synth_core.privacy.strata import REFILL_ROUNDS, Quota, strata, stratum_columns
from synth_core.rules import (
    Rule,
    check_conditions,
    check_real_shares,
    check_rule_columns,
    default_rules,
    discover_rules,
    enforce_rules,
)
from synth_core.schema import DISCRETE_KINDS, Schema, infer_schema
from synth_core.tables.hashing import row_hashes
from synth_core.training.calibration import calibrate_categories
from synth_core.training.device import denormals_flushed
from synth_core.training.estimate import ensemble_members, time_limit
from synth_core.training.progress import RunState, TrainingProgress
from synth_core.training.rows import rows_learned
from synth_core.training.run import train_model
from synth_core.wording import counted

CHUNK_ROWS = 50_000  # rows generated at a time: bounds memory for any requested size
MAX_EMPTY_ROUNDS = 50  # chunks in a row with no usable row before giving up
#: Generation stops when, after this many generated rows, fewer than ``MIN_YIELD`` of them
#: met the conditions and the rules: asking for more would loop for a very long time.
MIN_TRIED_ROWS = 20_000
MIN_YIELD = 0.001


@dataclass(frozen=True)
class SampleResult:
    """A generated table and what was done to it on the way."""

    frame: pd.DataFrame
    copies_removed: int  # generated rows identical to a rare training row, dropped
    near_copies_removed: int = 0  # rows dropped by the near-copy filter
    common_copies_kept: int = 0  # rows equal to a combination many training rows share
    rule_rejected: int = 0  # rows that broke a business rule after mending, dropped


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
        rules: list[Rule] | None = None,
    ) -> Synthesizer:
        """Train on ``frame`` (its included columns; a table of more rows than a training learns
        from trains on a seeded sample of them: ``synth_core.training.rows``, noted in
        ``progress``). ``progress`` and ``stop`` let another thread watch the run and end it: a
        run stopped after its first epoch keeps what it learned so far; one stopped earlier
        (while the table is prepared, or in the first epoch) raises ``Stopped`` and makes no
        model.

        With ``config.dp_epsilon`` the run is differentially private (``synth_core.privacy.dp``);
        ``dp_bounds`` ({column: (low, high)}) and ``dp_categories`` ({column: values}) declare
        public ranges and category lists, which then cost no budget.

        ``rules`` (``synth_core.rules``) are kept in every generated row; None keeps every rule
        found that all rows of ``frame`` obey (none for a differentially private run: finding
        them reads the rows outside the guarantee), and ``[]`` keeps none."""
        # Flushed from the start: the first parallel computation of this thread (before
        # training itself) creates the worker threads, and they copy the setting then.
        with denormals_flushed():
            return self._fit(frame, schema, progress, stop, dp_bounds, dp_categories, rules)

    def _fit(self, frame, schema, progress, stop, dp_bounds, dp_categories, rules) -> Synthesizer:
        variant = variants.get(self.config.variant)
        check_stop(stop)
        schema = schema or infer_schema(frame)
        config = variants.validated(variant.sized(self.config, len(frame), len(schema.included)))
        config = config.replace(
            members=ensemble_members(schema, rows_learned(len(frame), config), config)
        )
        limit = time_limit(schema, rows_learned(len(frame), config), config)
        self.progress_ = progress or TrainingProgress()
        if limit != config.max_seconds:
            self.progress_.note(
                f"The time limit is {limit:.0f} s instead of {config.max_seconds:.0f} s: a "
                f"table of {counted(len(schema.included), 'column')} needs a few passes over "
                "its rows to give realistic rows."
            )
            config = config.replace(max_seconds=limit)
        if config.members < self.config.members:
            self.progress_.note(
                f"Trains {_networks(config.members)} instead of "
                f"{_networks(self.config.members)}: on a table this size each network takes "
                "long, so the ensemble keeps only as many as train in reasonable time."
            )
        _check_condition_column(schema, config, variant)
        rules = kept_rules(frame, schema, config, rules)
        check_stop(stop)
        plan = plan_privacy(frame, schema, config, dp_bounds, dp_categories)
        transform = TableTransform(seed=config.seed)
        self.progress_.set_stage(
            f"preparing: fitting the encoding of {counted(len(schema.included), 'column')}"
        )
        transform.fit(frame, schema, domain=plan.domain, stop=stop)
        if note := transform.rare_note():
            self.progress_.note(note)
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
                copy_hashes=row_hashes(frame, transform.columns),
                training_rows=len(frame),
                state=trained.state,
                rules=tuple(rules),
                epochs_trained=self.progress_.snapshot().epoch,
            )
        )
        return self

    def protect_real_rows(self, real: pd.DataFrame) -> None:
        """Protect every real row, the training rows and those kept away from training (such as
        a holdout): new IDs and made-up values are planned on them (never equal to a real ID; a
        key that repeats keeps the real table's rows per key), and the copy filter removes
        copies of any of them that fewer than ``RARE_BELOW`` real rows share. A row the model
        never saw can still come out by chance, and a reader could not tell it from a leak.
        The model itself only learnt from the training rows."""
        plan = PiiPlan.fit(real, self.schema_, self.config_.seed)
        hashes = row_hashes(real, self.transform_.columns)
        self._set_parts(replace(self.parts_, pii=plan, copy_hashes=hashes))

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
        self.copy_hashes_, self.training_rows_ = parts.copy_hashes, parts.training_rows
        self.copy_rule_ = CopyRule.of(parts.copy_hashes)
        self.rules_ = list(parts.rules)

    @property
    def stopped_early(self) -> bool:
        return getattr(self, "state_", None) == RunState.STOPPED

    @property
    def columns(self) -> list[str]:
        return self.transform_.columns

    def condition_values(self, column: str) -> list[Any]:
        """Values that rows can be requested for in ``column`` (empty if it can't be used).

        A conditional model (ctgan, cgan) generates rows for its condition columns directly;
        for any other category column, and with any other model, the rows with the value are
        kept from the rows it generates."""
        if column not in self.transform_.discrete_columns:
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
        on_rows: Callable[[int], None] | None = None,
    ) -> SampleResult:
        """Like ``sample``, also reporting how many rows each filter dropped; raises
        ``Stopped`` between chunks once ``stop`` is set. ``on_rows`` hears the rows made so far
        after each chunk."""
        chunks, made = [], 0
        for chunk in self.iter_chunks(
            n, conditions, seed, remove_copies, chunk_rows, near_copies, stop
        ):
            chunks.append(chunk)
            made += len(chunk.frame)
            if on_rows is not None:
                on_rows(made)
        if not chunks:
            return SampleResult(self._empty(), 0)
        # A chunk left empty by the filters has columns of no type: it would make them objects.
        frames = [c.frame for c in chunks if len(c.frame)] or [chunks[0].frame]
        frame = pd.concat(frames, ignore_index=True)
        return SampleResult(
            frame,
            sum(c.copies_removed for c in chunks),
            sum(c.near_copies_removed for c in chunks),
            sum(c.common_copies_kept for c in chunks),
            sum(c.rule_rejected for c in chunks),
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
        id_slot: IdSlot | None = None,
    ) -> Iterator[SampleResult]:
        """Generate ``n`` rows in chunks of at most ``chunk_rows``: bounded memory for any n.
        Every row meets every condition and obeys every kept rule (mended, or else rejected).
        Raises ``Stopped`` before a chunk once ``stop`` is set, and ``DataError`` when so few
        generated rows meet the conditions and the rules that more would take too long.
        ``id_slot``: this generation's share of new IDs when it is one part of a bigger one
        (``synth_core.privacy.pii.IdSlot``: the shards of a sharded sample)."""
        if n < 0:
            raise DataError("The number of rows must be 0 or more.")
        wanted_values = self._resolve_conditions(conditions)
        check_conditions({column: value for column, _, value in wanted_values}, self.rules_)
        direct = self._direct_condition(wanted_values)
        seed = self.config_.seed if seed is None else seed
        rng = np.random.default_rng(seed)
        # Replaced columns draw from their own generator: they never change the model's rows.
        pii_rng, pii = np.random.default_rng([seed, 1]), self.pii_.writer(seed, id_slot)
        tally = _Yield()
        share = 1.0  # of generated rows kept by the conditions and rules, from the last chunk
        while tally.kept < n:
            check_stop(stop)
            wanted = n - tally.kept if share >= 1.0 else math.ceil((n - tally.kept) / share)
            made = self._made_rows(min(chunk_rows, wanted), rng, direct, wanted_values)
            share = max(made.met / max(made.made, 1), 1 / chunk_rows)
            frame, dropped, near, common = self._filtered(made.frame, remove_copies, near_copies)
            if dropped and len(self._strata):
                refill = (rng, direct, wanted_values, remove_copies, near_copies, chunk_rows)
                frame, common, extra = self._refilled(made, frame, common, *refill)
                made, dropped, near = made.plus(extra), dropped + extra.dropped, near + extra.near
            frame, common = (
                frame.iloc[: n - tally.kept].reset_index(drop=True),
                common[: n - tally.kept],
            )
            tally.add(made.made, made.met, len(frame), made.by_rule)
            self._check_yield(tally, bool(wanted_values), n)
            yield SampleResult(
                pii.add(frame, pii_rng), dropped, near, int(common.sum()), made.rejected
            )

    def _made_rows(self, n: int, rng, direct, wanted_values) -> _Made:
        """``n`` generated rows, mended or rejected by the rules, kept where they meet the
        conditions."""
        frame = self._generate_frame(n, rng=rng, condition=direct)
        made = len(frame)
        enforced = enforce_rules(frame, self.rules_, self.schema_, rng)
        frame = enforced.frame
        frame = frame[~_blank_rows(frame, self.copy_rule_)]
        for column, _, value in wanted_values:
            frame = frame[_matches(frame[column], value)]
        return _Made(frame, made, len(frame), enforced.rejected, dict(enforced.by_rule))

    @property
    def _strata(self) -> list[str]:
        return stratum_columns(self.schema_)

    def _refilled(self, made, kept, common, rng, direct, wanted_values, *filters):
        """``kept`` (the rows of ``made`` the filters kept) with the dropped rows replaced by
        generated rows of their strata (``synth_core.privacy.strata``), in a random order; with
        what making the replacements took (``_Made``, and the rows its filters dropped)."""
        remove_copies, near_copies, chunk_rows = filters
        columns = self._strata
        quota = Quota(strata(made.frame, columns), strata(kept, columns))
        parts, flags, extra = [kept], [common], _Made.none()
        for _ in range(REFILL_ROUNDS):
            if not quota.rows:
                break
            # As many rows as the chunk: a stratum gets about as many as it lost, less copies.
            size = min(chunk_rows, max(len(made.frame), 4 * quota.rows))
            more = self._made_rows(size, rng, direct, wanted_values)
            rows, dropped, near, same = self._filtered(more.frame, remove_copies, near_copies)
            extra = extra.plus(more, dropped, near)
            taken = quota.take(strata(rows, columns), rng)
            parts.append(rows.iloc[taken])
            flags.append(same[taken])
        frame = pd.concat(parts, ignore_index=True)
        order = rng.permutation(len(frame))  # the replacements anywhere, not only at the end
        return frame.iloc[order].reset_index(drop=True), np.concatenate(flags)[order], extra

    def _check_yield(self, tally: _Yield, conditioned: bool, n: int) -> None:
        """Stop with a plain message when conditions or rules keep rejecting nearly every row."""
        hopeless = tally.made >= MIN_TRIED_ROWS and tally.met < MIN_YIELD * tally.made
        if tally.kept >= n or (tally.empty_rounds < MAX_EMPTY_ROUNDS and not hopeless):
            return
        if tally.by_rule and max(tally.by_rule.values()) > tally.made / 2:
            index = max(tally.by_rule, key=tally.by_rule.get)
            rule = self.rules_[index].describe(self.schema_)
            raise DataError(
                f"Generation stopped: {tally.by_rule[index]:,} of {tally.made:,} generated rows "
                f"broke the rule '{rule}' even after mending. Train longer, or drop that rule."
            )
        raise _nothing_kept(conditioned)

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

    def _resolve_conditions(self, conditions: dict[str, Any] | None) -> list[tuple[str, int, Any]]:
        """(column, code, value) for each condition, the value as the model writes it."""
        return [self._resolve_condition(c, v) for c, v in (conditions or {}).items()]

    def _direct_condition(self, resolved: list[tuple[str, int, Any]]):
        """The first condition a conditional model can generate rows for directly (the others
        are met by keeping the rows that have them), or None."""
        if not self.variant_.supports_conditions:
            return None
        direct = [c for c in resolved if c[0] in self.core_.sampler.columns]
        return direct[0] if direct else None

    def _resolve_condition(self, column: str, value: Any) -> tuple[str, int, Any]:
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


@dataclass
class _Made:
    """Generated rows that met the rules and conditions, and what making them took."""

    frame: pd.DataFrame
    made: int  # rows generated
    met: int  # rows that met the rules and conditions
    rejected: int  # rows the rules rejected
    by_rule: dict[int, int]  # rule index → rows it rejected
    dropped: int = 0  # rows the copy filter dropped (only in a sum of replacements)
    near: int = 0  # rows the near-copy filter dropped (ditto)

    @classmethod
    def none(cls) -> _Made:
        return cls(pd.DataFrame(), 0, 0, 0, {})

    def plus(self, other: _Made, dropped: int = 0, near: int = 0) -> _Made:
        return _Made(
            self.frame,
            self.made + other.made,
            self.met + other.met,
            self.rejected + other.rejected,
            _summed(self.by_rule, other.by_rule),
            self.dropped + other.dropped + dropped,
            self.near + other.near + near,
        )


class _Yield:
    """Rows generated, rows that met the conditions and the rules, rows kept so far, chunks in
    a row that kept none, and rows each rule rejected."""

    def __init__(self) -> None:
        self.made = self.met = self.kept = self.empty_rounds = 0
        self.by_rule: dict[int, int] = {}

    def add(self, made: int, met: int, kept: int, by_rule: dict[int, int]) -> None:
        self.made += made
        self.met += met
        self.kept += kept
        self.empty_rounds = 0 if kept else self.empty_rounds + 1
        self.by_rule = _summed(self.by_rule, by_rule)


def _summed(counts: dict[int, int], more: dict[int, int]) -> dict[int, int]:
    """Rows each rule rejected, in both counts (a new dict)."""
    return {index: counts.get(index, 0) + more.get(index, 0) for index in counts | more}


def kept_rules(frame, schema: Schema, config: TrainingConfig, rules: list[Rule] | None):
    """The rules a fit keeps: those given, checked against the table, or when None every rule
    found that all its rows obey (none for a differentially private run)."""
    if rules is None:
        if config.dp_epsilon is not None:
            return []
        return default_rules(discover_rules(frame, schema, config.seed))
    if rules and config.dp_epsilon is not None:
        raise SchemaError(
            "Business rules are read from your rows outside the differential-privacy guarantee. "
            "Train without rules, or without differential privacy."
        )
    check_rule_columns(rules, schema, schema.included_names)
    check_real_shares(rules, frame, schema)
    return list(rules)


def _blank_rows(frame: pd.DataFrame, copy_rule: CopyRule) -> np.ndarray:
    """Rows without a single value, where no real row was blank: a model that learnt each
    column's gaps can leave every column of a row empty at once, a row of nothing but commas."""
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        blank[blank] = copy_rule.shared_by(row_hashes(frame[blank])) == 0
    return blank


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


def _networks(count: int) -> str:
    return "one network" if count == 1 else f"an ensemble of {count} networks"
