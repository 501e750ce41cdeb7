"""CTGAN (Xu et al., NeurIPS 2019): mixed tables, and training with differential privacy."""

from synth_core.models.variants import Variant

VARIANT = Variant(
    name="ctgan",
    title="CTGAN",
    description=(
        "Built for mixed tables: learns each category and each number's shape separately, "
        "so rare categories and skewed numbers come out right."
    ),
    objective="wgan-gp",
    conditioning="all-discrete",  # training-by-sampling over every category column
    default_pac=10,
    rank=1,
    supports_dp=True,
)
