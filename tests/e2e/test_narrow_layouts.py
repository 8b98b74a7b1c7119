"""What a walk through the demo at 390 and 1366 px found: chart titles cut off and toolbars over them on a phone,
and "Londo/n" and "Englan/d" broken mid-word beside the indicator page's latest value on a laptop."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse, reverse_lazy

from .support import broken_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Every title, axis title, note and tick label of every chart inside its chart; no toolbar; the title above the plot.
CHART_PROBLEMS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(chart => {
    const name = chart.dataset.figure || chart.id, box = chart.getBoundingClientRect(), problems = [];
    const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    if ([...chart.querySelectorAll('.modebar')].some(shown)) problems.push(`${name}: a toolbar over the title`);
    chart.querySelectorAll('.gtitle, .g-xtitle text, .g-ytitle text, .annotation-text, .xtick text').forEach(t => {
        const r = t.getBoundingClientRect();
        if (shown(t) && (r.left < box.left - 1 || r.right > box.right + 1))
            problems.push(`${name}: "${t.textContent.slice(0, 50)}" runs out of the chart`);
    });
    const title = chart.querySelector('.gtitle'), plot = chart.querySelector('.nsewdrag');
    if (title && plot && title.getBoundingClientRect().bottom > plot.getBoundingClientRect().top + 1)
        problems.push(`${name}: the title runs into the plot`);
    return problems;
})"""


def charts_drawn(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-figure]')].every(el => el.querySelector('svg.main-svg'))",
        timeout=15_000,
    )


def test_on_a_phone_every_chart_keeps_its_words_inside_with_no_toolbar_over_its_title(signed_in):
    problems = []
    page = signed_in("pcnlead")  # their own PCN: the spine chart and the practices' funnel plots
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (
        reverse("dashboards:pcn", args=["U84846"]),
        reverse("dashboards:indicator", args=["OUT5_ACSC_ADMISSIONS"]),  # SPC, PCNs with a note, breakdowns
        reverse("dashboards:board"),
    ):
        page.goto(path)
        charts_drawn(page)
        assert page.locator(".js-plotly-plot").count() >= 1, path
        problems += [f"{path}: {p}" for p in page.evaluate(CHART_PROBLEMS)]
    assert not problems, "\n".join(problems)


def test_at_1366_px_the_comparators_beside_the_latest_value_are_whole_words(signed_in):
    page = signed_in("analyst")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(reverse("dashboards:indicator", args=["OUT1_TOOTH_DECAY"]))
    keys = page.locator(".nhsuk-grid-column-one-third .nhsuk-summary-list__key").all_inner_texts()
    assert {"London", "England"} <= {k.strip() for k in keys}, keys
    broken = broken_words(page, ".nhsuk-grid-column-one-third .nhsuk-summary-list__key")
    assert not broken, f"broken mid-word: {broken}"


def test_at_1366_px_the_extracts_history_fits_without_scrolling_sideways(signed_in):
    """Long file names ("demo/JSNA_LIFE_EXPECTANCY_FEMALE.csv") once held the File column at their full width,
    pushing the counts out of view at 1366 px."""
    page = signed_in("analyst")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(reverse("dashboards:extracts"))
    widths = page.evaluate(
        "() => { const t = document.querySelector('main table'); return [t.scrollWidth, t.parentElement.clientWidth]; }"
    )
    assert widths[0] <= widths[1], f"the table is {widths[0]} px wide in a {widths[1]} px container"
    names = page.locator("main table tbody td:first-child a").all_inner_texts()
    assert any(len(n) > 30 and " " not in n for n in names), names  # a long file name is there to test it


TOOLBAR_OVER_TITLE = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(chart => {
    const bar = chart.querySelector('.modebar'), title = chart.querySelector('.gtitle');
    if (!bar || !title) return [];
    const a = bar.getBoundingClientRect(), b = title.getBoundingClientRect();
    const over = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return over ? [`${chart.dataset.figure}: the toolbar (shown on hover) covers "${title.textContent}"`] : [];
})"""


@pytest.mark.parametrize(
    ("width", "path"),
    [
        (768, reverse_lazy("dashboards:indicator", args=["OUT4_STAFF_TURNOVER"])),  # "... by partner organisation"
        (1366, reverse_lazy("dashboards:indicator_area", args=["OUT5_ACSC_ADMISSIONS", "E84008"])),  # a practice
    ],
)
def test_wider_than_a_phone_a_long_chart_title_wraps_before_the_toolbar(signed_in, width, path):
    page = signed_in("analyst")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(str(path))
    charts_drawn(page)
    problems = page.evaluate(TOOLBAR_OVER_TITLE)
    assert not problems, "\n".join(problems)


def test_on_a_phone_a_board_pack_is_no_wider_than_the_screen_and_its_tables_scroll_inside_it(
    signed_in, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from dashboards.models import BoardPack

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):  # the pack is made on commit, eagerly, as in `make demo`
        call_command("load_demo_board_pack", stdout=io.StringIO())
    pack = BoardPack.objects.get(status=BoardPack.Status.READY)
    page = signed_in("board")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("dashboards:board_pack_html", args=[pack.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Every table that is wider than the screen is inside a section that scrolls and can take the keyboard's focus.
    stranded = page.evaluate(
        """() => [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > innerWidth + 1)
            .filter(t => { const s = t.closest('section'); return !s || getComputedStyle(s).overflowX !== 'auto'
                || s.tabIndex !== 0; }).map(t => t.querySelector('caption')?.textContent || t.className)"""
    )
    assert stranded == []
