"""One look per funnel verdict (matrix, tables, funnel plots): never colour alone."""

from __future__ import annotations

from dashboards import significance as sig


def test_every_verdict_outside_the_limits_has_its_own_colour_marker_and_word():
    outside = [sig.STYLES[v] for v in sig.OUTSIDE]
    assert len({s.colour for s in outside[:2]}) == 2  # better and worse differ in colour
    assert len({s.symbol for s in outside}) == 4 and len({s.text_symbol for s in outside}) == 4
    assert len({s.word for s in sig.STYLES.values()}) == len(sig.STYLES)


def test_markers_are_filled_beyond_99_8_and_open_between_95_and_99_8():
    assert sig.marker_symbol("better", "99.8%") == "star"
    assert sig.marker_symbol("better", "95%") == "star-open"
    assert sig.marker_symbol("worse", "95%") == "x-open"
    assert sig.marker_symbol("similar", "") == "circle"


def test_words_say_which_limits_and_against_what():
    assert sig.words("better", "99.8%") == "Better than Harrow (outside the 99.8% limits)"
    assert sig.words("lower", "95%", "England") == "Lower than England (outside the 95% limits)"
    assert sig.words("similar", "") == "Similar to Harrow (inside the 95% limits)"
    assert sig.words("suppressed", "") == "Suppressed (small numbers)"
    assert sig.short_words("worse", "95%") == "Worse (95%)" and sig.short_words("no data", "") == "No data"


def test_css_marks_only_the_outer_limits_as_strong():
    assert sig.css_class("worse", "99.8%") == "app-sig app-sig--worse app-sig--strong"
    assert sig.css_class("worse", "95%") == "app-sig app-sig--worse"
    assert sig.css_class("not compared", "") == "app-sig app-sig--not-compared"
