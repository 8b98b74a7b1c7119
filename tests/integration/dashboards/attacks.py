"""An attacker with a calculator, for the disclosure tests: what a board member or PCN lead can work out from the
numbers the pages publish (CSV downloads, tables and the chart data embedded in the HTML).

Written independently of `outcomes.disclosure*` so it checks them rather than restating them. Three attacks,
each by interval arithmetic on what is shown, counting a count as recovered only when the attack leaves exactly
one whole number and it is the true count, for a count that was not itself shown exactly:

1. **value x denominator**: numerator = value x denominator / multiplier (and denominator = numerator x
   multiplier / value), with the value's display precision, or the full precision of any number in the same
   page's chart data that agrees with it, and the denominator's rounding;
2. **total minus parts**: a breakdown's categories against the area's headline for the same period;
3. **parent minus children**: a PCN against its practices, the borough against its PCNs, for the same key.

Differencing works one group at a time (with rounding intervals), and a count pinned by any attack feeds the
next round, as the auditor's "8.74 x 10.3 = 90, minus the age groups shown" did.

What the attacker knows of a shown count: "*" is 1 to 7 (the published rule); a shown 0 is 0; a shown r is
r - 2.5 to r + 2.5 below borough level (rounded to 5); a borough headline count is exact.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

Key = tuple  # (indicator code, area code, period_start, period_end, breakdown, category)
FIGURE = re.compile(r'<script type="application/json" id="figure-[^"]*">(.*?)</script>', re.S)


@dataclass
class Shown:
    """One published row: its counts and value as text, where it came from."""

    numerator: str = ""
    denominator: str = ""
    value: str = ""
    exact_counts: bool = False  # the borough's headline: counts are not rounded
    page: str = ""  # the page it was shown on (its chart data is matched to it)


@dataclass
class Published:
    """Everything one reader was shown."""

    cells: dict[Key, list[Shown]] = field(default_factory=lambda: defaultdict(list))
    charts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # page -> its chart numbers

    @property
    def chart_numbers(self) -> list[float]:
        return [n for numbers in self.charts.values() for n in numbers]

    def add(self, key: Key, shown: Shown) -> None:
        self.cells[key].append(shown)

    def add_charts(self, page: str, html: str) -> None:
        for text in FIGURE.findall(html):
            _numbers(json.loads(text).get("data", []), self.charts[page])


def _numbers(node, out: list[float]) -> None:
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        if math.isfinite(node):
            out.append(float(node))
    elif isinstance(node, dict):
        for value in node.values():
            _numbers(value, out)
    elif isinstance(node, list):
        for value in node:
            _numbers(value, out)
    elif isinstance(node, str):
        with contextlib.suppress(ValueError):
            out.append(float(node.replace(",", "")))


_LEADING_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?")


def _bare(text: str) -> str:
    """The number a shown value starts with, units dropped ("43.0%", "774.0 per 100,000" -> "43.0", "774.0")."""
    text = (text or "").replace(",", "").strip()
    found = _LEADING_NUMBER.match(text)
    return found.group(0) if found else text


def _number(text: str) -> float | None:
    text = _bare(text)
    if text in ("", "*", "—", "nan"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


def count_interval(text: str, exact: bool) -> tuple[float, float] | None:
    """What a shown count tells the attacker: (lower, upper), or None when nothing is shown."""
    if (text or "").strip() == "*":
        return (1.0, 7.0)
    x = _number(text)
    if x is None:
        return None
    if exact or x == 0:
        return (x, x)
    return (x - 2.5, x + 2.5)


def _intersect(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return (max(a[0], b[0]), min(a[1], b[1]))


def _single(interval) -> int | None:
    """The one whole number in the interval, if there is exactly one."""
    if interval is None:
        return None
    lo, hi = math.ceil(interval[0] - 1e-9), math.floor(interval[1] + 1e-9)
    return lo if lo == hi else None


@dataclass
class Truth:
    numerator: float | None
    denominator: float | None


@dataclass
class Result:
    recovered: dict[str, set] = field(default_factory=lambda: defaultdict(set))

    @property
    def total(self) -> int:
        return len(set().union(*self.recovered.values())) if self.recovered else 0

    def summary(self) -> dict[str, int]:
        return {attack: len(cells) for attack, cells in sorted(self.recovered.items())} | {"distinct": self.total}


def _shown_exactly(shown: list[Shown], column: str, true: float) -> bool:
    return any(_number(getattr(s, column)) == true for s in shown)


def attack(
    published: Published,
    truth: dict[Key, Truth],
    multipliers: dict[str, float],
    groups: list[tuple[Key, list[Key], str]],
    *,
    rounds: int = 3,
) -> Result:
    """Run the three attacks over what was published; ``groups`` are (total, parts, attack name): keys that sum
    (breakdowns, PCN and practices, borough and PCNs)."""
    result = Result()
    charts = {page: sorted(numbers) for page, numbers in published.charts.items()}
    known: dict[Key, tuple[float, float]] = {}
    for key, shown in published.cells.items():
        for s in shown:
            known[key] = _intersect(known.get(key), count_interval(s.numerator, s.exact_counts))

    def record(name: str, key: Key, interval) -> None:
        value = _single(interval)
        true = truth.get(key)
        if value is None or true is None or true.numerator is None:
            return
        if value == true.numerator and not _shown_exactly(published.cells[key], "numerator", true.numerator):
            result.recovered[name].add(key)

    # 1. value x denominator, at the value's display precision and at any chart number's precision.
    for key, shown in published.cells.items():
        multiplier = multipliers[key[0]]
        true = truth.get(key)
        for s in shown:
            value = _number(s.value)
            den = count_interval(s.denominator, s.exact_counts)
            if value is None or den is None or den[1] <= 0:
                continue
            places = len(_bare(s.value).partition(".")[2])
            half = 0.5 * 10**-places
            precise = [(value, half)]
            # A number in the same page's chart data that agrees with the value to its shown precision is taken
            # as the value at full precision (the point drawn for it, or a curve through it).
            chart = charts.get(s.page, [])
            lo, hi = bisect_left(chart, value - half - 1e-12), bisect_right(chart, value + half + 1e-12)
            precise += [(y, 1e-9) for y in chart[lo:hi] if y != value]
            for v, h in precise:
                estimate = (max(v - h, 0) * den[0] / multiplier, (v + h) * den[1] / multiplier)
                interval = _intersect(estimate, known.get(key))
                record("value x denominator", key, interval)
                if _single(interval) is not None and true is not None and _single(interval) == true.numerator:
                    known[key] = interval
                # The denominator from a shown numerator (whole-number denominators only).
                num = count_interval(s.numerator, s.exact_counts)
                if (
                    true is not None
                    and true.denominator is not None
                    and float(true.denominator).is_integer()
                    and num is not None
                    and v - h > 0
                ):
                    d = _intersect((num[0] * multiplier / (v + h), num[1] * multiplier / (v - h)), den)
                    got = _single(d)
                    if got == true.denominator and not _shown_exactly(shown, "denominator", true.denominator):
                        result.recovered["value x denominator"].add((*key, "denominator"))

    # 2 and 3. Differencing, one group at a time as the auditor did: each part is the total minus the others,
    # the total the sum of its parts. A count pinned to one value (by any attack) is used in later rounds; a
    # group whose intervals cannot all hold refutes the attacker's guess that its *s are 1 to 7, and tells nothing.
    for _ in range(rounds):
        pinned = {}
        for total, parts, kind in groups:
            if total not in known or any(p not in known for p in parts):
                continue
            t, ps = known[total], [known[p] for p in parts]
            sum_lo, sum_hi = sum(p[0] for p in ps), sum(p[1] for p in ps)
            results = {total: _intersect(t, (sum_lo, sum_hi))}
            for part, p in zip(parts, ps, strict=True):
                results[part] = _intersect(p, (t[0] - (sum_hi - p[1]), t[1] - (sum_lo - p[0])))
            if any(lo > hi + 1e-9 for lo, hi in results.values()):
                continue
            for key, interval in results.items():
                record(kind, key, interval)
                if (value := _single(interval)) is not None:
                    pinned[key] = (float(value), float(value))
        known.update(pinned)
    return result
