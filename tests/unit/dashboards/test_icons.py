"""Making Data Count icons: every code the SPC module can produce has an accessible SVG; colour is never the only
cue. Snapshot-free: the SVG is parsed and its role, title, label and letters asserted."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from dashboards.icons import (
    ASSURANCE_ICON_LABELS,
    ASSURANCE_ICON_TITLES,
    ICON_COLOURS,
    ICON_LABELS,
    VARIATION_ICON_LABELS,
    VARIATION_ICON_TITLES,
    assurance_icon_svg,
    variation_icon_svg,
)
from outcomes.stats.spc import POINT_TYPES, spc, spc_many, variation_icon

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def _variation_codes_from_stats() -> set[str]:
    codes = set()
    for point_type, improvement, direction in itertools.product(
        POINT_TYPES, ("increase", "decrease", "neutral"), (-1, 1)
    ):
        if point_type == "special_cause_neutral" and improvement != "neutral":
            continue
        if point_type in ("special_cause_improvement", "special_cause_concern") and improvement == "neutral":
            continue
        codes.add(variation_icon(point_type, improvement, direction))
    return codes


def test_vocabulary_matches_the_stats_module():
    assert _variation_codes_from_stats() == set(VARIATION_ICON_TITLES) == set(VARIATION_ICON_LABELS)
    values = np.random.default_rng(1).normal(50, 2, 24)
    assurance_codes = {
        spc(values, improvement=improvement, target=target).assurance_icon
        for improvement in ("increase", "decrease")
        for target in (0.0, 50.0, 100.0)
    }
    assert assurance_codes == set(ASSURANCE_ICON_TITLES) == set(ASSURANCE_ICON_LABELS)
    assert ICON_LABELS == {"variation": VARIATION_ICON_LABELS, "assurance": ASSURANCE_ICON_LABELS}


@pytest.mark.parametrize("code", sorted(VARIATION_ICON_TITLES))
def test_variation_icon_is_accessible(code):
    svg = variation_icon_svg(code)
    root = _parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == VARIATION_ICON_TITLES[code]
    assert root.get("aria-label") == title.text
    assert root.get("id") is None and "id=" not in svg  # safe to repeat on one page
    texts = _texts(root)
    if code == "common_cause":
        assert texts == []
        assert "no significant change" in title.text
    else:
        kind, side = code.split("_")
        assert texts == ["H" if side == "high" else "L"]
        assert ICON_COLOURS[kind] in svg
        assert "Special cause variation" in title.text


def test_variation_titles_in_words():
    assert VARIATION_ICON_TITLES["improvement_high"] == "Special cause variation: improvement (higher is better)"
    assert "lower is better" in VARIATION_ICON_TITLES["improvement_low"]
    assert "concern" in VARIATION_ICON_TITLES["concern_high"]
    assert "neither" in VARIATION_ICON_TITLES["neutral_low"]


def test_improvement_and_concern_differ_by_shape_not_only_colour():
    def shapes(code):
        svg = variation_icon_svg(code)
        for colour in ICON_COLOURS.values():
            svg = svg.replace(colour, "COLOUR")
        return svg

    icons = [shapes(c) for c in VARIATION_ICON_TITLES]
    assert len(set(icons)) == len(icons)  # with colour removed, every icon is still distinct


@pytest.mark.parametrize(("code", "letter"), [("pass", "P"), ("fail", "F"), ("inconsistent", "?")])
def test_assurance_icon_is_accessible(code, letter):
    root = _parse(assurance_icon_svg(code))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title").text
    assert title == ASSURANCE_ICON_TITLES[code] == root.get("aria-label")
    assert title.startswith("Assurance:")
    assert _texts(root) == [letter]


def test_assurance_types_are_accepted_as_aliases():
    assert assurance_icon_svg("consistent_pass") == assurance_icon_svg("pass")
    assert assurance_icon_svg("consistent_fail") == assurance_icon_svg("fail")
    assert assurance_icon_svg(np.str_("inconsistent")) == assurance_icon_svg("inconsistent")


def test_none_is_no_icon_and_unknown_is_an_error():
    assert variation_icon_svg(None) == "" and assurance_icon_svg(None) == ""
    for bad in ("improvement", "special_cause_improvement", "", "PASS", "<script>"):
        with pytest.raises(ValueError):
            variation_icon_svg(bad)
        with pytest.raises(ValueError):
            assurance_icon_svg(bad)


def test_size_sets_width_and_height():
    root = _parse(variation_icon_svg("common_cause", size=32))
    assert root.get("width") == "32" and root.get("height") == "32" and root.get("viewBox") == "0 0 100 100"


def test_real_results_map_to_icons():
    rng = np.random.default_rng(3)
    shifted = np.r_[rng.normal(50, 2, 20), rng.normal(60, 2, 10)]
    for improvement, target in (("increase", 40.0), ("decrease", 80.0), ("neutral", None), ("increase", 57.0)):
        result = spc(shifted, improvement=improvement, target=target)
        assert "<title>" in variation_icon_svg(result.variation_icon)
        if result.assurance_icon is not None:
            assert "<title>" in assurance_icon_svg(result.assurance_icon)
            assert "<title>" in assurance_icon_svg(result.assurance_type)
    batch = spc_many(np.vstack([shifted, shifted[::-1]]), improvement="decrease")
    for code in batch.variation_icon:
        assert "<title>" in variation_icon_svg(code)
