"""Tables in and out: reading, formula-safe writing, the holdout split, row fingerprints,
the bundled sample."""
