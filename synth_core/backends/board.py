"""The progress board: a small Ray actor between a fit running on a worker and the page that
watches it. The worker publishes its progress snapshot and learns whether it was asked to stop;
the server reads the latest snapshot and raises the stop flag.

Kept apart and light (no torch, no Ray import): every fit starts one, in its own process.
"""

from __future__ import annotations

from synth_core.training.progress import ProgressSnapshot


class ProgressBoard:
    def __init__(self) -> None:
        self.latest_snapshot: ProgressSnapshot | None = None
        self.stop_asked = False

    def publish(self, snapshot: ProgressSnapshot) -> bool:
        """Keep ``snapshot``; True when the fit was asked to stop."""
        self.latest_snapshot = snapshot
        return self.stop_asked

    def latest(self) -> ProgressSnapshot | None:
        return self.latest_snapshot

    def ask_to_stop(self) -> None:
        self.stop_asked = True
