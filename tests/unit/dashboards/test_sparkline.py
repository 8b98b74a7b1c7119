"""The tile sparkline: an accessible inline SVG scaled to its own range, with gaps for missing periods."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from dashboards.sparkline import HEIGHT, PAD, WIDTH, sparkline_svg

SVG = "{http://www.w3.org/2000/svg}"


def _points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]


def test_a_labelled_line_from_the_oldest_to_the_latest_value_scaled_to_the_range():
    svg = ET.fromstring(sparkline_svg([10, 30, 20], label='From 10 to 20 & "rising"'))
    assert svg.get("role") == "img" and svg.get("aria-label") == 'From 10 to 20 & "rising"'
    assert svg.find(f"{SVG}title").text == 'From 10 to 20 & "rising"'
    (line,) = svg.findall(f"{SVG}polyline")
    (x0, y0), (x1, y1), (x2, y2) = _points(line)
    assert (x0, x2) == (PAD, WIDTH - PAD) and x1 == WIDTH / 2
    assert y1 == PAD and y0 == HEIGHT - PAD and y2 == (HEIGHT) / 2  # highest at the top, lowest at the bottom
    dot = svg.find(f"{SVG}circle")
    assert (float(dot.get("cx")), float(dot.get("cy"))) == (x2, y2)  # the latest value is marked


def test_a_missing_period_leaves_a_gap_and_a_flat_series_sits_in_the_middle():
    svg = ET.fromstring(sparkline_svg([5, 5, None, 5, 5], label="flat"))
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 2 and all(y == HEIGHT / 2 for line in lines for _, y in _points(line))


def test_no_trend_from_fewer_than_two_values():
    assert sparkline_svg([], label="x") == "" and sparkline_svg([3.0, None, float("nan")], label="x") == ""
    assert re.match(r"^<svg[^>]+role=\"img\"", sparkline_svg([1, 2], label="x"))
