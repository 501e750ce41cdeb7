"""Helpers shared by the tests: small seeded tables, schemas, and a check that generated rows
could be real ones. Fixtures built on them live in ``tests/conftest.py``."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth_core.config import TrainingConfig
from synth_core.encoding import encoders
from synth_core.encoding.encoders import SOFTMAX, TANH, Span
from synth_core.schema import ColumnInfo, Kind, Schema, infer_schema, rarity
from synth_core.synthesizer import Synthesizer

DATE_FORMAT = "%Y-%m-%d"

# Small networks, one epoch, no fidelity estimates, CPU only (exact repeats need the CPU).
TINY_CONFIG = TrainingConfig(
    epochs=1,
    batch_size=50,
    generator_dims=(32,),
    discriminator_dims=(32,),
    noise_dim=16,
    eval_every=0,
    device="cpu",
)

# The kind each column of ``make_mixed_frame`` is expected to be inferred as.
MIXED_KINDS = {
    "age": Kind.INTEGER,
    "amount": Kind.NUMERICAL,
    "color": Kind.CATEGORICAL,
    "member": Kind.BOOLEAN,
    "joined": Kind.DATETIME,
    "score": Kind.NUMERICAL,
}


def make_mixed_frame(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """Whole numbers, 2-decimal amounts, a category, a yes/no column, dates as text, gaps."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 1500, rows)
    joined = (pd.Timestamp("2019-01-01") + pd.to_timedelta(days, unit="D")).strftime(DATE_FORMAT)
    score = np.round(rng.normal(50.0, 12.0, rows), 1)
    score[rng.random(rows) < 0.15] = np.nan
    return pd.DataFrame(
        {
            "age": rng.integers(18, 91, rows),
            "amount": np.round(rng.gamma(2.0, 40.0, rows) + 1.0, 2),
            "color": rng.choice(["red", "green", "blue"], rows, p=[0.5, 0.3, 0.2]),
            "member": rng.choice(["yes", "no"], rows, p=[0.4, 0.6]),
            "joined": pd.Series(joined, dtype=object),
            "score": score,
        }
    )


def make_schema(
    frame: pd.DataFrame,
    kinds: Mapping[str, Kind],
    datetime_formats: Mapping[str, str] | None = None,
) -> Schema:
    """A schema that includes exactly ``kinds`` (no inference: the test decides every kind)."""
    formats = datetime_formats or {}
    columns = [
        ColumnInfo(
            name=name,
            kind=kinds.get(name, Kind.CATEGORICAL),
            reason="set by the test",
            include=name in kinds,
            missing=float(frame[name].isna().mean()),
            distinct=int(frame[name].nunique()),
            dtype=str(frame[name].dtype),
            datetime_format=formats.get(name),
        )
        for name in frame.columns
    ]
    return Schema(columns, len(frame))


def _decimal_places_ok(values: np.ndarray, places: int) -> bool:
    return bool(np.allclose(np.round(values, places), values, rtol=0, atol=1e-9))


def check_valid_rows(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    columns: list[str] | None = None,
    date_format: Mapping[str, str] | None = None,
) -> None:
    """Assert ``synthetic`` looks like ``real`` column by column: same names and dtypes, only
    real categories, numbers inside the real range with no more decimals than the real ones,
    dates in the real format and range, and gaps only where the real column had gaps."""
    columns = list(real.columns) if columns is None else columns
    date_format = {"joined": DATE_FORMAT} if date_format is None else date_format
    assert list(synthetic.columns) == columns
    for name in columns:
        real_col, fake_col = real[name], synthetic[name]
        assert str(fake_col.dtype) == str(real_col.dtype), name
        if not real_col.isna().any():
            assert not fake_col.isna().any(), f"{name}: gaps appeared in a column without any"
        fake_present = fake_col.dropna()
        real_present = real_col.dropna()
        if name in date_format:
            parsed = pd.to_datetime(fake_present, format=date_format[name], errors="coerce")
            assert parsed.notna().all(), f"{name}: values not in format {date_format[name]}"
            stamps = pd.to_datetime(real_present, format=date_format[name])
            assert parsed.min() >= stamps.min() and parsed.max() <= stamps.max(), name
        elif pd.api.types.is_numeric_dtype(real_col) and not pd.api.types.is_bool_dtype(real_col):
            values = fake_present.to_numpy(dtype=np.float64)
            real_values = real_present.to_numpy(dtype=np.float64)
            assert values.min(initial=np.inf) >= real_values.min(), name
            assert values.max(initial=-np.inf) <= real_values.max(), name
            places = next((p for p in range(7) if _decimal_places_ok(real_values, p)), 6)
            assert _decimal_places_ok(values, places), f"{name}: more than {places} decimals"
        else:
            unknown = set(fake_present.tolist()) - set(real_present.tolist())
            assert not unknown, f"{name}: categories never seen in the real data: {unknown}"


# Model output spans in an order that interleaves widths, as a real transform does.
INTERLEAVED_SPANS = [
    Span("a", "value", 1, TANH),
    Span("a", "mode", 3, SOFTMAX),
    Span("b", "category", 2, SOFTMAX),
    Span("c", "value", 1, TANH),
    Span("c", "mode", 3, SOFTMAX),
    Span("d", "category", 5, SOFTMAX),
]


def config_for(variant: str, **changes) -> TrainingConfig:
    """``TINY_CONFIG`` for ``variant`` (the conditional GAN conditioned on ``color``)."""
    condition = "color" if variant == "cgan" else None
    return TINY_CONFIG.replace(variant=variant, condition_column=condition, **changes)


def table_and_model_files(folder: Path, rows: int, seed: int, epochs: int) -> Path:
    """``folder`` with ``data.csv`` (``make_mixed_frame``) and ``m.synth``, a tiny GAN trained
    ``epochs`` epochs on it: what a command-line test reads."""
    frame = make_mixed_frame(rows, seed=seed)
    frame.to_csv(folder / "data.csv", index=False)
    synth = Synthesizer(config_for("gan", epochs=epochs)).fit(frame, infer_schema(frame))
    synth.save(folder / "m.synth")
    return folder


REPO = Path(__file__).resolve().parents[1]


def rows_inside_rules(frame: pd.DataFrame, synth: Synthesizer, rows: int) -> pd.DataFrame:
    """The first ``rows`` rows of ``frame`` that obey every rule ``synth`` keeps: a row beyond a
    range (a rare extreme) would be mended on the way out, and so no longer be a copy."""
    inside = np.logical_and.reduce(
        [np.ones(len(frame), dtype=bool)] + [r.obeyed(frame, synth.schema_) for r in synth.rules_]
    )
    return frame[inside].iloc[:rows].reset_index(drop=True)


@contextlib.contextmanager
def every_value_learnt() -> Iterator[None]:
    """No value counts as rare (``synth_core.schema.rarity``): for tests of how exactly values
    come back, whose small tables would otherwise lose their extremes and one-off categories."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rarity, "RARE_BELOW", 1)
        patch.setattr(encoders, "RARE_BELOW", 1)
        yield


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter at the repository root (for checks of what an import
    loads)."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
