"""Which backend runs the work: ``SYNTH_BACKEND`` (``embedded`` unless set), or a name given
by the command line (``--backend``)."""

from __future__ import annotations

import os

from synth_core.backends import BACKEND_ENV, BACKEND_NAMES
from synth_core.backends.base import Backend
from synth_core.backends.embedded import EmbeddedBackend
from synth_core.backends.ray_backend import RayBackend
from synth_core.errors import SynthError
from synth_core.jobs import TrainingSlots

BACKENDS = dict(zip(BACKEND_NAMES, (EmbeddedBackend, RayBackend), strict=True))


def backend_name(name: str | None = None) -> str:
    """``name``, else ``SYNTH_BACKEND``, else ``embedded``; refused when unknown."""
    chosen = (name or os.environ.get(BACKEND_ENV) or "embedded").strip().lower()
    if chosen not in BACKENDS:
        raise SynthError(
            f"Unknown backend {chosen!r}: use {' or '.join(BACKENDS)} "
            f"(--backend, or the {BACKEND_ENV} setting)."
        )
    return chosen


def backend_for(name: str | None = None, slots: TrainingSlots | None = None) -> Backend:
    """The backend called ``name`` (see ``backend_name``), sharing the queue ``slots``."""
    return BACKENDS[backend_name(name)](slots=slots)
