"""The conditional GAN (Mirza & Osindero, 2014) on one column chosen by the user."""

from synth_core.models.variants import Variant

VARIANT = Variant(
    name="cgan",
    title="Conditional GAN",
    description=(
        "Learns rows for each value of one column you choose (such as a label), so you can "
        "generate rows for a chosen value or rebalance classes."
    ),
    objective="bce",
    conditioning="label",
    default_pac=1,
    rank=4,
)
