"""Tables in and out: reading, formula-safe writing, the holdout split, row fingerprints,
the bundled sample.

Only reading and writing are gathered here; ``split`` (scikit-learn) and ``hashing`` are
imported from their modules, so that importing this package stays light.
"""

from synth_core.tables.cells import MISSING_MARKERS
from synth_core.tables.limits import MIN_ROWS, ReadLimits
from synth_core.tables.progress import ReadProgress
from synth_core.tables.read import ReadInfo, ReadResult, read_table
from synth_core.tables.write import (
    FORMULA_PREFIXES,
    neutralise_formulas,
    to_csv_bytes,
    to_xlsx_bytes,
    write_csv,
)

__all__ = [
    "FORMULA_PREFIXES",
    "MIN_ROWS",
    "MISSING_MARKERS",
    "ReadInfo",
    "ReadLimits",
    "ReadProgress",
    "ReadResult",
    "neutralise_formulas",
    "read_table",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "write_csv",
]
