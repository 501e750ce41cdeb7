"""``python -m synth_core``: the command line."""

import sys

from synth_core.cli import main

sys.exit(main())
