"""Load the shared reference vectors and compare with their tolerance rule.

The JSON files are third-party numeric test data (GPL/MIT peers, see ``tests/data/reference-vectors/README.md``
for their sources and licences), kept in the repository under ``tests/data/reference-vectors`` so a fresh clone
tests itself; ``HARROW_REFERENCE_VECTORS`` names another folder when set (e.g. a newer set). If the folder is
missing the tests must fail, not skip, so a broken checkout cannot pass silently. This is the one loader: every
test module reads the vectors through it.
"""

from __future__ import annotations

import json
import math
import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[4]
ENV_VAR = "HARROW_REFERENCE_VECTORS"
DEFAULT_VECTORS_DIR = (REPO_ROOT / "tests" / "data" / "reference-vectors").resolve()


def vectors_dir() -> Path:
    """The folder in force: ``$HARROW_REFERENCE_VECTORS`` if set (and not empty), else the copy in the repository."""
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override).expanduser().resolve() if override else DEFAULT_VECTORS_DIR


def vector_path(name: str) -> Path:
    return vectors_dir() / f"{name}.json"


def missing_message(name: str) -> str:
    path = vector_path(name)
    where = f"${ENV_VAR}" if os.environ.get(ENV_VAR, "").strip() else f"tests/data/reference-vectors in {REPO_ROOT}"
    return f"reference vectors not found at {path} (looked in {where}; set {ENV_VAR} to the folder to use another)"


@cache
def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def load(name: str) -> dict[str, Any]:
    """The parsed vector file ``name`` (e.g. "rate_ci"); raises if the folder or file is missing."""
    path = vector_path(name)
    if not path.is_file():
        raise FileNotFoundError(missing_message(name))
    return _read(path)


def load_or_none(name: str) -> dict[str, Any] | None:
    """``load(name)``, or None when the file is missing, for modules that turn a missing file into one failing
    test (see ``missing_message``) rather than a collection error."""
    try:
        return load(name)
    except FileNotFoundError:
        return None


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
