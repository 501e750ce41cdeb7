"""How long PyTorch's CPU threads wait spinning before they sleep.

PyTorch's threads (OpenMP's, on a CPU) wait for each other at every operation, by default
spinning for a long while: quick on an idle machine, and ruinous when anything else wants the
same cores (a second user's scoring in the app, the browser drawing the live chart, another
program), as the spinning threads keep the cores from the thread they wait for. A short spin
before sleeping costs a little on an idle machine and saves most of that loss; the figures are
in bench/README.md (``bench_shared_cpu.py``).

OpenMP reads the setting once, when PyTorch is first imported: the entry points (the command
line, the app) call ``wait_briefly`` before anything imports it. This module imports nothing
heavy for that reason.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

SPIN_COUNT = "1000"  # spins before a waiting thread sleeps (GNU OpenMP's own default: 300,000)
SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")  # a person's own choice of either stays


def wait_briefly(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set ``GOMP_SPINCOUNT`` to ``SPIN_COUNT`` unless ``environ`` already says how to wait."""
    if not any(name in environ for name in SETTINGS):
        environ["GOMP_SPINCOUNT"] = SPIN_COUNT
