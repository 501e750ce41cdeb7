"""Training settings: one frozen dataclass, built by the app from widgets and saved with a model."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from synth_core.errors import TrainingError

DEVICES = ("auto", "cpu", "cuda", "mps")
LR_SCHEDULES = ("constant", "cosine")
LR_FLOOR = 0.1
# Bounds on the networks, far above what any preset or real table needs (the presets use a few
# hundred units per layer and two layers): a setting past them is a mistake or a crafted model
# file, and would take gigabytes before the first step.
MAX_LAYER_WIDTH = 4096
MAX_LAYERS = 8
MAX_PAC = 64
MAX_BINS = 1000
MAX_MEMBERS = 16
COLUMN_ORDERS = ("fixed", "random")


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides how a model is trained. Defaults follow the CTGAN paper, except
    the generator's block type and the lazy gradient penalty (see bench/README.md)."""

    variant: str = "ctgan"
    epochs: int = 300
    batch_size: int = 500
    # Smaller batches on a small table, so that an epoch still has this many steps (a table of
    # a few hundred rows would otherwise get one step per epoch and barely train).
    min_steps_per_epoch: int = 1
    pac: int | None = None  # rows judged together by the discriminator; None: the variant's default
    noise_dim: int = 128
    generator_dims: tuple[int, ...] = (256, 256)
    discriminator_dims: tuple[int, ...] = (256, 256)
    # "residual": fixed-width blocks with a skip connection, about half the generator's work at
    # equal quality (bench/README.md); "concat": the paper's blocks, each output concatenated to
    # its input so that the width grows block after block.
    generator_block: str = "residual"
    generator_lr: float = 2e-4
    discriminator_lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.9)
    # "cosine": learning rates fall along a half cosine to LR_FLOOR of their value by the end
    # of the run (its epochs, or its time limit if that comes first); "constant": they stay.
    lr_schedule: str = "constant"
    weight_decay: float = 1e-6
    gp_weight: float = 10.0
    # Gradient penalty on every n-th critic update only, weighted n times ("lazy", as StyleGAN2's
    # R1): the critic's Lipschitz constraint at a fraction of its cost. A penalised update costs
    # about 1.4 plain ones; every 8th against every 4th: 6 % less time per step, the same
    # quality on Adult (bench/README.md, engine speed).
    gp_every: int = 8
    discriminator_steps: int = 1
    # VAE-GAN only: the weight of the reconstruction against the KL term, and of the critic's
    # verdict on rows decoded from noise; the critic judges every n-th step.
    reconstruction_weight: float = 2.0
    adversarial_weight: float = 0.1
    adversarial_every: int = 1
    # Autoregressive model (argn) only: the embedding width of every token, the fine bins of a
    # number inside its mixture mode, the column order it trains on ("fixed": the table's;
    # "random": a new order every step, so that any column learns to follow any others), the
    # sampling temperature, after how many epochs without a lower validation loss a run ends
    # (0: never), the share of the regressors' hidden units dropped in each training step, and
    # how many networks train side by side as an ensemble (generation draws every token from
    # the mean of their distributions).
    embedding_dim: int = 8
    value_bins: int = 20
    column_order: str = "fixed"
    temperature: float = 1.0
    validation_patience: int = 6
    dropout: float = 0.0
    members: int = 1
    condition_column: str | None = None  # cgan: the column whose values rows are generated for
    seed: int = 0
    device: str = "auto"
    threads: int | None = None  # CPU threads for torch; None: leave torch's setting
    eval_every: int = 5  # epochs between fidelity estimates; 0 turns them off
    early_stopping: int | None = None  # stop after this many estimates without improvement
    keep_best: bool = True  # end with the generator whose fidelity estimate was best
    max_seconds: float | None = None  # stop after this much training time
    # Differential privacy (ctgan, wgan-gp): the target ε; None trains without it. δ defaults to
    # 1 / (10 rows). See synth_core/privacy/dp.py for what the guarantee covers.
    dp_epsilon: float | None = None
    dp_delta: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def validated(self) -> TrainingConfig:
        """Return self, or raise ``TrainingError`` naming the first setting out of its range.
        What a model type can do is checked by ``synth_core.models.variants.validated``."""
        checks = [
            (self.epochs >= 1, "Epochs must be at least 1."),
            (self.batch_size >= 2, "Batch size must be at least 2."),
            (self.min_steps_per_epoch >= 1, "Steps per epoch must be at least 1."),
            (1 <= self.noise_dim <= MAX_LAYER_WIDTH, f"Noise size must be 1 to {MAX_LAYER_WIDTH}."),
            (_fits_layers(self.generator_dims), f"Generator layers: {_LAYERS_RULE}"),
            (_fits_layers(self.discriminator_dims), f"Discriminator layers: {_LAYERS_RULE}"),
            (self.generator_lr > 0 and self.discriminator_lr > 0, "Learning rates must be > 0."),
            (self.pac is None or 1 <= self.pac <= MAX_PAC, f"Pac must be 1 to {MAX_PAC}."),
            (self.device in DEVICES, f"Device must be one of: {', '.join(DEVICES)}."),
            (self.threads is None or self.threads >= 1, "Threads must be at least 1."),
            (self.max_seconds is None or self.max_seconds > 0, "Time limit must be > 0."),
            (self.gp_every >= 1, "The gradient penalty interval must be at least 1."),
            (self.adversarial_every >= 1, "The critic interval must be at least 1."),
            (
                self.reconstruction_weight > 0 and self.adversarial_weight >= 0,
                "The reconstruction weight must be > 0 and the adversarial weight 0 or more.",
            ),
            (
                1 <= self.embedding_dim <= MAX_LAYER_WIDTH and 1 <= self.value_bins <= MAX_BINS,
                f"The embedding size must be 1 to {MAX_LAYER_WIDTH:,} and the value bins 1 to "
                f"{MAX_BINS:,}.",
            ),
            (self.column_order in COLUMN_ORDERS, "Column order must be 'fixed' or 'random'."),
            (self.temperature > 0, "The sampling temperature must be above 0."),
            (self.validation_patience >= 0, "The validation patience must be 0 or more."),
            (0 <= self.dropout < 1, "The dropout share must be at least 0 and below 1."),
            (
                1 <= self.members <= MAX_MEMBERS,
                f"The ensemble must have 1 to {MAX_MEMBERS} members.",
            ),
            (
                self.lr_schedule in LR_SCHEDULES,
                f"Learning-rate schedule must be one of: {', '.join(LR_SCHEDULES)}.",
            ),
            (
                self.generator_block in ("concat", "residual"),
                "Generator block must be 'concat' or 'residual'.",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise TrainingError(message)
        if self.dp_epsilon is not None and not self.dp_epsilon > 0:
            raise TrainingError("The privacy budget ε must be above 0 (for example 1, 3, 10).")
        return self

    def replace(self, **changes: Any) -> TrainingConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Build from ``to_dict`` output; unknown keys are ignored, tuples restored."""
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        # Files saved before the block type was a setting hold the paper's concatenating blocks.
        kwargs.setdefault("generator_block", "concat")
        for key in ("generator_dims", "discriminator_dims", "betas"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        return cls(**kwargs)


_LAYERS_RULE = f"1 to {MAX_LAYERS} layers of 1 to {MAX_LAYER_WIDTH:,} units each."


def _fits_layers(dims: tuple[int, ...]) -> bool:
    return 1 <= len(dims) <= MAX_LAYERS and all(1 <= size <= MAX_LAYER_WIDTH for size in dims)
