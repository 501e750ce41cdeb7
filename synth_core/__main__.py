"""``python -m synth_core``: the command line."""

import sys

from synth_core.openmp import wait_briefly

wait_briefly()  # before PyTorch is imported: see synth_core/openmp.py

from synth_core.cli import main  # noqa: E402

sys.exit(main())
