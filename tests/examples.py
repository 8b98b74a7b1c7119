"""How many examples a Hypothesis test draws.

As written under ``make test`` and CI. ``make test-fast`` sets ``HARROW_QUICK_EXAMPLES=1`` for the edit-and-run
loop: a tenth of each count, and never fewer than 3, so every property and every view is still tried.
"""

from __future__ import annotations

import os

QUICK = os.environ.get("HARROW_QUICK_EXAMPLES") == "1"


def examples(count: int) -> int:
    """``count``, or a tenth of it (at least 3) in the quick loop."""
    return max(3, count // 10) if QUICK else count
