"""Load the shared reference vectors and compare with their tolerance rule.

The JSON files are third-party test data (GPL/MIT peers) and are never copied into the repository: they are read
from ``shared/reference-vectors`` beside the repository root. If that folder is missing the tests must fail, not
skip, so a CI checkout without it cannot pass silently.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[4]
VECTORS_DIR = (REPO_ROOT / ".." / "shared" / "reference-vectors").resolve()


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed vector file ``name`` (e.g. "rate_ci"); raises if the shared folder or file is missing."""
    path = VECTORS_DIR / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"reference vectors not found at {path}: the shared/reference-vectors folder must sit beside the "
            f"repository root ({REPO_ROOT})"
        )
    return json.loads(path.read_text())


def vectors(name: str) -> list[dict[str, Any]]:
    """Every vector in a file, for ``pytest.mark.parametrize(..., ids=ids(...))``."""
    return load(name)["vectors"]


def ids(name: str) -> list[str]:
    return [v["id"] for v in vectors(name)]


def by_id(name: str, vector_id: str) -> dict[str, Any]:
    return next(v for v in vectors(name) if v["id"] == vector_id)


def _is_null(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def printed_half_unit(expected: float) -> float:
    """Half a unit in the last decimal the peer printed: no printed value is more precise than that."""
    text = repr(float(expected))
    if "e" in text or "E" in text:
        mantissa, exponent = text.lower().split("e")
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        return 0.5 * 10.0 ** (int(exponent) - decimals)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0**-decimals


def close(got: Any, expected: Any, tolerance: dict[str, float] | None, *, printed: bool = False) -> bool:
    """README rule: |got - exp| <= max(abs, rel*|exp|); rel-only with exp == 0 uses abs 1e-12; null == NaN.

    ``printed=True`` also allows half a unit in the last printed decimal, for the few peer values printed to fewer
    digits than their stated tolerance (see the callers for which ones and why).
    """
    got_f = None if got is None else float(got)
    if _is_null(expected):
        return got_f is None or math.isnan(got_f)
    if got_f is None or math.isnan(got_f):
        return False
    tolerance = tolerance or {}
    abs_tol = tolerance.get("abs")
    rel_tol = tolerance.get("rel")
    if abs_tol is None and rel_tol is None:
        return got_f == float(expected)
    if abs_tol is None:
        abs_tol = 1e-12 if expected == 0 else 0.0
    allowed = max(abs_tol, (rel_tol or 0.0) * abs(float(expected)))
    if printed:
        allowed = max(allowed, printed_half_unit(expected))
    return abs(got_f - float(expected)) <= allowed


def assert_close(
    got: Any, expected: Any, tolerance: dict[str, float] | None, label: str = "", *, printed: bool = False
) -> None:
    """Elementwise ``close`` for scalars or equal-length sequences, with a readable failure."""
    got_arr = np.atleast_1d(np.asarray(got, dtype=float))
    exp_list = expected if isinstance(expected, list) else [expected]
    assert got_arr.size == len(exp_list), f"{label}: {got_arr.size} values, expected {len(exp_list)}"
    pairs = zip(got_arr.tolist(), exp_list, strict=True)
    bad = [(i, g, e) for i, (g, e) in enumerate(pairs) if not close(g, e, tolerance, printed=printed)]
    assert not bad, f"{label}: {len(bad)} mismatches (index, got, expected), first: {bad[:5]} tolerance={tolerance}"


def null_to_nan(values: Any) -> Any:
    """JSON nulls in inputs become NaN (missing) for numpy."""
    if isinstance(values, list):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return np.nan if values is None else values
