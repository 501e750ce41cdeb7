"""Ctrl+C during a long command-line step: the first press asks the step to stop and keep what
it has (a fit saves the model learned so far, as the app's Stop button does); a second press
quits at once."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def first_interrupt_stops(stop: threading.Event, message: str) -> Iterator[None]:
    """While inside, the first Ctrl+C sets ``stop`` and prints ``message``; the next raises
    ``KeyboardInterrupt``. Outside the main thread (where Python delivers signals) it does
    nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print(f"\n{message}", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
