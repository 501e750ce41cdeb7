"""How many decimal places a column of numbers needs."""

from __future__ import annotations

import numpy as np

MAX_DECIMALS = 6
DECIMALS_RTOL = 1e-14  # float noise tolerated when counting decimals (0.1 + 0.2 has one)


def decimal_places(
    numbers: np.ndarray, *, rtol: float = DECIMALS_RTOL, atol: float = 0.0, cap: int = MAX_DECIMALS
) -> int:
    """Fewest decimal places (at most ``cap``) that write every number, within ``rtol`` and
    ``atol`` as ``np.isclose`` reads them.

    The schema tolerates relative float noise (the default, so 0.1 + 0.2 has one place); the
    encoding rounds generated numbers to places found with an absolute tolerance. The two answer
    differently for very large and very small numbers, so each keeps its own.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        for places in range(cap + 1):
            if np.isclose(np.round(numbers, places), numbers, rtol=rtol, atol=atol).all():
                return places
    return cap
