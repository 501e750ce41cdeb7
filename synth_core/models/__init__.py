"""Model types: each a few declared choices on top of the shared ``GanCore``."""

from synth_core.models.cgan import CGAN
from synth_core.models.core import GanCore, Variant
from synth_core.models.ctgan import CTGAN
from synth_core.models.gan import GAN
from synth_core.models.vaegan import VAEGAN, VaeGanCore
from synth_core.models.wgan_gp import WGAN_GP

VARIANTS: dict[str, Variant] = {v.name: v for v in (VAEGAN, CTGAN, WGAN_GP, GAN, CGAN)}
DEFAULT_VARIANT = CTGAN.name


def build_core(variant: Variant, *args, **kwargs) -> GanCore:
    """The training core of ``variant``; arguments as ``GanCore``'s."""
    core_class = VaeGanCore if variant is VAEGAN else GanCore
    return core_class(variant, *args, **kwargs)


__all__ = [
    "DEFAULT_VARIANT",
    "VARIANTS",
    "GanCore",
    "Variant",
    "build_core",
]
