"""The autoregressive model: learns each column's distribution given the columns before it.

A row becomes tokens (``synth_core.models.tokens``): categories as they are, numbers and dates as
a mixture mode, a quantile bin inside it, and a missing flag. ``ArgnNetwork`` learns every
token's distribution given the tokens before it, by maximum likelihood (the sum of the
cross-entropies of all heads), which is stable and fast to train on a CPU; generation draws
the tokens one after another and decodes them into the transform's encoded layout, so sampling,
rules, filters and the model file work as for every other model type. The design follows the
facts published about MOSTLY AI's TabularARGN (arXiv 2501.12012).

A tenth of the training rows (at most ``VALIDATION_ROWS``) are held out for a validation loss,
measured after every epoch: the run keeps the weights of the epoch with the lowest, and ends
when it has not improved for ``config.validation_patience`` epochs. There is no critic: the
charted accuracy comes from ``synth_core.models.realism_probe``.
"""

from __future__ import annotations

import copy
import math

import torch

from synth_core.config import LR_FLOOR, TrainingConfig
from synth_core.encoding.encoders import Span
from synth_core.models.argn_network import ArgnNetwork
from synth_core.models.conditions import ConditionSampler
from synth_core.models.realism_probe import classifier_accuracy
from synth_core.models.tokens import TokenLayout
from synth_core.models.variants import Variant

VALIDATION_SHARE = 0.1  # of the training rows, held out for the validation loss
VALIDATION_ROWS = 5000  # at most
VALIDATION_CHUNK = 4096  # rows per pass when measuring it
MIN_IMPROVEMENT = 1e-4  # relative: a smaller fall of the validation loss is not progress
PLATEAU_DECAY = 0.5  # the learning rate is multiplied by this after an epoch without progress
PROBE_REFRESH = 20  # accuracy checks between two fresh realism-probe classifiers


class ArgnCore:
    """Network, optimiser, likelihood step, validation and generation of one autoregressive
    run; the same interface as ``GanCore`` (``step``, ``generate``, ``judge``, ...)."""

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
        self.rng, self.data = generator, data
        self.width = sum(span.width for span in spans)
        self.pac = variant.pac(config)
        self.private = None  # no differential privacy for this model type
        self.sampler = ConditionSampler(spans, [], None, False)  # rows for a value: filtered
        self.layout = TokenLayout(spans, config.value_bins)
        self.generator = self._network()
        self.order = torch.arange(len({s.column for s in spans}), device=self.device)
        self.optimiser = torch.optim.Adam(
            self.generator.parameters(),
            lr=config.generator_lr,
            betas=config.betas,
            weight_decay=config.weight_decay,
            fused=True,  # one kernel per step instead of several operations per tensor
        )
        self._validation = _Validation(config.validation_patience)
        self._probe: dict[str, torch.Tensor] | None = None
        self._judged = 0
        if data is not None:
            self._prepare(data)

    def _network(self) -> ArgnNetwork:
        layout, c = self.layout, self.config
        network = ArgnNetwork(
            layout.sizes,
            layout.columns.tolist(),
            c.embedding_dim,
            tuple(c.generator_dims),
            (max(layout.value_count, 1), layout.max_modes, layout.bins + 1),
            c.members,
        )
        network.reset_parameters(self.rng)
        return network.to(self.device)

    def _prepare(self, data: torch.Tensor) -> None:
        """Fit the fine bins, tokenise the rows and hold out the validation rows."""
        with torch.no_grad():
            self.generator.edges.copy_(self.layout.fit_edges(data))
        tokens = self.layout.tokenize(data, self.generator.edges)
        self.generator.start_from_shares(tokens)
        # Kept as int32 (half the memory of a big table's tokens), made int64 a batch at a time.
        tokens = tokens.int()
        held = min(VALIDATION_ROWS, int(len(tokens) * VALIDATION_SHARE))
        shuffled = torch.randperm(len(tokens), generator=self.rng, device=self.device)
        self.validation_tokens = tokens.index_select(0, shuffled[:held])
        self.train_tokens = tokens.index_select(0, shuffled[held:]) if held else tokens
        self._validation.loss = torch.tensor(self.validation_loss())

    def set_progress(self, fraction: float) -> None:
        """Set the learning rate for a run ``fraction`` (0..1) done, by ``config.lr_schedule``."""
        if self.config.lr_schedule != "cosine":
            return
        fraction = min(max(fraction, 0.0), 1.0)
        scale = LR_FLOOR + (1 - LR_FLOOR) * 0.5 * (1 + math.cos(math.pi * fraction))
        for group in self.optimiser.param_groups:
            group.setdefault("initial_lr", group["lr"])
            group["lr"] = group["initial_lr"] * scale

    def to(self, device: torch.device) -> ArgnCore:
        self.device = device
        self.generator.to(device)
        self.order = self.order.to(device)
        return self

    # ------------------------------------------------------------------------- one step
    def _training_order(self) -> torch.Tensor:
        if self.config.column_order == "random":
            return torch.randperm(len(self.order), generator=self.rng, device=self.device)
        return self.order

    def step(self, batch: int, discriminator_steps: int = 1) -> dict[str, torch.Tensor]:
        """One Adam step on the negative log-likelihood of ``batch`` training rows (nats per
        row, summed over the sub-columns); each ensemble member draws its own rows."""
        members = self.config.members
        rows = torch.randint(
            len(self.train_tokens), (batch, members), generator=self.rng, device=self.device
        )
        tokens = self.train_tokens.index_select(0, rows.reshape(-1)).long()
        tokens = tokens.reshape(batch, members, -1)
        visible = self.generator.visibility(self._training_order())
        log_p = self.generator.token_log_probs(tokens, visible, self.config.dropout, self.rng)
        loss = -log_p.sum(2).mean()  # each member learns alone: the mean of their losses
        self.optimiser.zero_grad(set_to_none=True)
        loss.backward()
        self.optimiser.step()
        return {"likelihood_loss": loss.detach(), "validation_loss": self._validation.loss}

    @torch.no_grad()
    def validation_loss(self) -> float:
        """Mean negative log-likelihood of the held-out rows under the ensemble, in the
        generation order (the training rows' when none are held out)."""
        tokens = self.validation_tokens if len(self.validation_tokens) else self.train_tokens
        visible = self.generator.visibility(self.order)
        total = sum(
            -self.generator.ensemble_log_likelihood(chunk.long(), visible).sum().item()
            for chunk in tokens.split(VALIDATION_CHUNK)
        )
        return total / len(tokens)

    # ------------------------------------------------------------------- epochs and end
    def end_epoch(self, progress) -> bool:
        """Measure the validation loss after an epoch; True ends the run (no improvement for
        ``validation_patience`` epochs), with the best epoch's weights restored."""
        stop = self._validation.update(self.validation_loss(), self.generator)
        if self._validation.stale:  # no better than the best epoch: smaller steps from here on
            for group in self.optimiser.param_groups:
                group["lr"] *= PLATEAU_DECAY
        if stop:
            progress.note(
                f"Stopped early: the validation loss (rows the model never trains on) has not "
                f"improved for {self.config.validation_patience} epochs."
            )
            self.end_training(progress)
        return stop

    def end_training(self, progress) -> None:
        """Restore the weights of the epoch with the lowest validation loss, if it was not the
        last."""
        kept = self._validation.restore(self.generator)
        if kept is not None:
            progress.note(
                f"Kept the model from epoch {kept}, which had the lowest validation loss."
            )

    # ----------------------------------------------------------------------- judging
    @torch.no_grad()
    def judge(self, real: torch.Tensor, generator: torch.Generator) -> dict[str, torch.Tensor]:
        """``real_accuracy`` and ``fake_accuracy`` of a small classifier telling ``real`` rows
        (held back from training) from as many generated ones (``realism_probe``); measured
        afresh every ``PROBE_REFRESH`` calls, the latest measure in between. Draws only from
        ``generator``."""
        if self._probe is None or self._judged % PROBE_REFRESH == 0:
            fake = self.generate(real.shape[0], generator)
            self._probe = classifier_accuracy(real, fake, generator)
        self._judged += 1
        return self._probe

    # ------------------------------------------------------------------------ generation
    @torch.no_grad()
    def generate(
        self, n: int, generator: torch.Generator, condition: tuple[str, int] | None = None
    ) -> torch.Tensor:
        """``n`` rows in the transform's encoded layout, drawn token by token. An ensemble draws
        them in as many pieces as it has members: each member holds the embeddings of the rows
        being drawn, so a piece takes the memory that one network drawing ``n`` rows takes."""
        if condition is not None:
            raise ValueError("the autoregressive model generates without conditions")
        piece = max(1, math.ceil(n / self.config.members))
        sizes = [min(piece, n - start) for start in range(0, n, piece)] or [0]
        tokens = torch.cat(
            [
                self.generator.sample(size, self.order, generator, self.config.temperature)
                for size in sizes
            ]
        )
        return self.layout.detokenize(tokens, self.generator.edges, self.width, generator)


class _Validation:
    """The validation loss after each epoch, the best epoch's weights, and when to stop."""

    def __init__(self, patience: int):
        self.patience = patience
        self.loss = torch.tensor(math.nan)
        self.best, self.best_epoch, self.best_state = math.inf, 0, None
        self.epoch, self.stale = 0, 0

    def update(self, loss: float, network: torch.nn.Module) -> bool:
        self.epoch += 1
        self.loss = torch.tensor(loss)
        if loss < self.best - MIN_IMPROVEMENT * abs(self.best if math.isfinite(self.best) else 0):
            self.best, self.best_epoch, self.stale = loss, self.epoch, 0
            self.best_state = copy.deepcopy(network.state_dict())
            return False
        self.stale += 1
        return bool(self.patience) and self.stale >= self.patience

    def restore(self, network: torch.nn.Module) -> int | None:
        """Load the best weights when they are not the current ones; the epoch they are from."""
        if self.best_state is None or self.best_epoch == self.epoch:
            return None
        network.load_state_dict(self.best_state)
        kept, self.epoch = self.best_epoch, self.best_epoch  # the current weights are the best
        return kept
