"""WGAN-GP (Gulrajani et al., 2017): an unconditional generator and a gradient-penalised critic."""

from synth_core.models.variants import Variant

VARIANT = Variant(
    name="wgan-gp",
    title="WGAN-GP",
    description=(
        "A stable general-purpose GAN without conditioning: good for mostly numeric tables, "
        "weaker on rare categories."
    ),
    objective="wgan-gp",
    conditioning=None,
    default_pac=1,
    rank=2,
    supports_dp=True,
    # The paper's n_critic: with one critic update per generator update, nothing ties the
    # generator's categories to each other (no condition vector does it, as in CTGAN), and its
    # rows kept each column's shape but lost how the columns go together (bench/README.md).
    min_critic_steps=5,
)
