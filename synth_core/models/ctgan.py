"""CTGAN (Xu et al., NeurIPS 2019): the default variant."""

from synth_core.models.core import Variant

CTGAN = Variant(
    name="ctgan",
    title="CTGAN",
    description=(
        "Built for mixed tables: learns each category and each number's shape separately, "
        "so rare categories and skewed numbers come out right."
    ),
    objective="wgan-gp",
    conditioning="all-discrete",  # training-by-sampling over every category column
    default_pac=10,
)
