"""The original GAN (Goodfellow et al., 2014) with the non-saturating generator loss."""

from synth_core.models.variants import Variant

VARIANT = Variant(
    name="gan",
    title="Classic GAN",
    description=(
        "The original GAN, the baseline people learn from: quick to explain, "
        "less stable than the others."
    ),
    objective="bce",
    conditioning=None,
    default_pac=1,
    rank=3,
)
