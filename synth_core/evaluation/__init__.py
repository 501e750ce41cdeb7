"""Evaluation of a synthetic table: fidelity, usefulness, privacy scores, detection, verdicts."""
