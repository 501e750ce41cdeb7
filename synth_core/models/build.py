"""Build a model type's training core, and turn what it generates into table rows."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pandas as pd
import torch

from synth_core.encoding.transform import TableTransform
from synth_core.models.core import GanCore
from synth_core.models.variants import CORES, Variant


def build_core(variant: Variant, *args: Any, **kwargs: Any) -> GanCore:
    """The training core of ``variant``; arguments as ``GanCore``'s."""
    module, name = CORES[variant.family].split(":")
    core_class = getattr(importlib.import_module(module), name)
    return core_class(variant, *args, **kwargs)


def generate_frame(
    core: GanCore,
    transform: TableTransform,
    n: int,
    rng: np.random.Generator,
    condition: tuple[str, int] | None = None,
) -> pd.DataFrame:
    """``n`` table rows from ``core``, drawing every random number from ``rng``."""
    torch_rng = torch.Generator(core.device).manual_seed(int(rng.integers(2**62)))
    matrix = core.generate(n, torch_rng, condition).cpu().numpy()
    return transform.inverse(matrix, rng)
