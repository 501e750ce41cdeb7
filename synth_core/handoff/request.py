"""What a person asks of a bundle (torch-free: the command line builds it before loading)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    """What the person asks for: how many rows, the seed, conditions, the column to predict in
    the usefulness test, and whether to add the model file."""

    rows: int
    seed: int | None = None  # None: the model's seed
    conditions: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    include_model: bool = False
