"""Table to matrix and back: per-column encoders and the reversible transform."""
