"""The XmR special-cause rules, each written once, on bitsets.

A bitset is a Python int in the kernel's layout: bit j is one point of the flattened (series x points) array, and
consecutive series are separated by one bit that is never set (a gap), so no run or window can reach from one
series into the next. No rule sets a bit past the last point of a series. One series of 60 points and a batch
of 10,000 go through the same functions: an integer operation on 60 bits costs a fraction of a numpy call, and on
600,000 bits a few microseconds.

Shifting towards higher bits (``x << 1``) moves each point's flag to the next point; ``x >> 1`` to the previous.
The functions follow PTD's (NHSRplotthedots) decomposition so that its unit vectors test each step directly:
`run_reached` is ``ptd_seven_point_one_side_mean`` / ``ptd_seven_point_trend`` and `part_of_run` is
``ptd_part_of_seven_trend``; `two_in_three_windows` is ``ptd_two_in_three`` (``& close`` gives
``ptd_part_of_two_in_three``).
"""

from __future__ import annotations

# Rule codes after precedence (outside limits > trend > two-in-three > shift); index into the label table.
RULE_NONE, RULE_OUTSIDE, RULE_TREND, RULE_TWO_IN_THREE, RULE_SHIFT = range(5)


def run_reached(bits: int, length: int) -> int:
    """Bits at which a run of set bits has reached `length`: bit j is set when bits j-length+1..j all are.

    On the side-of-mean flags these are PTD's shift marks (the 7th and later points of a run on one side); on
    the step flags (`trend_points`) its trend marks. Spans double, so a run of 7 takes three steps."""
    span = 1
    while span < length and bits:
        step = span if span + span <= length else length - span
        bits &= bits << step  # now bits j-span-step+1..j: contiguous since step <= span
        span += step
    return bits


def part_of_run(marks: int, length: int) -> int:
    """Bits marked themselves or at one of the next `length - 1` bits: given `run_reached` marks, every bit of a
    run of at least `length`. A mark always lies `length - 1` bits into its own series, so nothing spreads
    across a gap."""
    span = 1
    while span < length and marks:
        step = span if span + span <= length else length - span
        marks |= marks >> step
        span += step
    return marks


def long_runs(bits: int, length: int) -> int:
    """Every bit of a run of at least `length` consecutive set bits."""
    return part_of_run(run_reached(bits, length), length)


def shift_points(above: int, below: int, length: int) -> int:
    """Points in a run of at least `length` points strictly on one side of the mean; a point on the mean (in
    neither bitset) breaks the run (PTD)."""
    return _either_runs(above, below, length)


def _either_runs(a: int, b: int, length: int) -> int:
    """`long_runs(a, length) | long_runs(b, length)` in one pass: b is set beside a, past a clear bit."""
    gap = a.bit_length() + 1
    both = part_of_run(run_reached(a | b << gap, length), length)
    return both & ((1 << gap) - 1) | both >> gap


def trend_points(up: int, down: int, length: int) -> tuple[int, int, int]:
    """Trends of at least `length` points: (points, rising, falling).

    `up` / `down` flag the strict steps into each point from the one before, and must be clear at the first
    point of every series (nothing steps into it); a tie breaks a trend (PTD, PowerBI-SPC). A trend point's
    direction follows PTD: the step to the next point when that point is also in a trend and the step is not a
    tie, else the step into the point itself."""
    in_step_run = _either_runs(up, down, length - 1)
    points = in_step_run | in_step_run >> 1  # a step joins the point before it and the point it reaches
    use_next = points >> 1 & (up | down) >> 1
    rising = points & ((use_next & up >> 1) | (~use_next & up))
    falling = points & ((use_next & down >> 1) | (~use_next & down))
    return points, rising, falling


def two_in_three_windows(close: int, above: int, below: int) -> int:
    """Every point of a window of three with at least two `close` points, all three strictly on one side of the
    mean (PTD). Only a window's close points are special cause: ``two_in_three_windows(...) & close``."""
    if not close:
        return 0
    c1, c2 = close >> 1, close >> 2
    starts = ((close & c1) | (close & c2) | (c1 & c2)) & (
        (above & above >> 1 & above >> 2) | (below & below >> 1 & below >> 2)
    )
    return starts | starts << 1 | starts << 2  # all three points of a window lie in one series


def precedence(
    outside: int, trend: int, two_in_three: int, shift: int, above: int, below: int, rising: int, falling: int
) -> tuple[int, int, int, int, int, int]:
    """Settle each point's rule and direction (PTD precedence: outside limits > trend > two-in-three > shift).

    Returns (special, beyond_outside, beyond_trend, by_shift, up, down). The rule codes (RULE_*) are numbered in
    precedence order, so a point's code is the number of these four it is in: special cause (code >= 1), not
    outside (>= 2), not trend either (>= 3), shift alone (4). `up` and `down` are the points whose direction is
    +1 / -1: the side of the mean, except for trend points, which take the trend's direction."""
    by_trend = trend & ~outside
    by_two_in_three = two_in_three & ~(outside | trend)
    by_shift = shift & ~(outside | trend | two_in_three)
    by_side = outside | by_two_in_three | by_shift
    return (
        by_side | by_trend,
        by_trend | by_two_in_three | by_shift,
        by_two_in_three | by_shift,
        by_shift,
        (by_side & above) | (by_trend & rising),
        (by_side & below) | (by_trend & falling),
    )
