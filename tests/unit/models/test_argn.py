"""The autoregressive model type: tokens and back, column orders, the realism probe, learning,
and the validation loss that ends a run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from synth_core.encoding.transform import TableTransform
from synth_core.models.argn_network import ArgnNetwork, drop_units, head_groups
from synth_core.models.realism_probe import classifier_accuracy
from synth_core.models.tokens import CHOICE, FINE, TokenLayout, fine_bin
from synth_core.schema import infer_schema
from synth_core.synthesizer import Synthesizer
from tests.helpers import check_valid_rows, config_for, make_mixed_frame


@pytest.fixture(scope="module")
def encoded():
    frame = make_mixed_frame(rows=400, seed=2)
    frame["hours"] = np.where(np.arange(400) % 3 == 0, 40, np.arange(400) % 70)
    transform = TableTransform(seed=0).fit(frame, infer_schema(frame))
    matrix = torch.from_numpy(transform.transform(frame, np.random.default_rng(0)))
    return frame, transform, matrix


def test_every_column_becomes_tokens_with_numbers_as_missing_mode_and_fine_bin(encoded):
    _, transform, _ = encoded
    layout = TokenLayout(transform.spans, bins=8)
    kinds = [(s.column, s.kind) for s in layout.sub_columns]
    score = transform.columns.index("score")  # a number with gaps: missing, mode, fine bin
    assert [k for c, k in kinds if c == score] == [CHOICE, CHOICE, FINE]
    color = transform.columns.index("color")
    assert [k for c, k in kinds if c == color] == [CHOICE]


def test_tokens_decode_to_rows_that_encode_to_the_same_tokens(encoded):
    frame, transform, matrix = encoded
    layout = TokenLayout(transform.spans, bins=8)
    edges = layout.fit_edges(matrix)
    tokens = layout.tokenize(matrix, edges)
    decoded = layout.detokenize(tokens, edges, matrix.shape[1], torch.Generator().manual_seed(0))
    assert torch.equal(layout.tokenize(decoded, edges), tokens)
    rows = transform.inverse(decoded.numpy(), np.random.default_rng(0))
    check_valid_rows(frame, rows)
    # A value filling a third of its column comes back exactly as often.
    assert (rows["hours"] == 40).mean() == pytest.approx((frame["hours"] == 40).mean(), abs=0.02)


def test_a_value_on_edges_shared_by_several_bins_takes_a_bin_of_width_zero():
    edges = torch.tensor([[0.0, 1.0, 1.0, 1.0, 2.0]])
    assert fine_bin(edges, torch.tensor([1.0])).item() == 1  # [1, 1]: decodes to exactly 1
    assert fine_bin(edges, torch.tensor([1.5])).item() == 3
    assert fine_bin(edges, torch.tensor([0.5])).item() == 0


def test_each_sub_column_reads_only_those_before_it_in_the_order():
    network = ArgnNetwork([3, 4, 2, 5], [0, 1, 1, 2], 2, (4,), (1, 1, 2))
    fixed = network.visibility(torch.tensor([0, 1, 2]))
    assert torch.equal(fixed, torch.tril(torch.ones(4, 4), diagonal=-1))
    reordered = network.visibility(torch.tensor([2, 0, 1]))  # column 2 first, then 0, then 1
    assert reordered[3].sum() == 0  # column 2 reads nothing
    assert reordered[0].tolist() == [0, 0, 0, 1]
    assert reordered[2].tolist() == [1, 1, 0, 1]  # its own column's first sub-column too
    assert network.sequence(torch.tensor([2, 0, 1])) == [3, 0, 1, 2]


def test_heads_of_like_widths_are_grouped_so_that_a_wide_one_does_not_widen_the_rest():
    sizes = [10, 40, 2, 40, 88, 9, 40, 1, 16, 40]
    groups = head_groups(sizes)
    assert sorted(k for group in groups for k in group) == list(range(len(sizes)))
    assert [max(sizes[k] for k in group) for group in groups] == [10, 40, 88]
    assert head_groups([5, 5, 4]) == [[0, 1, 2]]  # alike: one group
    assert head_groups([3]) == [[0]]


def test_training_scores_each_token_as_the_head_that_draws_it_whatever_the_grouping():
    sizes = [2, 3, 100, 2, 40]
    network = ArgnNetwork(sizes, [0, 1, 2, 3, 3], 2, (8,), (1, 1, 2), members=2)
    assert len(network.head_slices) > 1
    network.reset_parameters(torch.Generator().manual_seed(0))
    with torch.no_grad():
        network.out_weight.normal_(generator=torch.Generator().manual_seed(1))
        network.out_bias.normal_(generator=torch.Generator().manual_seed(2))
    rng = torch.Generator().manual_seed(3)
    tokens = torch.stack([torch.randint(0, s, (6,), generator=rng) for s in sizes], dim=1)
    visible = network.visibility(torch.tensor([2, 0, 3, 1]))
    scored = network.token_log_probs(tokens, visible)  # rows x members x sub-columns
    embedded = network.embedding[tokens[None] + network.token_offsets[:, None, :]]
    x = embedded.reshape(2, 6, -1)  # members x rows x all embeddings, as generation holds them
    first = network._first_weight(visible)
    for k in range(len(sizes)):
        drawing = network.head_logits(x, first, k).log_softmax(2)  # members x rows x tokens
        expected = drawing.gather(2, tokens[None, :, k, None].expand(2, -1, -1)).squeeze(2)
        assert torch.allclose(scored[:, :, k].T, expected, atol=1e-5)


def test_dropout_changes_the_training_likelihood_reproducibly_and_only_when_asked():
    network = ArgnNetwork([3, 4, 2], [0, 1, 2], 2, (8,), (1, 1, 2))
    network.reset_parameters(torch.Generator().manual_seed(0))
    torch.nn.init.normal_(network.out_weight, generator=torch.Generator().manual_seed(1))
    tokens = torch.tensor([[0, 1, 1], [2, 3, 0]])
    visible = network.visibility(torch.tensor([0, 1, 2]))
    plain = network.token_log_probs(tokens, visible)
    assert torch.equal(network.token_log_probs(tokens, visible, 0.0), plain)

    def dropped(seed: int) -> torch.Tensor:
        return network.token_log_probs(tokens, visible, 0.5, torch.Generator().manual_seed(seed))

    assert torch.equal(dropped(3), dropped(3))
    assert not torch.allclose(dropped(3), plain)


def test_dropout_zeroes_its_share_of_each_regressors_units_and_keeps_the_mean():
    h = torch.ones(4000, 2, 3, 8)
    out = drop_units(h, 0.25, torch.Generator().manual_seed(0))
    zeroed = (out == 0).float()
    assert abs(zeroed.mean().item() - 0.25) < 0.01
    assert abs(out.mean().item() - 1.0) < 0.02
    assert torch.allclose(out.unique(), torch.tensor([0.0, 1 / 0.75]))
    # One mask per row and member, shared by the regressors: independent across rows.
    assert torch.equal(zeroed[:, :, 0], zeroed[:, :, 2])
    assert not torch.equal(zeroed[0], zeroed[1])


def test_the_realism_probe_guesses_on_alike_rows_and_tells_different_ones_apart():
    rng = torch.Generator().manual_seed(0)
    real, same = torch.randn(400, 6, generator=rng), torch.randn(400, 6, generator=rng)
    alike = classifier_accuracy(real, same, torch.Generator().manual_seed(1))
    apart = classifier_accuracy(real, same + 3.0, torch.Generator().manual_seed(1))
    assert 0.3 < (alike["real_accuracy"] + alike["fake_accuracy"]) / 2 < 0.7
    assert (apart["real_accuracy"] + apart["fake_accuracy"]) / 2 > 0.95


COUNTRY_OF = {
    "paris": "fr",
    "lyon": "fr",
    "rome": "it",
    "milan": "it",
    "oslo": "no",
    "bergen": "no",
}


def related_frame(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    """A city decides its country, and the price depends on the city."""
    rng = np.random.default_rng(seed)
    city = rng.choice(list(COUNTRY_OF), rows)
    country = pd.Series(city).map(COUNTRY_OF)
    price = np.round(np.where(np.isin(city, ["oslo", "bergen"]), 200.0, 50.0), 2)
    price = price + np.round(rng.normal(0, 5, rows), 2)
    return pd.DataFrame({"city": city, "country": country, "price": price})


def consistent_share(frame: pd.DataFrame) -> float:
    return float((frame["city"].map(COUNTRY_OF) == frame["country"]).mean())


def test_the_model_learns_how_columns_depend_on_each_other():
    frame = related_frame()
    schema = infer_schema(frame)
    # No business rules: they would keep each city with its country by construction.
    untrained = Synthesizer(config_for("argn", generator_lr=1e-9)).fit(frame, schema, rules=[])
    trained = Synthesizer(config_for("argn", epochs=30, generator_lr=1e-2)).fit(
        frame, schema, rules=[]
    )
    before, after = untrained.sample(500, seed=1), trained.sample(500, seed=1)
    assert consistent_share(before) < 0.5
    assert consistent_share(after) > 0.9
    nordic = after[after.country == "no"]["price"].mean()
    assert nordic > after[after.country != "no"]["price"].mean() + 100


def test_a_run_ends_when_the_validation_loss_stops_improving_and_keeps_its_best_epoch():
    frame = related_frame(300)
    config = config_for("argn", epochs=200, generator_lr=1e-2, validation_patience=2)
    synth = Synthesizer(config).fit(frame, infer_schema(frame))
    snap = synth.progress_.snapshot()
    assert snap.epoch < 200
    assert any("validation loss" in note and "Stopped early" in note for note in snap.notes)
    assert len(set(snap.steps["validation_loss"])) > 2  # measured after every epoch
    # The model file says how many epochs ran (a handoff's manifest reports them), not the limit.
    loaded = Synthesizer.load(synth.to_bytes(), device="cpu")
    assert loaded.parts_.epochs_trained == synth.parts_.epochs_trained == snap.epoch


# ---------------------------------------------------------------------------- ensembles
def ensemble_of_copies(members: int) -> tuple[ArgnNetwork, ArgnNetwork]:
    """A one-member network with trained-looking heads, and a ``members`` network whose every
    member holds the same weights."""
    single = ArgnNetwork([3, 4, 2], [0, 1, 1], 2, (8,), (1, 1, 2))
    single.reset_parameters(torch.Generator().manual_seed(0))
    torch.nn.init.normal_(single.out_weight, generator=torch.Generator().manual_seed(1))
    ensemble = ArgnNetwork([3, 4, 2], [0, 1, 1], 2, (8,), (1, 1, 2), members=members)
    with torch.no_grad():
        for mine, theirs in zip(ensemble.parameters(), single.parameters(), strict=True):
            mine.copy_(theirs.repeat(members, *[1] * (theirs.dim() - 1)))
    return single, ensemble


def test_a_single_network_keeps_the_parameter_shapes_that_saved_model_files_hold():
    network = ArgnNetwork([3, 4, 2], [0, 1, 1], 2, (8,), (1, 1, 2))
    shapes = {name: tuple(p.shape) for name, p in network.state_dict().items()}
    assert shapes["embedding"] == (9, 2)
    assert shapes["weights.0"] == (3, 6, 8)
    assert shapes["out_weight"] == (3, 8, 4)
    tripled = ArgnNetwork([3, 4, 2], [0, 1, 1], 2, (8,), (1, 1, 2), members=3)
    assert tripled.state_dict()["weights.0"].shape == (9, 6, 8)


def test_members_with_the_same_weights_are_the_one_network_they_copy():
    single, ensemble = ensemble_of_copies(3)
    tokens = torch.tensor([[0, 1, 1], [2, 3, 0], [1, 0, 1]])
    visible = single.visibility(torch.tensor([0, 1]))
    expected = single.token_log_probs(tokens, visible)  # rows x 1 member x sub-columns
    each = ensemble.token_log_probs(tokens, visible)
    assert torch.allclose(each, expected.expand(-1, 3, -1), atol=1e-6)
    together = ensemble.ensemble_log_likelihood(tokens, visible)
    assert torch.allclose(together, expected.sum((1, 2)), atol=1e-6)
    order = torch.tensor([0, 1])
    drawn = single.sample(200, order, torch.Generator().manual_seed(5))
    assert torch.equal(ensemble.sample(200, order, torch.Generator().manual_seed(5)), drawn)


def test_the_ensemble_draws_each_token_from_the_mean_of_its_members_distributions():
    ensemble = ArgnNetwork([2], [0], 2, (4,), (1, 1, 2), members=2)
    ensemble.reset_parameters(torch.Generator().manual_seed(0))
    with torch.no_grad():  # member 0 always draws token 0, member 1 draws 0 or 1 evenly
        ensemble.out_bias.copy_(torch.tensor([[20.0, -20.0], [0.0, 0.0]]))
    tokens = ensemble.sample(4000, torch.tensor([0]), torch.Generator().manual_seed(1))
    assert tokens.float().mean().item() == pytest.approx(0.25, abs=0.03)
    ones = torch.ones(1, 1, dtype=torch.long)
    likelihood = ensemble.ensemble_log_likelihood(ones, ensemble.visibility(torch.tensor([0])))
    assert likelihood.exp().item() == pytest.approx(0.25, abs=1e-6)


def test_each_member_learns_from_its_own_rows_alone():
    _, ensemble = ensemble_of_copies(2)
    visible = ensemble.visibility(torch.tensor([0, 1]))
    rows = torch.tensor([[[0, 1, 1], [2, 3, 0]]])  # one row each: member 0 and member 1
    ensemble.token_log_probs(rows, visible)[:, 0].sum().backward()
    gradient = ensemble.out_weight.grad
    assert gradient[:3].abs().sum() > 0 and gradient[3:].abs().sum() == 0
    tables = ensemble.embedding.grad  # member 0's embedding tables, then member 1's
    assert tables[:9].abs().sum() > 0 and tables[9:].abs().sum() == 0


def test_each_member_is_the_network_its_own_weights_make():
    members = [ArgnNetwork([3, 4, 2], [0, 1, 1], 2, (8,), (1, 1, 2)) for _ in range(2)]
    for seed, network in enumerate(members):
        network.reset_parameters(torch.Generator().manual_seed(seed))
        torch.nn.init.normal_(network.out_weight, generator=torch.Generator().manual_seed(9 + seed))
    ensemble = ArgnNetwork([3, 4, 2], [0, 1, 1], 2, (8,), (1, 1, 2), members=2)
    with torch.no_grad():
        for mine, *theirs in zip(*(n.parameters() for n in [ensemble, *members]), strict=True):
            mine.copy_(torch.cat(theirs))
    tokens = torch.tensor([[0, 1, 1], [2, 3, 0], [1, 2, 1]])
    visible = ensemble.visibility(torch.tensor([1, 0]))
    each = ensemble.token_log_probs(tokens, visible)
    for m, network in enumerate(members):
        assert torch.allclose(each[:, m], network.token_log_probs(tokens, visible)[:, 0])


def test_an_ensemble_trains_saves_and_loads_to_the_same_rows(tmp_path):
    frame = related_frame()
    config = config_for("argn", epochs=30, generator_lr=1e-2, members=2)
    synth = Synthesizer(config).fit(frame, infer_schema(frame), rules=[])
    assert synth.core_.generator.members == 2 and synth.config_.members == 2
    assert consistent_share(synth.sample(500, seed=1)) > 0.9
    synth.save(tmp_path / "ensemble.synth")
    loaded = Synthesizer.load(tmp_path / "ensemble.synth", device="cpu")
    assert loaded.sample(50, seed=3).equals(synth.sample(50, seed=3))


def test_a_table_too_big_for_the_whole_ensemble_trains_fewer_members_and_says_so(monkeypatch):
    from synth_core.training import estimate

    monkeypatch.setattr(estimate, "ENSEMBLE_EPOCH_SECONDS", 1e-9)
    frame = related_frame(300)
    synth = Synthesizer(config_for("argn", epochs=2, members=3)).fit(frame, infer_schema(frame))
    assert synth.config_.members == 1 and synth.core_.generator.members == 1
    notes = synth.progress_.snapshot().notes
    assert any("Trains one network instead of an ensemble of 3 networks" in n for n in notes)


def test_an_ensemble_draws_its_rows_in_pieces_no_bigger_than_one_network_would_hold():
    frame = related_frame(300)
    synth = Synthesizer(config_for("argn", epochs=2, members=3)).fit(frame, infer_schema(frame))
    network, drawn = synth.core_.generator, []
    original = network.sample

    def counted(n, *args):
        drawn.append(n)
        return original(n, *args)

    network.sample = counted
    rows = synth.core_.generate(100, torch.Generator().manual_seed(0))
    assert rows.shape[0] == 100 and drawn == [34, 34, 32]
    assert synth.core_.generate(0, torch.Generator()).shape[0] == 0
