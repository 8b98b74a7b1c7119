"""Checks on what `spc` and `spc_many` are given: bad input is refused with a message that names it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeGuard

import numpy as np

from .results import IMPROVEMENT_SIGN


def values_1d(values: Iterable[float] | np.ndarray) -> tuple[np.ndarray, float]:
    """The values as a new 1-D float array of finite numbers, and their sum (`np.add.reduce`, as the kernel sums
    a series)."""
    try:
        y = np.array(values if isinstance(values, np.ndarray) else list(values), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numbers: {exc}") from exc
    if y.ndim != 1:
        raise ValueError(f"values must be 1-D, got {y.ndim}-D; use spc_many for a matrix")
    # A finite sum means every value is finite (a NaN or an infinity would carry through); only a sum that
    # overflowed, or a real non-finite value, needs the element-wise test.
    total = float(np.add.reduce(y))
    if not math.isfinite(total) and not np.isfinite(y).all():
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"values must be finite numbers; index {bad} is {y[bad]}")
    return y, total


def matrix_2d(matrix: np.ndarray) -> np.ndarray:
    y = np.asarray(matrix, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"matrix must be 2-D (series x points), got {y.ndim}-D")
    if not np.isfinite(y).all():
        raise ValueError("matrix must contain only finite numbers")
    return y


def options(
    improvement: str, two_in_three_rule: str, shift_length: int, trend_length: int, fix_after_n_points: int | None
) -> None:
    if improvement not in IMPROVEMENT_SIGN:
        raise ValueError(f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}")
    if two_in_three_rule not in ("ptd", "mdc2023"):
        raise ValueError(f"two_in_three_rule must be 'ptd' or 'mdc2023', got {two_in_three_rule!r}")
    for name, value in (("shift_length", shift_length), ("trend_length", trend_length)):
        if not _is_int(value) or value < 2:
            raise ValueError(f"{name} must be an integer of at least 2, got {value!r}")
    if fix_after_n_points is not None and (not _is_int(fix_after_n_points) or fix_after_n_points < 2):
        raise ValueError(f"fix_after_n_points must be None or an integer of at least 2, got {fix_after_n_points!r}")


def _is_int(value: object) -> TypeGuard[int | np.integer]:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def target(value: float | None) -> float | None:
    if value is None:
        return None
    try:
        t = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"target must be a number or None, got {value!r}") from exc
    if not np.isfinite(t):
        raise ValueError(f"target must be finite, got {value!r}")
    return t


def targets(value, k: int) -> None:
    """`spc_many`'s target: None, one number, or one number per series."""
    if value is not None:
        t = np.asarray(value, dtype=float)
        if t.ndim > 1 or (t.ndim == 1 and t.shape[0] != k):
            raise ValueError("target must be a number or one number per series")


def group_starts(rebase_at: Iterable[int], n: int) -> list[int]:
    if type(rebase_at) is tuple and not rebase_at:
        return [0]
    starts = {0}
    for i in rebase_at:
        if not _is_int(i):
            raise ValueError(f"rebase_at must hold integer indices, got {i!r}")
        if not 0 <= i < n:
            raise ValueError(f"rebase_at index {i} is outside the series (0..{n - 1})")
        starts.add(int(i))
    return sorted(starts)


def min_points(value: object) -> None:
    """The caller's minimum for limits: None (always compute them) or an integer of at least 2."""
    if value is not None and (not _is_int(value) or value < 2):
        raise ValueError(f"min_points must be None or an integer >= 2, not {value!r}")
