"""The model types, declared once each: a torch-free registry.

Every module of this folder declares one ``Variant`` (a ``VARIANT`` at module level): its name
and words for people, its objective and conditioning, its default pac, the settings that differ
from ``TrainingConfig``'s defaults, its preset settings, and whether it supports differential
privacy. The registry finds them itself, so a new model type is one new module here (and, if it
needs new network code, its training core). Nothing here imports torch: the command line and the
app list model types without loading it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from synth_core.config import TrainingConfig
from synth_core.errors import TrainingError

#: The training core of each family of networks, imported only when a model is built.
CORES = {
    "gan": "synth_core.models.core:GanCore",
    "vae-gan": "synth_core.models.vaegan:VaeGanCore",
    "argn": "synth_core.models.argn:ArgnCore",
}
OBJECTIVES = ("wgan-gp", "bce", "likelihood")
CONDITIONINGS = (None, "all-discrete", "label")


@dataclass(frozen=True)
class Variant:
    """A model type as the user sees it, and the few choices that define it."""

    name: str
    title: str
    description: str
    objective: str  # "wgan-gp", "bce" or "likelihood" (no critic)
    conditioning: str | None  # "all-discrete" (training-by-sampling), "label" or None
    default_pac: int
    rank: int  # where it is listed: 0 first
    family: str = "gan"  # which training core (``CORES``) it uses
    recommended: bool = False
    supports_dp: bool = False
    #: Settings that differ from ``TrainingConfig``'s defaults; settings a caller gives win.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: Per preset name, settings that replace the preset's general ones for this type.
    preset_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: (rows, settings): a table with fewer rows than ``rows`` trains with ``settings`` on top
    #: of the config (a smaller network that does not learn the rows by heart).
    small_table: tuple[int, Mapping[str, Any]] | None = None
    #: (columns, settings): a table that is not small and learns at most ``columns`` columns
    #: trains with ``settings`` on top of the config.
    narrow_table: tuple[int, Mapping[str, Any]] | None = None
    #: Critic updates per generator update at the least, whatever ``discriminator_steps`` says
    #: (an unconditioned Wasserstein critic trained once per step falls behind its generator).
    min_critic_steps: int = 1

    def __post_init__(self) -> None:
        if self.family not in CORES or self.objective not in OBJECTIVES:
            raise ValueError(f"model type '{self.name}': unknown family or objective")
        if self.conditioning not in CONDITIONINGS:
            raise ValueError(f"model type '{self.name}': unknown conditioning")

    @property
    def supports_conditions(self) -> bool:
        return self.conditioning is not None

    @property
    def needs_condition_column(self) -> bool:
        return self.conditioning == "label"

    def pac(self, config: TrainingConfig) -> int:
        """Rows the critic judges together under ``config``."""
        if config.dp_epsilon is not None:
            return 1  # the guarantee is per critic input: one row, not a pac group
        return config.pac if config.pac is not None else self.default_pac

    def sized(self, config: TrainingConfig, rows: int, columns: int) -> TrainingConfig:
        """``config`` for a table of ``rows`` rows and ``columns`` learned columns: with the
        ``small_table`` settings below its size, else the ``narrow_table`` ones up to its width,
        unchanged otherwise."""
        if self.small_table is not None and rows < self.small_table[0]:
            return config.replace(**self.small_table[1])
        if self.narrow_table is not None and columns <= self.narrow_table[0]:
            return config.replace(**self.narrow_table[1])
        return config

    def check(self, config: TrainingConfig) -> None:
        """Raise ``TrainingError`` when ``config`` asks this type for what it cannot do."""
        if config.dp_epsilon is not None:
            if not self.supports_dp:
                raise TrainingError(
                    f"Differential privacy is available for the {dp_titles()} model types "
                    f"only, not '{self.name}'."
                )
            if config.pac not in (None, 1):
                raise TrainingError(
                    "Differential privacy trains with pac 1 (one row per critic score), so the "
                    "guarantee is per row. Leave pac unset."
                )
        if config.members != 1 and self.family != "argn":
            raise TrainingError(
                "An ensemble of several networks is available for the autoregressive model "
                f"type only, not '{self.name}'. Leave members at 1."
            )
        if self.needs_condition_column and not config.condition_column:
            raise TrainingError(
                f"The {self.title} needs a column to condition on (for example a label such as "
                "'income'). Pick one, or choose another model type."
            )


_REGISTRY: dict[str, Variant] = {}
#: Every registered model type by name, in listing order (a read-only view).
VARIANTS: Mapping[str, Variant] = MappingProxyType(_REGISTRY)


def register(variant: Variant) -> Variant:
    """Add ``variant`` to the registry (its name must be new) and return it."""
    if _REGISTRY.get(variant.name, variant) != variant:
        raise ValueError(f"a model type named '{variant.name}' is already registered")
    ordered = sorted(
        [*(v for v in _REGISTRY.values() if v.name != variant.name), variant],
        key=lambda v: (v.rank, v.name),
    )
    _REGISTRY.clear()
    _REGISTRY.update((v.name, v) for v in ordered)
    return variant


def unregister(name: str) -> None:
    """Remove a model type (for tests that register a toy one)."""
    _REGISTRY.pop(name, None)


def get(name: str) -> Variant:
    """The model type called ``name``, or a ``TrainingError`` listing the known ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise TrainingError(
            f"Unknown model type '{name}'. Choose one of: {', '.join(_REGISTRY)}."
        ) from None


def recommended() -> Variant:
    return next(v for v in _REGISTRY.values() if v.recommended)


def recommended_private() -> Variant:
    """The model type to train with differential privacy when none is named: the best ranked
    of those that support it."""
    return min((v for v in _REGISTRY.values() if v.supports_dp), key=lambda v: v.rank)


def dp_titles() -> str:
    """'CTGAN and WGAN-GP': the model types that train with differential privacy."""
    return " and ".join(v.title for v in _REGISTRY.values() if v.supports_dp)


def config_for(variant: str, **settings: Any) -> TrainingConfig:
    """A config for ``variant`` with its own defaults under ``settings``; settings that are None
    are left at the defaults."""
    given = {k: v for k, v in settings.items() if v is not None}
    return TrainingConfig(variant=variant, **{**get(variant).defaults, **given})


def validated(config: TrainingConfig) -> TrainingConfig:
    """``config``, or a ``TrainingError`` naming the first setting that cannot work: its ranges
    (``TrainingConfig.validated``), then what its model type can do."""
    get(config.variant).check(config.validated())
    return config


def _discover() -> None:
    for module in pkgutil.iter_modules(__path__):
        register(importlib.import_module(f"{__name__}.{module.name}").VARIANT)


_discover()
