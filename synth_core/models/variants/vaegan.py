"""VAE-GAN: an autoencoder whose decoder is also a GAN's generator (``synth_core.models.vaegan``),
the recommended model type until the autoregressive one (``argn``) took its place."""

from synth_core.models.variants import Variant

VARIANT = Variant(
    name="vaegan",
    title="VAE-GAN",
    description=(
        "An autoencoder sharpened by a critic: the most faithful tables in the least time, "
        "for numbers and categories alike."
    ),
    objective="wgan-gp",
    conditioning=None,
    default_pac=10,
    rank=0,
    family="vae-gan",
    # The figures behind these settings are in bench/README.md (quality race).
    defaults={
        "noise_dim": 128,  # the latent code
        "generator_dims": (128, 128),  # the decoder; the encoder mirrors it
        "generator_lr": 1e-3,
        "weight_decay": 1e-5,
        "adversarial_every": 4,
        # The critic learns on every 4th step only; a lazy penalty on top (every 4th of its
        # updates, weighted 4 times) put a jump into its loss every 16th step, which read as an
        # oscillating run. A penalty on each of its updates costs as much per step as CTGAN's.
        "gp_every": 1,
        # It learns steadily: its last epoch scored as well as the one with the best fidelity
        # estimate, and better for usefulness.
        "keep_best": False,
    },
    preset_settings={"best": {"epochs": 180, "eval_every": 10, "min_steps_per_epoch": 20}},
)
