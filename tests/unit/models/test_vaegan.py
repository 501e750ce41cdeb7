"""The VAE-GAN core: its losses, its critic schedule and how it draws rows."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from synth_core.config import TrainingConfig
from synth_core.encoding.encoders import TANH
from synth_core.models.build import build_core
from synth_core.models.networks import SPREAD_RANGE
from synth_core.models.vaegan import VaeGanCore
from synth_core.models.variants import VARIANTS, config_for
from tests.helpers import INTERLEAVED_SPANS as SPANS


def small_config(**changes) -> TrainingConfig:
    settings = {"generator_dims": (16,), "discriminator_dims": (16,), "noise_dim": 4, "pac": 2}
    return config_for("vaegan", **{**settings, **changes})


def one_hot_rows(n: int, seed: int = 0) -> torch.Tensor:
    """Rows laid out like ``SPANS``: scalars in (-1, 1), one 1 in each one-hot block."""
    g = torch.Generator().manual_seed(seed)
    blocks = []
    for span in SPANS:
        if span.activation == TANH:
            blocks.append(torch.rand(n, 1, generator=g) * 1.6 - 0.8)
        else:
            codes = torch.randint(span.width, (n,), generator=g)
            blocks.append(F.one_hot(codes, span.width).float())
    return torch.cat(blocks, dim=1)


def make_core(data: torch.Tensor | None = None, **changes) -> VaeGanCore:
    data = one_hot_rows(64) if data is None else data
    core = build_core(
        VARIANTS["vaegan"],
        small_config(**changes),
        SPANS,
        [],
        data,
        torch.Generator().manual_seed(0),
    )
    assert isinstance(core, VaeGanCore)
    return core


def test_reconstruction_loss_matches_a_per_span_computation():
    core = make_core()
    real = one_hot_rows(8, seed=1)
    raw = torch.randn(8, real.shape[1], generator=torch.Generator().manual_seed(2))
    spread = core.generator.spread()
    expected = torch.zeros(8)
    start, scalar = 0, 0
    for span in SPANS:
        block, target = raw[:, start : start + span.width], real[:, start : start + span.width]
        if span.activation == TANH:
            s = spread[scalar]
            expected += 0.5 * ((torch.tanh(block[:, 0]) - target[:, 0]) / s) ** 2 + torch.log(s)
            scalar += 1
        else:
            expected += F.cross_entropy(block, target.argmax(1), reduction="none")
        start += span.width
    assert core.reconstruction_loss(raw, real).item() == pytest.approx(expected.mean().item())


def test_spread_starts_at_a_tenth_and_stays_in_its_range():
    core = make_core()
    assert torch.allclose(core.generator.spread(), torch.full((2,), 0.1))
    with torch.no_grad():
        core.generator.log_spread.copy_(torch.tensor([-50.0, 50.0]))
    assert core.generator.spread().tolist() == pytest.approx(list(SPREAD_RANGE))


def test_training_lowers_the_reconstruction_loss():
    core = make_core(data=one_hot_rows(256))
    first = [core.step(64)["reconstruction_loss"].item() for _ in range(5)]
    for _ in range(200):
        last = core.step(64)["reconstruction_loss"].item()
    assert last < 0.7 * sum(first) / len(first)


@pytest.mark.parametrize("every", [1, 3])
def test_the_critic_is_updated_every_nth_step_only(every):
    core = make_core(adversarial_every=every)
    before = [p.detach().clone() for p in core.discriminator.parameters()]
    core.step(32)
    assert core._d_updates == 1
    changed = [
        not torch.equal(a, b) for a, b in zip(before, core.discriminator.parameters(), strict=True)
    ]
    assert any(changed)
    for _ in range(5):
        metrics = core.step(32)
    assert core._d_updates == 1 + 5 // every
    assert {"wasserstein", "adversarial_loss", "reconstruction_loss"} <= set(metrics)


def test_without_adversarial_weight_the_critic_never_learns():
    core = make_core(adversarial_weight=0.0)
    before = [p.detach().clone() for p in core.discriminator.parameters()]
    for _ in range(3):
        metrics = core.step(32)
    assert core._d_updates == 0
    assert all(
        torch.equal(a, b) for a, b in zip(before, core.discriminator.parameters(), strict=True)
    )
    assert "adversarial_loss" not in metrics


def test_generated_rows_have_one_hot_logits_and_scalars_in_range():
    core = make_core()
    rows = core.generate(500, torch.Generator().manual_seed(3))
    scalars = rows[:, core.head.groups.tanh_index]
    assert rows.shape == (500, sum(s.width for s in SPANS))
    assert scalars.abs().max() <= 1.0
    # The learned spread is added to the decoded scalars: the same code gives varied values.
    core.generator.eval()
    decoded = torch.tanh(core.generator(torch.zeros(1, 4)))[0, core.head.groups.tanh_index]
    with torch.no_grad():
        core.generator.log_spread.fill_(math.log(0.5))
    again = core.generate(2000, torch.Generator().manual_seed(4))[:, core.head.groups.tanh_index]
    assert again.std(0).min() > 0.3 and decoded.shape == (2,)


def test_generated_rows_repeat_with_the_same_generator_seed():
    core = make_core()
    a = core.generate(50, torch.Generator().manual_seed(5))
    b = core.generate(50, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


def test_conditions_are_refused():
    with pytest.raises(ValueError, match="without conditions"):
        make_core().generate(5, torch.Generator(), condition=("b", 0))


def test_a_cosine_schedule_lowers_every_learning_rate_to_a_tenth():
    core = make_core(lr_schedule="cosine")
    base = [g["lr"] for opt in (core.opt_g, core.opt_d) for g in opt.param_groups]
    for fraction, scale in [(0.0, 1.0), (0.5, 0.55), (1.0, 0.1), (2.0, 0.1)]:
        core.set_progress(fraction)
        now = [g["lr"] for opt in (core.opt_g, core.opt_d) for g in opt.param_groups]
        assert now == pytest.approx([b * scale for b in base])


def test_a_constant_schedule_leaves_the_learning_rates_alone():
    core = make_core()
    core.set_progress(0.9)
    assert core.opt_g.param_groups[0]["lr"] == core.config.generator_lr
