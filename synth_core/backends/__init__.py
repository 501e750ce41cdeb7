"""Where trainings, generation and scoring run: this process (``embedded``, the default) or a
Ray cluster (``ray``, optional: ``requirements-ray.txt``).

``choice.backend_for`` picks one by name or from ``SYNTH_BACKEND``; ``base.Backend`` is the
interface both implement. This package's ``__init__`` imports nothing, so that Ray's worker
processes can load its small modules (the progress board) without torch.
"""

BACKEND_ENV = "SYNTH_BACKEND"
#: The backends by name (``choice.BACKENDS`` maps them to their classes), the default first.
BACKEND_NAMES = ("embedded", "ray")
#: The formats a sharded ``sample`` writes.
SHARD_FORMATS = ("parquet", "csv")
