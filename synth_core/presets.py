"""Named training presets: a few settings chosen for people who do not tune GANs.

Explicit settings (the Advanced section of the app, ``--epochs`` on the command line) override a
preset's values. The figures behind each preset are in bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    settings: dict[str, Any]


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "quick",
            "Quick demo",
            "A usable result in about half a minute on a laptop.",
            {"epochs": 300, "max_seconds": 30.0, "eval_every": 5},
        ),
        Preset(
            "balanced",
            "Balanced",
            "Better quality in a few minutes.",
            {"epochs": 100, "eval_every": 5},
        ),
        Preset(
            "best",
            "Best quality",
            "The most faithful copy; takes longest.",
            {"epochs": 300, "eval_every": 10},
        ),
    )
}
DEFAULT_PRESET = "quick"


def preset_config(name: str, **overrides: Any) -> TrainingConfig:
    """The preset's config with ``overrides`` (None values ignored) applied on top."""
    if name not in PRESETS:
        raise TrainingError(f"Unknown preset '{name}'. Choose one of: {', '.join(PRESETS)}.")
    settings = {**PRESETS[name].settings, **{k: v for k, v in overrides.items() if v is not None}}
    return TrainingConfig(**settings)
