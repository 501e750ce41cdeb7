"""Scores of big tables: exact statistics over the whole tables, the usual scores on a sample.

SDMetrics and the scikit-learn scores grow with the rows; on a table of millions they read a
seeded sample, and the result says how many rows it read (``sample_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from synth_core.backends.column_stats import ColumnStats, largest_gap
from synth_core.evaluation.evaluate import Evaluation


@dataclass(frozen=True)
class BigEvaluation:
    real_stats: list[ColumnStats]
    synthetic_stats: list[ColumnStats]
    rows: dict[str, int]  # whole tables: "real", "synthetic"
    sample_rows: int  # at most this many rows of each table fed the scores
    scores: Evaluation
    seconds: float

    def gaps(self) -> dict[str, float]:
        """Per column, how far the synthetic statistics are from the real ones (0 to 1)."""
        return {
            real.name: largest_gap(real, synthetic)
            for real, synthetic in zip(self.real_stats, self.synthetic_stats, strict=True)
        }

    def describe_sample(self) -> str:
        real = min(self.rows["real"], self.sample_rows)
        synthetic = min(self.rows["synthetic"], self.sample_rows)
        return (
            f"statistics over all {self.rows['real']:,} real and {self.rows['synthetic']:,} "
            f"synthetic rows; scores on a seeded sample of {real:,} real and {synthetic:,} "
            "synthetic rows"
        )

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "sample_rows": self.sample_rows,
            "sampled": self.describe_sample(),
            "seconds": round(self.seconds, 3),
            "columns": {
                real.name: {"real": real.to_dict(), "synthetic": synthetic.to_dict()}
                for real, synthetic in zip(self.real_stats, self.synthetic_stats, strict=True)
            },
            "gaps": self.gaps(),
            "scores": self.scores.to_dict(),
        }
