"""Throughput of the statistics engine, each figure beside its anchor.

    python bench/stats.py [--cpu]

SPC: 60-point series per second through `spc` (one call per series) and `spc_many` (one call for the batch),
against the aim of 10,000 series/s and a raw numpy floor (mean and moving ranges of the same matrix, the least
any XmR chart must compute). Intervals: rows per second for `wilson_ci` and `rate_ci` over a million rows, against
the same formula written as bare numpy with no validation. Data are generated from a fixed seed. `--cpu` times in
CPU time of this process instead of wall-clock time: steadier on a shared, loaded machine (docs/benchmarks.md).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outcomes.stats.spc import spc, spc_many

spc_module = importlib.import_module("outcomes.stats.spc")  # the package re-exports `spc`, shadowing the module

SEED = 20240331
SPC_SERIES, SPC_POINTS, SPC_SINGLE_CALLS = 10_000, 60, 2_000
SPC_AIM = 10_000
INTERVAL_ROWS = 1_000_000
Z95 = 1.959963984540054


CLOCK = time.process_time if "--cpu" in sys.argv[1:] else time.perf_counter


def best_seconds(fn: Callable[[], object], repeats: int = 3) -> float:
    """Fastest of a few runs: the least disturbed by whatever else the machine is doing."""
    best = float("inf")
    for _ in range(repeats):
        start = CLOCK()
        fn()
        best = min(best, CLOCK() - start)
    return best


def spc_matrix(rng: np.random.Generator) -> np.ndarray:
    """Monthly-looking series: noise around a level, with a sustained shift in a third of them."""
    level = rng.uniform(20, 80, (SPC_SERIES, 1))
    matrix = level + rng.normal(0, 4, (SPC_SERIES, SPC_POINTS))
    shifted = rng.random(SPC_SERIES) < 1 / 3
    matrix[shifted, 40:] += 8
    return matrix.round(1)


def row(label: str, per_second: float, unit: str, anchors: str) -> str:
    return f"  {label:<38} {per_second:>14,.0f} {unit:<10} {anchors}"


def bench_spc(rng: np.random.Generator) -> list[str]:
    matrix = spc_matrix(rng)
    # Best of more runs for the single-series figure: its runs are short, so a busy machine skews them most.
    single = best_seconds(lambda: [spc(matrix[i]) for i in range(SPC_SINGLE_CALLS)], repeats=7)
    batch = best_seconds(lambda: spc_many(matrix))
    spc_module._USE_FAST_PATH = False  # the general kernel alone, for comparison with the fast path
    try:
        general = best_seconds(lambda: [spc(matrix[i]) for i in range(SPC_SINGLE_CALLS)], repeats=7)
    finally:
        spc_module._USE_FAST_PATH = True

    def floor() -> None:
        matrix.mean(axis=1)
        np.abs(np.diff(matrix, axis=1)).mean(axis=1)

    raw = best_seconds(floor)
    anchors = f"(aim {SPC_AIM:,}/s; numpy mean + moving ranges {SPC_SERIES / raw:,.0f}/s)"
    return [
        f"SPC, {SPC_POINTS}-point XmR series ({SPC_SERIES:,} series, seed {SEED}):",
        row("spc, one call per series", SPC_SINGLE_CALLS / single, "series/s", anchors),
        row("  the same, general kernel only", SPC_SINGLE_CALLS / general, "series/s", "(fast path switched off)"),
        row("spc_many, one call for all", SPC_SERIES / batch, "series/s", anchors),
    ]


def bench_intervals(rng: np.random.Generator) -> list[str]:
    try:
        from outcomes.stats.intervals import rate_ci, wilson_ci
    except ImportError as exc:
        return [f"Intervals: not available ({exc})"]

    denominators = rng.integers(20, 5_000, INTERVAL_ROWS).astype(float)
    numerators = rng.binomial(denominators.astype(int), rng.uniform(0.01, 0.9, INTERVAL_ROWS)).astype(float)
    populations = rng.integers(1_000, 200_000, INTERVAL_ROWS).astype(float)
    counts = rng.poisson(rng.uniform(0.5, 60, INTERVAL_ROWS)).astype(float)  # about a tenth below 10: exact path
    share_exact = float((counts < 10).mean())

    def wilson_floor() -> None:
        centre = 2 * numerators + Z95**2
        spread = Z95 * np.sqrt(Z95**2 + 4 * numerators * (1 - numerators / denominators))
        denom = 2 * (denominators + Z95**2)
        (centre - spread) / denom, (centre + spread) / denom

    def byar_floor() -> None:
        x, x1 = counts, counts + 1
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = x * (1 - 1 / (9 * x) - Z95 / (3 * np.sqrt(x))) ** 3
        upper = x1 * (1 - 1 / (9 * x1) + Z95 / (3 * np.sqrt(x1))) ** 3
        lower * 100_000 / populations, upper * 100_000 / populations

    wilson = best_seconds(lambda: wilson_ci(numerators, denominators))
    rate = best_seconds(lambda: rate_ci(counts, populations))
    return [
        f"Intervals over {INTERVAL_ROWS:,} rows (95%):",
        row(
            "wilson_ci",
            INTERVAL_ROWS / wilson,
            "rows/s",
            f"(bare numpy Wilson {INTERVAL_ROWS / best_seconds(wilson_floor):,.0f}/s)",
        ),
        row(
            "rate_ci",
            INTERVAL_ROWS / rate,
            "rows/s",
            f"(bare numpy Byar, no exact switch {INTERVAL_ROWS / best_seconds(byar_floor):,.0f}/s; "
            f"{share_exact:.0%} of rows take the exact path)",
        ),
    ]


def main() -> None:
    rng = np.random.default_rng(SEED)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"Load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs; timed in "
        f"{'CPU time of this process' if CLOCK is time.process_time else 'wall-clock time'}",
        "",
        *bench_spc(rng),
        "",
        *bench_intervals(rng),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
