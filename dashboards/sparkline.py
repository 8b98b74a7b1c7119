"""A tile's sparkline: the recent trend as a small inline SVG beside the latest value. Pure Python (no Django).

Inline SVG rather than a Plotly chart because a sparkline has no axes, hover or legend to offer: it should cost
nothing to draw, show without JavaScript (and in the board pack), and say in words what it shows (``role="img"``
with an ``aria-label``). The numbers are always beside it in text, and in the tile's table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH = 120
HEIGHT = 32
PAD = 3  # room for the end dot and the line's width
LINE = "#005eb8"  # NHS blue, as the trend charts


def sparkline_svg(values: Sequence[float | None], *, label: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The values (oldest first; missing ones leave a gap) as a line scaled to their own range, the latest point
    marked; ``label`` says what it shows. Fewer than two values give an empty string (there is no trend)."""
    points = [(i, float(v)) for i, v in enumerate(values) if v is not None and math.isfinite(float(v))]
    if len(points) < 2:
        return ""
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = high - low or 1.0
    last_index = len(values) - 1 or 1

    def xy(i: int, v: float) -> tuple[float, float]:
        x = PAD + (width - 2 * PAD) * i / last_index
        y = height - PAD - (height - 2 * PAD) * ((v - low) / span if high > low else 0.5)
        return round(x, 1), round(y, 1)

    runs: list[list[tuple[float, float]]] = [[]]
    previous = None
    for i, v in points:
        if previous is not None and i != previous + 1:
            runs.append([])  # a missing period: a gap, not a line across it
        runs[-1].append(xy(i, v))
        previous = i
    lines = "".join(
        f'<polyline points="{" ".join(f"{x},{y}" for x, y in run)}" fill="none" stroke="{LINE}" '
        'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        for run in runs
        if len(run) > 1
    )
    end_x, end_y = xy(*points[-1])
    text = escape(label, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{text}" focusable="false" class="app-sparkline"><title>{text}</title>{lines}'
        f'<circle cx="{end_x}" cy="{end_y}" r="3" fill="{LINE}"/></svg>'
    )
