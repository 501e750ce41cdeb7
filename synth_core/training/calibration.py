"""Category shares kept: after training, the categories of every discrete column are brought
back to their real shares.

A model can learn a category column's shares badly: CTGAN's training-by-sampling shows the critic
real rows drawn by log-frequency of their category, so a generator that does not heed its
condition learns those flattened shares (a 95 % category comes back near 50 %), and any model
trained briefly on a skewed column under-draws its big category. ``calibrate_categories``
generates rows, compares each discrete column's shares with the real ones (the encoder's
frequencies: for a differentially private run the noisy release, so nothing new is read) and
sets a per-category bias on the sampling odds (``CategoricalEncoder.bias_``), a few times over.
The rest of a row is generated as before; only which category is picked moves.
"""

from __future__ import annotations

import numpy as np
import torch

from synth_core.encoding.encoders import CategoricalEncoder
from synth_core.encoding.transform import TableTransform
from synth_core.models.core import GanCore

ROUNDS = 4  # generate, compare, correct
ROWS = 4_000  # rows generated per round
SMOOTHING = 0.5  # rows added to every category's count: a category never drawn gets a finite log
MAX_BIAS = 6.0  # at most this shift of a category's log-odds


def calibrate_categories(core: GanCore, transform: TableTransform, seed: int) -> None:
    """Set every category encoder's ``bias_`` so that generated shares match the real ones."""
    encoders = _category_blocks(transform)
    if not encoders:
        return
    generator = torch.Generator(core.device).manual_seed(seed)
    for _ in range(ROUNDS):
        matrix = core.generate(ROWS, generator).cpu().numpy()
        for encoder, start in encoders:
            codes = encoder.pick(matrix[:, start : start + encoder.width])
            made = np.bincount(codes, minlength=encoder.width) + SMOOTHING
            real = np.asarray(encoder.frequencies_) * ROWS + SMOOTHING
            step = np.log(real / real.sum()) - np.log(made / made.sum())
            bias = np.clip(np.asarray(encoder.bias_) + step, -MAX_BIAS, MAX_BIAS)
            encoder.bias_ = (bias - bias.max()).tolist()


def _category_blocks(transform: TableTransform) -> list[tuple[CategoricalEncoder, int]]:
    """Each category encoder with where its block starts in the matrix."""
    blocks, start = [], 0
    for encoder in transform.encoders_:
        if isinstance(encoder, CategoricalEncoder) and encoder.width > 1:
            blocks.append((encoder, start))
        start += encoder.width
    return blocks
