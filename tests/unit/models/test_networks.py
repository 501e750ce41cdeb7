"""The networks' building blocks: output activations, generator blocks, dropout, the lazy
gradient penalty and the condition sampler."""

from __future__ import annotations

import pytest
import torch

from synth_core.config import TrainingConfig
from synth_core.encoding.encoders import SOFTMAX, TANH, Span
from synth_core.models.conditions import ConditionSampler
from synth_core.models.core import SeededDropout
from synth_core.models.losses import WassersteinLoss
from synth_core.models.networks import Discriminator, Generator, OutputHead, gumbel
from tests.helpers import INTERLEAVED_SPANS as SPANS


def per_span_reference(raw: torch.Tensor, noise: torch.Tensor, tau: float) -> torch.Tensor:
    parts, start = [], 0
    for span in SPANS:
        x = raw[:, start : start + span.width]
        if span.activation == TANH:
            parts.append(torch.tanh(x))
        else:
            parts.append(torch.softmax((x + noise[:, start : start + span.width]) / tau, dim=1))
        start += span.width
    return torch.cat(parts, dim=1)


def test_output_head_matches_a_per_span_computation():
    head = OutputHead(SPANS)
    raw = torch.randn(6, head.groups.width, generator=torch.Generator().manual_seed(0))
    out = head(raw, torch.Generator().manual_seed(1))
    noise = torch.zeros_like(raw)
    soft = head.groups.soft_index
    noise[:, soft] = gumbel((6, soft.numel()), torch.Generator().manual_seed(1), "cpu")
    torch.testing.assert_close(out, per_span_reference(raw, noise, head.tau))


def test_output_head_gradient_matches_per_span_softmax_even_for_huge_logits():
    head = OutputHead(SPANS)
    # Logits of +-100 / tau: exp would overflow without the shift by each span's largest value.
    raw = 100 * torch.randn(8, head.groups.width, generator=torch.Generator().manual_seed(0))
    noise = torch.zeros_like(raw)
    soft = head.groups.soft_index
    noise[:, soft] = gumbel((8, soft.numel()), torch.Generator().manual_seed(3), "cpu")
    weights = torch.randn(8, head.groups.width, generator=torch.Generator().manual_seed(4))
    ours, reference = raw.clone().requires_grad_(True), raw.clone().requires_grad_(True)
    out = head(ours, torch.Generator().manual_seed(3))
    expected = per_span_reference(reference, noise, head.tau)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, expected)
    (out * weights).sum().backward()
    (expected * weights).sum().backward()
    torch.testing.assert_close(ours.grad, reference.grad)


def test_output_head_draw_gives_the_same_categories_as_training():
    head = OutputHead(SPANS)
    raw = torch.randn(50, head.groups.width, generator=torch.Generator().manual_seed(0))
    trained = head(raw, torch.Generator().manual_seed(2))
    drawn = head(raw, torch.Generator().manual_seed(2), draw=True)
    start = 0
    for span in SPANS:
        block = slice(start, start + span.width)
        if span.activation == SOFTMAX:
            assert torch.equal(trained[:, block].argmax(1), drawn[:, block].argmax(1))
        else:
            torch.testing.assert_close(drawn[:, block], torch.tanh(raw[:, block]))
        start += span.width


def test_output_head_passes_gradients_to_every_column():
    head = OutputHead(SPANS)
    raw = torch.randn(4, head.groups.width, requires_grad=True)
    (
        head(raw, torch.Generator().manual_seed(0)) * torch.randn(4, head.groups.width)
    ).sum().backward()
    assert (raw.grad.abs().sum(0) > 0).all()


@pytest.mark.parametrize("block", ["concat", "residual"])
def test_generator_blocks_keep_the_output_width(block):
    net = Generator(10, (16, 16), 7, block)
    assert net(torch.randn(8, 10)).shape == (8, 7)
    widths = [layer.in_features for layer in net.modules() if isinstance(layer, torch.nn.Linear)]
    assert widths == ([10, 26, 42] if block == "concat" else [10, 16, 16])


def test_unknown_generator_block_is_refused():
    with pytest.raises(ValueError):
        Generator(10, (16,), 7, "dense")


def test_config_from_an_older_file_keeps_the_concatenating_generator():
    saved = TrainingConfig(generator_block="residual").to_dict()
    assert TrainingConfig.from_dict(saved).generator_block == "residual"
    del saved["generator_block"]
    assert TrainingConfig.from_dict(saved).generator_block == "concat"


@pytest.mark.parametrize("width", [64, 100])  # the 64-bit fast path, and the general one
def test_seeded_dropout_keeps_half_and_rescales(width):
    drop = SeededDropout(0.5, torch.Generator().manual_seed(0))
    out = drop(torch.ones(400, width))
    assert set(out.unique().tolist()) == {0.0, 2.0}
    assert abs(out.mean().item() - 1.0) < 0.05
    again = SeededDropout(0.5, torch.Generator().manual_seed(0))(torch.ones(400, width))
    assert torch.equal(out, again)


def test_lazy_gradient_penalty_is_skipped_or_scaled():
    critic = Discriminator(3, (8,), pac=2, dropout=0.0)
    real, fake = (torch.randn(4, 3), None), (torch.randn(4, 3), None)
    loss = WassersteinLoss(gp_weight=10.0)
    plain, extra = loss.discriminator(critic, real, fake, torch.Generator().manual_seed(0), 0.0)
    assert "gradient_penalty" not in extra
    scaled, extra = loss.discriminator(critic, real, fake, torch.Generator().manual_seed(0), 4.0)
    torch.testing.assert_close(scaled, plain + 40.0 * extra["gradient_penalty"])


def dense_twin(critic: Discriminator):
    """The critic as the paper writes it: one dense first layer over [rows | conditions] of a
    group, as a function of the concatenated input."""
    weight = torch.cat([critic.rows_in.weight, critic.cond_in.weight], dim=1)

    def score(rows, cond):
        pac = critic.pac
        packed = torch.cat(
            [rows.reshape(-1, rows.shape[1] * pac), cond.reshape(-1, cond.shape[1] * pac)], 1
        )
        return critic.net(packed @ weight.T + critic.rows_in.bias).squeeze(1)

    return score


def test_critic_with_conditions_is_one_dense_layer_over_rows_and_conditions():
    critic = Discriminator(5, (8, 4), pac=2, dropout=0.0, cond_dim=3)
    gen = torch.Generator().manual_seed(0)
    rows = torch.randn(6, 5, generator=gen)
    cond = torch.eye(3)[torch.randint(3, (6,), generator=gen)]
    torch.testing.assert_close(critic(rows, cond), dense_twin(critic)(rows, cond))


def test_batches_sharing_conditions_are_judged_as_with_their_own_copies():
    from synth_core.models.losses import gradient_penalty
    from synth_core.models.networks import join

    critic = Discriminator(5, (8, 4), pac=2, dropout=0.0, cond_dim=3)
    gen = torch.Generator().manual_seed(0)
    real, fake = torch.randn(6, 5, generator=gen), torch.randn(6, 5, generator=gen)
    cond = torch.eye(3)[torch.randint(3, (6,), generator=gen)]
    shared = join((real, cond), (fake, cond))
    assert shared[1] is cond  # one copy of the conditions, read once for both halves
    copies = (torch.cat([real, fake]), torch.cat([cond, cond.clone()]))
    torch.testing.assert_close(critic(*shared), critic(*copies))
    torch.testing.assert_close(critic(*shared), dense_twin(critic)(*copies))
    penalty = gradient_penalty(critic, (real, cond), (fake, cond), torch.Generator().manual_seed(1))
    expected = gradient_penalty(
        critic, (real, cond), (fake, cond.clone()), torch.Generator().manual_seed(1)
    )
    torch.testing.assert_close(penalty, expected)
    assert not cond.requires_grad  # the shared conditions were not turned into a leaf


def test_gradient_penalty_covers_rows_and_conditions():
    from synth_core.models.losses import gradient_penalty

    critic = Discriminator(5, (8,), pac=2, dropout=0.0, cond_dim=3)
    gen = torch.Generator().manual_seed(0)
    real = (torch.randn(6, 5, generator=gen), torch.eye(3)[torch.tensor([0, 1, 2, 0, 1, 2])])
    fake = (torch.randn(6, 5, generator=gen), torch.eye(3)[torch.tensor([2, 2, 1, 1, 0, 0])])
    penalty = gradient_penalty(critic, real, fake, torch.Generator().manual_seed(1))

    alpha = torch.rand(3, 1, 1, generator=torch.Generator().manual_seed(1))
    twin, norms = dense_twin(critic), []
    for group in range(3):  # one pac group (two rows) at a time, by hand
        a = alpha[group, 0, 0]
        pick = slice(2 * group, 2 * group + 2)
        rows = (a * real[0][pick] + (1 - a) * fake[0][pick]).requires_grad_(True)
        cond = (a * real[1][pick] + (1 - a) * fake[1][pick]).requires_grad_(True)
        grad_rows, grad_cond = torch.autograd.grad(twin(rows, cond).sum(), (rows, cond))
        norms.append(torch.cat([grad_rows.flatten(), grad_cond.flatten()]).norm())
    expected = ((torch.stack(norms) - 1) ** 2).mean()
    torch.testing.assert_close(penalty, expected)


def test_split_first_layer_is_initialised_as_one_layer():
    from synth_core.models.core import init_parameters

    critic = Discriminator(40, (64,), pac=10, cond_dim=60)
    init_parameters(critic, torch.Generator().manual_seed(0))
    bound = 1 / (10 * (40 + 60)) ** 0.5  # the whole layer's fan in, not each block's
    for weight in (critic.rows_in.weight, critic.cond_in.weight):
        assert weight.abs().max() <= bound
        assert weight.abs().max() > 0.95 * bound


def test_condition_sampler_follows_its_probabilities():
    spans = [Span("x", "category", 3, SOFTMAX), Span("y", "category", 2, SOFTMAX)]
    counts = torch.tensor([[10.0, 0.0, 30.0], [1.0, 1.0, 0.0]])
    sampler = ConditionSampler(spans, ["x", "y"], counts, log_frequency=False)
    cond, col, _ = sampler.sample(20_000, torch.Generator().manual_seed(0), from_data=False)
    assert torch.equal(cond.sum(1), torch.ones(20_000))
    x_rows = cond[col == 0][:, :3].mean(0)
    torch.testing.assert_close(x_rows, torch.tensor([0.25, 0.0, 0.75]), atol=0.02, rtol=0)
    y_rows = cond[col == 1][:, 3:].mean(0)
    torch.testing.assert_close(y_rows, torch.tensor([0.5, 0.5]), atol=0.02, rtol=0)


def test_condition_loss_is_the_cross_entropy_of_each_rows_requested_category():
    from synth_core.models.conditions import ConditionLoss

    spans = [
        Span("n", "value", 1, TANH),
        Span("x", "category", 3, SOFTMAX),
        Span("y", "category", 4, SOFTMAX),
    ]
    counts = torch.tensor([[5.0, 3.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    sampler = ConditionSampler(spans, ["x", "y"], counts)
    gen = torch.Generator().manual_seed(0)
    cond, col, _ = sampler.sample(64, gen, from_data=False)
    raw = torch.randn(64, 8, generator=gen)
    blocks = {0: (1, 0, 3), 1: (4, 3, 4)}  # column -> (start in raw, start in cond, width)
    losses = []
    for i in range(64):
        raw_start, cond_start, width = blocks[int(col[i])]
        logits = raw[i, raw_start : raw_start + width]
        wanted = cond[i, cond_start : cond_start + width].argmax()
        losses.append(torch.nn.functional.cross_entropy(logits[None], wanted[None]))
    torch.testing.assert_close(ConditionLoss(sampler)(raw, cond, col), torch.stack(losses).mean())
