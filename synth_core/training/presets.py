"""Named training presets: a few settings chosen for people who do not tune GANs.

A preset trains the recommended model type (the autoregressive ``argn``) unless the caller names
another, with settings tuned for that type; explicit settings (the Advanced section of the app,
``--epochs`` on the command line) override the preset's. The figures behind each preset are in
bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError
from synth_core.models import variants

RECOMMENDED_VARIANT = variants.recommended().name
# Small tables get smaller batches, so that an epoch has at least this many steps (see
# TrainingConfig.min_steps_per_epoch); the best preset asks for twice as many.
SMALL_TABLES = {"min_steps_per_epoch": 10}


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    #: Settings for every model type; a type may replace them (``Variant.preset_settings``).
    settings: dict[str, Any] = field(default_factory=dict)

    def settings_for(self, variant: str) -> dict[str, Any]:
        return dict(variants.get(variant).preset_settings.get(self.name, self.settings))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "quick",
            "Quick demo",
            "A usable result in about half a minute on a laptop.",
            {"epochs": 300, "max_seconds": 25.0, "eval_every": 5, **SMALL_TABLES},
        ),
        Preset(
            "balanced",
            "Balanced",
            "Better quality in about a minute on a laptop.",
            {"epochs": 100, "eval_every": 5, **SMALL_TABLES},
        ),
        Preset(
            "best",
            "Best quality",
            "The most faithful copy; takes longest.",
            {"epochs": 300, "eval_every": 10, "min_steps_per_epoch": 20},
        ),
    )
}
DEFAULT_PRESET = "quick"


def preset_config(name: str, **overrides: Any) -> TrainingConfig:
    """The preset's config with ``overrides`` (None values ignored) applied on top.

    ``overrides["variant"]`` picks the model type (the recommended one when absent); the
    preset's settings for that type, then the type's own defaults, fill the rest."""
    if name not in PRESETS:
        raise TrainingError(f"Unknown preset '{name}'. Choose one of: {', '.join(PRESETS)}.")
    given = {k: v for k, v in overrides.items() if v is not None}
    variant = given.pop("variant", RECOMMENDED_VARIANT)
    return variants.config_for(variant, **{**PRESETS[name].settings_for(variant), **given})
