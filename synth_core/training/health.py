"""Is the training healthy? Detectors that read a run's metrics and say what is wrong in words.

Every warning comes from the metrics alone (never from a clock): the losses of each step, the
discriminator's accuracy on held-back rows, and the rows generated for the quality estimate.

- Vanishing gradients: the discriminator is right about nearly every row for many checks in a
  row, and the generator's loss stops improving: it no longer learns from the discriminator.
- Oscillation: a loss, smoothed over a few dozen steps, swings up and down several times by far
  more than its step-to-step noise, without settling.
- Divergence: a loss grows to many times its usual size.
- Mode collapse: the rows generated for the quality estimate repeat each other far more than
  real rows do, leave out common categories, or spread numbers much less than the real ones.
- Plateau (a note, not a problem): the quality estimate has stopped improving.

Each detector returns a :class:`HealthWarning` or None; the thresholds are named in one place
below. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# ----------------------------------------------------------------------------- the thresholds
#: Loss-based warnings wait this many steps: every run is noisy and one-sided at first.
WARMUP_STEPS = 200
#: Vanishing gradients: the mean of the accuracy on real and on synthetic rows at or above this…
CONFIDENT_ACCURACY = 0.90
#: …in this many accuracy checks in a row (checks come every ``callbacks.PROBE_EVERY`` steps)…
CONFIDENT_CHECKS = 10
#: …while the generator's loss fell by less than this many noise units (see ``_noise``).
STILL_NOISE = 0.5
#: Oscillation: the steps read, the smoothing width, and how far (in noise units) the smoothed
#: loss must move before a change of direction counts as a swing; this many swings warn.
SWING_WINDOW = 400
SMOOTHING_STEPS = 25
SWING_NOISE = 4.0
SWING_MIN = 0.1  # and at least this much: a loss resting near 0 has tiny noise and tiny moves
MIN_SWINGS = 6
#: Divergence: the median size of a loss over the last ``RECENT_STEPS`` steps is this many
#: times its median size over the run before, and at least ``BLOWUP_FLOOR``.
RECENT_STEPS = 50
BLOWUP = 10.0
BLOWUP_FLOOR = 10.0
#: Mode collapse, on the rows generated for the quality estimate: share of duplicated rows above
#: the real sample's share; a category this common in the real rows never generated; numbers
#: with less than this share of the real spread (standard deviation), in most numeric columns.
DUPLICATE_EXCESS = 0.25
LOST_CATEGORY_SHARE = 0.05
NARROW_SPREAD = 0.25
#: Plateau: this many quality estimates in a row without beating the best by ``PLATEAU_GAIN``.
PLATEAU_CHECKS = 3
PLATEAU_GAIN = 0.005

LOSSES = ("generator_loss", "discriminator_loss")
LOSS_KEYS = ("vanishing_gradients", "oscillation", "divergence")
SAMPLE_KEYS = ("mode_collapse",)
QUALITY_KEYS = ("plateau",)
ORDER = (*LOSS_KEYS, *SAMPLE_KEYS, *QUALITY_KEYS)  # how warnings are listed
MISSING = "(empty)"  # how a missing category is named in a warning


@dataclass(frozen=True)
class HealthWarning:
    """A problem seen in a run's metrics, in plain words, with what to do about it."""

    key: str  # one of ORDER
    title: str
    sentence: str  # what is happening, with this run's figures
    advice: str  # what to do
    level: str = "warning"  # "warning", or "info" for a note that is no problem

    def text(self) -> str:
        """The warning as one line: title, sentence and advice."""
        return f"{self.title}: {self.sentence} {self.advice}"

    def to_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "title": self.title,
            "sentence": self.sentence,
            "advice": self.advice,
            "level": self.level,
        }


# ----------------------------------------------------------------------------- losses
def loss_warnings(
    steps: Mapping[str, Sequence[float]],
    accuracy: Sequence[tuple[int, float, float]],
    step: int,
) -> list[HealthWarning]:
    """Warnings from the recent losses and accuracy checks of a run at step ``step``.

    ``steps`` maps a loss name to its most recent values (one per step, the last one at
    ``step``; ``SWING_WINDOW`` values are plenty); ``accuracy`` holds (step, accuracy on real
    rows, accuracy on synthetic rows) of the most recent checks.
    """
    if step < WARMUP_STEPS:
        return []
    found = [
        vanishing_gradients(accuracy, steps.get("generator_loss", ())),
        oscillation(steps),
        divergence(steps),
    ]
    return [warning for warning in found if warning is not None]


def vanishing_gradients(
    accuracy: Sequence[tuple[int, float, float]], generator_loss: Sequence[float]
) -> HealthWarning | None:
    """The discriminator wins outright for ``CONFIDENT_CHECKS`` checks in a row while the
    generator's loss does not improve (its losses over those checks' steps are the last ones)."""
    recent = list(accuracy)[-CONFIDENT_CHECKS:]
    if len(recent) < CONFIDENT_CHECKS:
        return None
    both = [(real + fake) / 2 for _, real, fake in recent]
    if min(both) < CONFIDENT_ACCURACY:
        return None
    span = recent[-1][0] - recent[0][0] + 1
    losses = np.asarray(list(generator_loss)[-span:], dtype=float)
    if len(losses) < 4:
        return None
    half = len(losses) // 2
    fell = losses[:half].mean() - losses[half:].mean()
    if fell > STILL_NOISE * _noise(losses):
        return None
    return HealthWarning(
        "vanishing_gradients",
        "The discriminator is winning too easily",
        f"It has told real from synthetic rows apart {np.mean(both) * 100:.0f} % of the time "
        f"for the last {span} steps, and the generator has stopped improving: it gets "
        "too little signal to learn from.",
        "Lower the discriminator's learning rate, or raise the generator's; a larger batch "
        "size also helps.",
    )


def oscillation(steps: Mapping[str, Sequence[float]]) -> HealthWarning | None:
    """A loss whose smoothed curve swings back and forth at least ``MIN_SWINGS`` times, each
    swing larger than ``SWING_NOISE`` times its step-to-step noise."""
    for name in LOSSES:
        values = np.asarray(list(steps.get(name, ()))[-SWING_WINDOW:], dtype=float)
        if len(values) < SWING_WINDOW // 2:
            continue
        noise = _noise(values)
        smooth = pd.Series(values).rolling(SMOOTHING_STEPS).mean().dropna().to_numpy()
        swings = count_swings(smooth, max(SWING_NOISE * noise, SWING_MIN))
        if swings >= MIN_SWINGS:
            which = "generator" if name == "generator_loss" else "discriminator"
            return HealthWarning(
                "oscillation",
                "The losses swing back and forth",
                f"The {which}'s loss has swung up and down {swings} times in the last "
                f"{len(values)} steps without settling: the two networks keep overturning "
                "each other's progress.",
                "Lower both learning rates (halve them), or use a larger batch size.",
            )
    return None


def divergence(steps: Mapping[str, Sequence[float]]) -> HealthWarning | None:
    """A loss whose recent size is ``BLOWUP`` times its earlier size (and above the floor)."""
    for name in LOSSES:
        values = np.abs(np.asarray(steps.get(name, ()), dtype=float))
        if len(values) < 2 * RECENT_STEPS:
            continue
        recent = float(np.median(values[-RECENT_STEPS:]))
        before = float(np.median(values[:-RECENT_STEPS]))
        if recent >= BLOWUP_FLOOR and recent >= BLOWUP * before:
            which = "generator" if name == "generator_loss" else "discriminator"
            return HealthWarning(
                "divergence",
                "The training is blowing up",
                f"The {which}'s loss has grown to {recent:,.0f}, {recent / max(before, 1e-12):,.0f}"
                " times its earlier size: the run is becoming unstable.",
                "Stop and start again with lower learning rates (a tenth), or use the VAE-GAN "
                "model, which is the most stable.",
            )
    return None


def count_swings(values: np.ndarray, threshold: float) -> int:
    """Changes of direction of ``values`` after a move of at least ``threshold`` (a zigzag
    count: the moves smaller than ``threshold`` are ignored)."""
    if len(values) < 2 or threshold <= 0:
        return 0
    swings, direction = 0, 0
    anchor = extreme = values[0]
    for value in values[1:]:
        if (direction >= 0 and value > extreme) or (direction <= 0 and value < extreme):
            extreme = value
        if direction == 0 and abs(extreme - anchor) >= threshold:
            direction = 1 if extreme > anchor else -1
        elif direction == 1 and extreme - value >= threshold:
            swings, direction, extreme = swings + 1, -1, value
        elif direction == -1 and value - extreme >= threshold:
            swings, direction, extreme = swings + 1, 1, value
    return swings


def _noise(values: np.ndarray) -> float:
    """The step-to-step noise of a loss (a standard deviation), robust to jumps: the median
    absolute difference of consecutive values, which is 0.954 sigma for independent noise.
    Steps that repeat the value before (a critic that learns every few steps reports its last
    figures in between) say nothing about the noise and are left out."""
    changes = np.abs(np.diff(values))
    changes = changes[changes > 0]
    if len(changes) == 0:
        return 0.0
    return float(np.median(changes)) / 0.954


# ----------------------------------------------------------------------------- generated rows
@dataclass(frozen=True)
class RowSummary:
    """What mode collapse is judged by, for one table: duplicates, categories, spreads."""

    duplicate_share: float
    shares: dict[str, dict[object, float]]  # category column -> {category: share of rows}
    spreads: dict[str, float]  # numeric column -> standard deviation

    @classmethod
    def of(cls, columns: Mapping[str, tuple[bool, np.ndarray]]) -> RowSummary:
        """Summarise a table given as {column: (is numeric, values)}: numbers as floats (dates
        as seconds, NaN when missing), categories as labels."""
        frame = pd.DataFrame({name: values for name, (_, values) in columns.items()})
        shares, spreads = {}, {}
        for name, (numeric, values) in columns.items():
            if numeric:
                present = np.asarray(values, dtype=float)
                present = present[~np.isnan(present)]
                spreads[name] = float(present.std()) if len(present) else 0.0
            else:
                labels = pd.Series(values, dtype=object)
                labels = labels.where(labels.notna(), MISSING)
                shares[name] = labels.value_counts(normalize=True).to_dict()
        duplicates = float(frame.duplicated().mean()) if len(frame) else 0.0
        return cls(duplicate_share=duplicates, shares=shares, spreads=spreads)


def mode_collapse(real: RowSummary, generated: RowSummary) -> HealthWarning | None:
    """Two of three signs (many duplicated rows, common categories lost, numbers bunched), or
    duplicates alone when more than half the rows repeat."""
    excess = generated.duplicate_share - real.duplicate_share
    lost = [
        (name, category)
        for name, shares in real.shares.items()
        for category, share in shares.items()
        if share >= LOST_CATEGORY_SHARE and generated.shares.get(name, {}).get(category, 0) == 0
    ]
    narrow = [
        name
        for name, spread in real.spreads.items()
        if spread > 0 and generated.spreads.get(name, 0.0) < NARROW_SPREAD * spread
    ]
    signs = []
    if excess >= DUPLICATE_EXCESS:
        signs.append(f"{generated.duplicate_share * 100:.0f} % of the rows are repeats")
    if lost:
        name, category = lost[0]
        more = f" and {len(lost) - 1} other common categories" if len(lost) > 1 else ""
        signs.append(f"'{category}' in '{name}'{more} never appears")
    if narrow and len(narrow) * 2 >= len(real.spreads):
        signs.append(f"numbers in {_names(narrow)} spread far less than yours")
    if len(signs) < 2 and not excess >= 2 * DUPLICATE_EXCESS:
        return None
    return HealthWarning(
        "mode_collapse",
        "The model writes too little variety (mode collapse)",
        "The rows it writes have lost the diversity of yours: " + "; ".join(signs) + ".",
        "Train longer or restart with another seed; the VAE-GAN model (which learns to rebuild "
        "every real row) and lower learning rates guard against this.",
    )


def _names(names: Sequence[str], shown: int = 3) -> str:
    quoted = ", ".join(f"'{name}'" for name in names[:shown])
    return quoted + (f" and {len(names) - shown} more" if len(names) > shown else "")


# ----------------------------------------------------------------------------- quality
def plateau(fidelity: Sequence[tuple[int, float]], keeps_best: bool = True) -> HealthWarning | None:
    """A note once the last ``PLATEAU_CHECKS`` quality estimates all failed to beat the best
    one before them by ``PLATEAU_GAIN``: more epochs have stopped helping. ``keeps_best``: the
    run ends with the model of its best check (else with its latest one)."""
    points = list(fidelity)
    if len(points) <= PLATEAU_CHECKS:
        return None
    before, recent = points[:-PLATEAU_CHECKS], points[-PLATEAU_CHECKS:]
    best_epoch, best = max(before, key=lambda point: point[1])
    if max(value for _, value in recent) >= best + PLATEAU_GAIN:
        return None
    kept = "the model from the best check" if keeps_best else "the model as it is now"
    return HealthWarning(
        "plateau",
        "More epochs have stopped helping",
        f"The quality estimate has not improved since epoch {best_epoch} ({best * 100:.0f} %).",
        f"You can stop now: {kept} is kept. If its quality is not good enough yet, try other "
        "settings (another model type, a larger batch) rather than more epochs.",
        level="info",
    )
