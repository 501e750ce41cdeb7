"""The machinery every variant shares: networks, optimisers, one training step, generation.

A variant (see ``synth_core.models.variants``) only chooses the objective, how rows are
conditioned and the default pac; ``GanCore`` does the rest.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from synth_core.config import LR_FLOOR, TrainingConfig
from synth_core.encoding.encoders import Span
from synth_core.models.conditions import ConditionLoss, ConditionSampler
from synth_core.models.losses import BinaryCrossEntropyLoss, WassersteinLoss
from synth_core.models.networks import Decoder, Discriminator, Generator, OutputHead, join
from synth_core.models.variants import Variant


class SeededDropout(nn.Module):
    """Dropout drawing its masks from a given generator, so runs never touch global RNG state."""

    def __init__(self, p: float, generator: torch.Generator):
        super().__init__()
        self.p, self.generator = p, generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        if self.p == 0.5 and x.dim() == 2 and x.shape[1] % 64 == 0:
            # Each random 64-bit word gives 64 fair coin flips: 64 times fewer draws from the
            # generator, which dominate the cost of dropout on the CPU.
            words = torch.randint(
                -(2**63),
                2**63 - 1,
                (x.shape[0], x.shape[1] // 64, 1),
                generator=self.generator,
                device=x.device,
            )
            keep = ((words >> self._shifts(x.device)) & 1).view(x.shape)
            # One float mask: multiplying by the integer bits would convert them twice (forward
            # and backward) and scale in a second pass.
            return x * keep.to(x.dtype).mul_(2.0)
        keep = torch.rand(x.shape, generator=self.generator, device=x.device) >= self.p
        return x * keep / (1 - self.p)

    def _shifts(self, device: torch.device) -> torch.Tensor:
        shifts = getattr(self, "_shift_cache", None)
        if shifts is None or shifts.device != device:
            shifts = self._shift_cache = torch.arange(64, device=device)
        return shifts


def init_parameters(module: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's default Linear initialisation, drawn from ``generator`` instead of global RNG."""
    for layer in module.modules():
        if isinstance(layer, nn.BatchNorm1d):
            layer.reset_parameters()  # ones and zeros: no randomness
        elif isinstance(layer, Decoder):
            layer.reset_spread()  # a constant: no randomness
        elif isinstance(layer, nn.Linear):
            # Kaiming-uniform with a = sqrt(5), as PyTorch's default, is U(-b, b) for
            # b = 1 / sqrt(fan in); a layer split in blocks keeps the fan in of the whole.
            fan_in = getattr(layer, "init_fan_in", layer.weight.shape[1])
            bound = 1 / math.sqrt(fan_in)
            nn.init.uniform_(layer.weight, -bound, bound, generator=generator)
            if layer.bias is not None:
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)


class GanCore:
    """Networks, optimisers and steps for one training run of one variant."""

    def __init__(
        self,
        variant: Variant,
        config: TrainingConfig,
        spans: list[Span],
        condition_columns: list[str],
        data: torch.Tensor | None,
        generator: torch.Generator,
        device: torch.device | None = None,
        counts: torch.Tensor | None = None,
    ):
        self.variant, self.config, self.spans = variant, config, spans
        self.device = data.device if data is not None else device
        self.rng = generator
        self.data = data
        self.width = sum(span.width for span in spans)
        log_frequency = variant.conditioning == "all-discrete"
        if data is not None and counts is None:
            self.sampler = ConditionSampler.from_data(data, spans, condition_columns, log_frequency)
        else:  # a loaded or private model: conditions follow the given category counts
            self.sampler = ConditionSampler(spans, condition_columns, counts, log_frequency)
            self.sampler.to(self.device)
        self.cond_width = self.sampler.width
        self.pac = variant.pac(config)
        self.objective = (
            WassersteinLoss(config.gp_weight)
            if variant.objective == "wgan-gp"
            else BinaryCrossEntropyLoss()
        )
        self.generator, self.discriminator = self._build_networks()
        self.head = OutputHead(spans)
        self.condition_loss = ConditionLoss(self.sampler) if self.sampler.enabled else None
        self.to(self.device)
        self._d_updates = 0  # critic updates so far: the lazy gradient penalty counts them
        self._last_penalty: torch.Tensor | None = None
        self.private = None  # a PrivateCritic: DP-SGD replaces the discriminator update
        # One fused kernel per optimiser step instead of a handful of ops per parameter.
        adam = {"betas": config.betas, "weight_decay": config.weight_decay, "fused": True}
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=config.generator_lr, **adam)
        self.opt_d = torch.optim.Adam(
            self.discriminator.parameters(), lr=config.discriminator_lr, **adam
        )

    def _build_networks(self) -> tuple[nn.Module, Discriminator]:
        """(generator, discriminator), their weights drawn from this run's generator."""
        # Built on the meta device so that PyTorch's default initialisation never draws from the
        # process-wide generator.
        with torch.device("meta"):
            generator = self._make_generator()
            discriminator = Discriminator(
                self.width, self.config.discriminator_dims, self.pac, cond_dim=self.cond_width
            )
        for i, layer in enumerate(discriminator.net):
            if isinstance(layer, nn.Dropout):
                discriminator.net[i] = SeededDropout(layer.p, self.rng)
        generator.to_empty(device=self.device)
        discriminator.to_empty(device=self.device)
        init_parameters(generator, self.rng)
        init_parameters(discriminator, self.rng)
        return generator, discriminator

    def _make_generator(self) -> nn.Module:
        c = self.config
        return Generator(
            c.noise_dim + self.cond_width, c.generator_dims, self.width, c.generator_block
        )

    def set_progress(self, fraction: float) -> None:
        """Set the learning rates for a run ``fraction`` (0..1) done, by ``config.lr_schedule``."""
        if self.config.lr_schedule != "cosine":
            return
        fraction = min(max(fraction, 0.0), 1.0)
        scale = LR_FLOOR + (1 - LR_FLOOR) * 0.5 * (1 + math.cos(math.pi * fraction))
        for optimiser in (self.opt_g, self.opt_d):
            for group in optimiser.param_groups:
                group.setdefault("initial_lr", group["lr"])
                group["lr"] = group["initial_lr"] * scale

    def to(self, device: torch.device) -> GanCore:
        self.device = device
        for module in (self.generator, self.discriminator, self.head):
            module.to(device)
        if self.condition_loss is not None:
            self.condition_loss.to(device)
        return self

    def end_epoch(self, progress) -> bool:
        """Called after each epoch; True ends the run. The GAN types have no stopping rule of
        their own (the loop's fidelity checks decide)."""
        return False

    def end_training(self, progress) -> None:
        """Called once the steps are over; the GAN types keep their weights as they are."""

    # ------------------------------------------------------------------------- one step
    def _batch_conditions(self, batch: int):
        if self.private is not None:
            return self.private.conditions(batch)
        if self.sampler.enabled:
            return self.sampler.sample(batch, self.rng)
        rows = torch.randint(self.data.shape[0], (batch,), generator=self.rng, device=self.device)
        return None, None, rows

    def _noise(self, batch: int, cond: torch.Tensor | None) -> torch.Tensor:
        z = torch.randn(batch, self.config.noise_dim, generator=self.rng, device=self.device)
        return z if cond is None else torch.cat([z, cond], dim=1)

    @staticmethod
    def _with(x: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        return x if cond is None else torch.cat([x, cond], dim=1)

    def step(self, batch: int, discriminator_steps: int = 1) -> dict[str, torch.Tensor]:
        """One training iteration: discriminator update(s), then one generator update.

        The last discriminator update judges the very batch the generator is then trained on,
        so each iteration runs the generator forward once, not twice. The variant may ask for
        more critic updates than ``discriminator_steps`` (``Variant.min_critic_steps``), except
        under differential privacy, whose accounting counts one per step.
        """
        if self.private is None:
            discriminator_steps = max(discriminator_steps, self.variant.min_critic_steps)
        metrics: dict[str, torch.Tensor] = {}
        for _ in range(discriminator_steps - 1):
            cond, _, rows = self._batch_conditions(batch)
            with torch.no_grad():
                fake = self.head(self.generator(self._noise(batch, cond)), self.rng)
            metrics = self._discriminator_update(fake, cond, rows)
        cond, col, rows = self._batch_conditions(batch)
        raw = self.generator(self._noise(batch, cond))
        fake = self.head(raw, self.rng)
        metrics = self._discriminator_update(fake.detach(), cond, rows)
        return {**metrics, **self._generator_update(raw, fake, cond, col)}

    def _discriminator_update(self, fake, cond, rows) -> dict[str, torch.Tensor]:
        if self.private is not None:
            return self.private.update(fake, cond)
        # Real rows drawn for the fakes' conditions, in the same order: real and synthetic groups
        # of pac rows are judged under the same conditions (a paired comparison), and the critic
        # reads those conditions once for both halves (see ``join``).
        real = (self.data.index_select(0, rows), cond)  # index_select: faster than []
        every = self.config.gp_every
        scale = float(every) if self._d_updates % every == 0 else 0.0
        self._d_updates += 1
        loss, extra = self.objective.discriminator(
            self.discriminator, real, (fake, cond), self.rng, scale
        )
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        metrics = {k: v.detach() for k, v in extra.items()}
        if "gradient_penalty" in metrics:
            self._last_penalty = metrics["gradient_penalty"]
        elif self._last_penalty is not None:  # a lazy update reports the latest penalty
            metrics["gradient_penalty"] = self._last_penalty
        reported = loss.detach()
        if "wasserstein" in metrics and "gradient_penalty" in metrics:
            # The critic's loss as WGAN-GP defines it, with the latest penalty at its own weight.
            # The loss minimised weighs the penalty n times on every n-th update and not at all
            # in between: charted, it would spike every n steps (and read as oscillation).
            penalty = self.objective.gp_weight * metrics["gradient_penalty"]
            reported = penalty - metrics["wasserstein"]
        return {"discriminator_loss": reported, **metrics}

    def _adversarial_loss(self, fake, cond) -> torch.Tensor:
        """The generator's loss on the discriminator's verdict about ``fake`` rows."""
        # The critic's weights are constants here: no gradient is computed for them.
        critic_params = list(self.discriminator.parameters())
        for p in critic_params:
            p.requires_grad_(False)
        try:
            return self.objective.generator(self.discriminator(fake, cond))
        finally:
            for p in critic_params:
                p.requires_grad_(True)

    def _generator_update(self, raw, fake, cond, col) -> dict[str, torch.Tensor]:
        loss = self._adversarial_loss(fake, cond)
        metrics = {}
        if self.condition_loss is not None:
            cond_loss = self.condition_loss(raw, cond, col)
            loss = loss + cond_loss
            metrics["condition_loss"] = cond_loss.detach()
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return {"generator_loss": loss.detach(), **metrics}

    # ----------------------------------------------------------------------- judging
    @torch.no_grad()
    def judge(self, real: torch.Tensor, generator: torch.Generator) -> dict[str, torch.Tensor]:
        """How often the discriminator is right about ``real`` rows (held back from its
        updates) and about as many fresh synthetic rows: ``real_accuracy`` and
        ``fake_accuracy``, each 0..1 over groups of ``pac`` rows.

        A BCE discriminator is right when its probability (the sigmoid of its score) is on the
        correct side of 1/2. A Wasserstein critic's scores have no fixed scale, so its
        threshold is the midpoint of its mean scores on the real and the synthetic rows. Both
        networks run in evaluation mode (no dropout; the generator's batch norm uses its running
        statistics, as when rows are generated for the user) and draw only from ``generator``:
        judging leaves the run exactly as it was.
        """
        n = (real.shape[0] // self.pac) * self.pac
        real, cond_real, cond_fake = real[:n], None, None
        if self.sampler.enabled:
            cond_real = self.sampler.conditions_of(real, generator)
            cond_fake, _, _ = self.sampler.sample(n, generator, from_data=False)
        modes = self.generator.training, self.discriminator.training
        self.generator.eval()
        self.discriminator.eval()
        try:
            z = torch.randn(n, self.config.noise_dim, generator=generator, device=self.device)
            fake = self.head(self.generator(self._with(z, cond_fake)), generator)
            scores = self.discriminator(*join((real, cond_real), (fake, cond_fake)))
        finally:
            self.generator.train(modes[0])
            self.discriminator.train(modes[1])
        real_scores, fake_scores = scores[: len(scores) // 2], scores[len(scores) // 2 :]
        threshold = (
            (real_scores.mean() + fake_scores.mean()) / 2
            if self.variant.objective == "wgan-gp"
            else torch.zeros((), device=scores.device)
        )
        return {
            "real_accuracy": (real_scores > threshold).float().mean(),
            "fake_accuracy": (fake_scores < threshold).float().mean(),
        }

    # ------------------------------------------------------------------------ generation
    @torch.no_grad()
    def generate(
        self, n: int, generator: torch.Generator, condition: tuple[str, int] | None = None
    ) -> torch.Tensor:
        """``n`` rows in matrix form for the decoder (one-hot spans as perturbed logits),
        optionally all asking for one category."""
        was_training = self.generator.training
        self.generator.eval()
        try:
            cond = None
            if self.sampler.enabled:
                if condition is None:
                    cond, _, _ = self.sampler.sample(n, generator, from_data=False)
                else:
                    cond = self.sampler.condition_for(condition[0], condition[1], n)
            z = torch.randn(n, self.config.noise_dim, generator=generator, device=self.device)
            return self.head(self.generator(self._with(z, cond)), generator, draw=True)
        finally:
            self.generator.train(was_training)
