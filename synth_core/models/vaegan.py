"""VAE-GAN: a variational autoencoder whose decoder is also the generator of a GAN.

An encoder maps each real row to a distribution over a latent code and the decoder maps codes
back to rows. Reconstruction (cross-entropy on one-hot blocks, a Gaussian with a learned spread
on scalars) and the KL term give a VAE's stable, fast learning (Kingma & Welling 2014; Xu et al.
2019's TVAE uses the same losses on the same encoding); a Wasserstein critic judges rows decoded
from random codes against real rows, and its verdict sharpens what reconstruction blurs (the
VAE-GAN direction of Larsen et al. 2016). Generating needs the decoder only, so a model file
holds the same parts as any other variant's.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from synth_core.encoding.encoders import TANH
from synth_core.models.core import GanCore, init_parameters
from synth_core.models.networks import Decoder, dense_stack

# The autoencoder's optimiser uses Adam's usual betas: the GAN betas (0.5, 0.9) of the config
# are tuned for the critic game, and slowed the reconstruction down here.
AUTOENCODER_BETAS = (0.9, 0.999)


class VaeGanCore(GanCore):
    """``GanCore`` with an encoder, a ``Decoder`` as generator and the VAE-GAN step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.config
        with torch.device("meta"):
            self.encoder = dense_stack(self.width, c.generator_dims[::-1], 2 * c.noise_dim)
        self.encoder.to_empty(device=self.device)
        init_parameters(self.encoder, self.rng)
        self.opt_g = torch.optim.Adam(
            [*self.encoder.parameters(), *self.generator.parameters()],
            lr=c.generator_lr,
            betas=AUTOENCODER_BETAS,
            weight_decay=c.weight_decay,
            fused=True,
        )
        self._steps = 0
        self._critic_metrics: dict[str, torch.Tensor] = {}

    def _make_generator(self) -> Decoder:
        c = self.config
        return Decoder(c.noise_dim, c.generator_dims, self.width, self._scalar_outputs())

    def _scalar_outputs(self) -> int:
        """How many tanh (scalar) outputs the table has."""
        return sum(span.width for span in self.spans if span.activation == TANH)

    def to(self, device: torch.device) -> VaeGanCore:
        super().to(device)
        if getattr(self, "encoder", None) is not None:
            self.encoder.to(device)
        return self

    # ------------------------------------------------------------------------- one step
    def step(self, batch: int, discriminator_steps: int = 1) -> dict[str, torch.Tensor]:
        """One update of encoder and decoder on ``batch`` real rows; every
        ``adversarial_every``-th step the critic is updated ``discriminator_steps`` times
        and its verdict on as many rows decoded from random codes joins the decoder's loss."""
        c, device = self.config, self.device
        rows = torch.randint(self.data.shape[0], (batch,), generator=self.rng, device=device)
        real = self.data.index_select(0, rows)
        mean, log_var = self.encoder(real).chunk(2, dim=1)
        noise = torch.randn(mean.shape, generator=self.rng, device=device)
        code = mean + noise * (0.5 * log_var).exp()
        adversarial = c.adversarial_weight > 0 and self._steps % c.adversarial_every == 0
        self._steps += 1
        if adversarial:  # codes of real rows and random codes through the decoder at once
            prior = torch.randn(batch, c.noise_dim, generator=self.rng, device=device)
            raw, prior_raw = self.generator(torch.cat([code, prior])).split(batch)
        else:
            raw = self.generator(code)
        reconstruction = self.reconstruction_loss(raw, real)
        kl = (-0.5 * (1 + log_var - mean.square() - log_var.exp()).sum(1)).mean()
        loss = c.reconstruction_weight * reconstruction + kl
        if adversarial:
            fake = self.head(prior_raw, self.rng)
            for _ in range(discriminator_steps):
                critic = self._discriminator_update(fake.detach(), None, rows)
            adversarial_loss = self._adversarial_loss(fake, None)
            self._critic_metrics = {**critic, "adversarial_loss": adversarial_loss}
            loss = loss + c.adversarial_weight * adversarial_loss
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        # Steps without the critic report its latest figures: every step has the same metrics.
        critic = {k: v.detach() for k, v in self._critic_metrics.items()}
        return {
            **critic,
            "generator_loss": loss.detach(),
            "reconstruction_loss": reconstruction.detach(),
            "kl_divergence": kl.detach(),
        }

    def reconstruction_loss(self, raw: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """Mean over rows of: the Gaussian negative log-likelihood of each real scalar under
        tanh(decoded) with the decoder's spread, plus the cross-entropy of each one-hot block."""
        groups, batch = self.head.groups, raw.shape[0]
        raw, real = raw.index_select(1, groups.order), real.index_select(1, groups.order)
        sizes = [groups.n_tanh, *groups.sizes]  # split: see OutputHead.forward
        (raw_scalars, *raw_blocks), (real_scalars, *real_blocks) = (
            raw.split(sizes, dim=1),
            real.split(sizes, dim=1),
        )
        spread = self.generator.spread()
        error = (torch.tanh(raw_scalars) - real_scalars) / spread
        loss = 0.5 * error.square().sum(1) + spread.log().sum()
        for logits, target, width in zip(raw_blocks, real_blocks, groups.widths, strict=True):
            log_p = F.log_softmax(logits.reshape(batch, -1, width), dim=2)
            loss = loss - (target.reshape(batch, -1, width) * log_p).sum((1, 2))
        return loss.mean()

    # ------------------------------------------------------------------------ generation
    @torch.no_grad()
    def generate(
        self, n: int, generator: torch.Generator, condition: tuple[str, int] | None = None
    ) -> torch.Tensor:
        """``n`` rows decoded from random codes: one-hot spans as Gumbel-perturbed logits (the
        decoder reads their argmax: a draw from the softmax), scalars with the learned spread
        added."""
        if condition is not None:
            raise ValueError("the VAE-GAN generates without conditions")
        was_training = self.generator.training
        self.generator.eval()
        try:
            z = torch.randn(n, self.config.noise_dim, generator=generator, device=self.device)
            out = self.head(self.generator(z), generator, draw=True)
            scalars = self.head.groups.tanh_index
            noise = torch.randn(n, scalars.numel(), generator=generator, device=self.device)
            out[:, scalars] = (out[:, scalars] + noise * self.generator.spread()).clamp(-1, 1)
            return out
        finally:
            self.generator.train(was_training)
