"""The board overview shows the five outcome measures with values, comparators, targets and charts."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_board_overview_shows_the_five_outcomes_with_charts(board_client):
    response = board_client.get(reverse("dashboards:board"))
    html = response.content.decode()
    for outcome in range(1, 6):
        assert f"Outcome {outcome}" in html
    figures = re.findall(r'<script type="application/json" id="figure-([A-Z0-9_]+)">(.*?)</script>', html, re.S)
    codes = {code for code, _ in figures}
    assert {
        "OUT1_TOOTH_DECAY",
        "OUT2_GP_ACCESS",
        "OUT3_CARE_EXPERIENCE",
        "OUT4_STAFF_TURNOVER",
        "OUT5_ACSC_ADMISSIONS",
    } <= codes
    for _, payload in figures:
        figure = json.loads(payload)
        assert figure["layout"]["title"]["text"]
        assert figure["layout"]["yaxis"]["title"]["text"]
        assert figure["data"]
    assert "/static/vendor/plotly/plotly.min.js" in html
    assert "cdn" not in html.lower()


def test_tiles_show_latest_value_comparators_and_target_assessment(board_client):
    tiles = {t.indicator.code: t for t in board_client.get(reverse("dashboards:board")).context["tiles"]}
    tooth = tiles["OUT1_TOOTH_DECAY"]
    assert {c.name for c in tooth.comparators} >= {"London", "England"}
    assert tooth.targets[0].target.relative_unit == "points"
    assert tooth.targets[0].assessment.status in {"met", "on_track", "off_track", "not_met"}
    assert "37.4%" in tooth.targets[0].assessment.reason  # 42.4% less 5 percentage points
    acsc = tiles["OUT5_ACSC_ADMISSIONS"]
    assert acsc.latest_period == "Sep 2026"
    assert "NWL" in {c.name for c in acsc.comparators}
    assert "PCNs meet it" in acsc.targets[0].child_summary
    experience = tiles["OUT3_CARE_EXPERIENCE"]
    assert experience.targets[0].target.kind == "baseline"
    assert experience.targets[0].assessment.status in {"baseline_set", "no_data", "not_met"}  # never "met"


def _out2_board(board_client, *, harrow_good: float, group_values: dict[tuple[str, str], float | None]):
    """The board's OUT2 tile after setting Harrow's latest value and some of its latest group values."""
    from django.core.cache import cache

    from outcomes.models import Observation

    rows = Observation.objects.filter(indicator__code="OUT2_GP_ACCESS", area__code="E09000015", is_current=True)
    latest_end = rows.filter(breakdown="all").latest("period_end").period_end
    nwl = Observation.objects.get(
        indicator__code="OUT2_GP_ACCESS", area__code="QRV", breakdown="all", period_end=latest_end, is_current=True
    ).value
    rows.filter(breakdown="all", period_end=latest_end).update(value=harrow_good)
    latest = rows.filter(period_end=latest_end).exclude(breakdown="all")
    latest.update(value=nwl + 2.0)  # every group above the NWL average ...
    for (breakdown, category), value in group_values.items():  # ... except those named
        selected = (
            latest.filter(breakdown=breakdown)
            if category is None
            else latest.filter(breakdown=breakdown, category=category)
        )
        if value is None:
            selected.delete()
        else:
            selected.update(value=value)
    cache.clear()  # rows were edited without a new extract, so the data version did not change
    tiles = {t.indicator.code: t for t in board_client.get(reverse("dashboards:board")).context["tiles"]}
    return tiles["OUT2_GP_ACCESS"].targets[0], nwl


def test_out2_met_overall_but_not_in_every_group_is_off_track_and_names_the_groups(board_client):
    view, _ = _out2_board(
        board_client,
        harrow_good=80.0,
        group_values={("ethnicity", "asian"): 60.0, ("ethnicity", "black"): 61.0, ("imd_quintile", "1"): 55.0},
    )
    assert view.target.groups == ["age", "ethnicity", "imd_quintile"]
    assert view.assessment.status == "off_track"  # before the due date (March 2027)
    assert view.status_label == "Off track"
    assert "Harrow as a whole already meets it." in view.assessment.reason  # never "the target is already met"
    assert "the target is already met" not in view.assessment.reason
    assert "it does not for: Asian, Black; IMD quintile 1 (most deprived)." in view.assessment.reason
    assert "aged" not in view.assessment.reason.split("does not for:")[1]  # the age bands all meet it


def test_out2_met_in_every_group_says_so(board_client):
    view, _ = _out2_board(board_client, harrow_good=80.0, group_values={})
    assert view.assessment.status == "met"
    assert "also met in every group by age band, ethnic group and deprivation (IMD quintile)" in view.assessment.reason
    assert "not for" not in view.assessment.reason


def test_out2_groups_without_data_are_named_not_claimed(board_client):
    view, _ = _out2_board(
        board_client,
        harrow_good=80.0,
        group_values={("imd_quintile", None): None, ("ethnicity", "mixed"): None},
    )
    reason = view.assessment.reason
    assert "every group with data by age band and ethnic group" in reason
    assert "no value for: any group by deprivation (IMD quintile)" in reason
    assert "so whether it holds there is not known" in reason
    assert "Mixed" not in reason  # a category with no row is not listed as a group at all
    assert "also met in every group by" not in reason


def test_out2_not_met_overall_still_names_missing_groups(board_client):
    view, _ = _out2_board(board_client, harrow_good=50.0, group_values={("age", "18-44"): 50.0})
    assert view.assessment.status in {"off_track", "on_track"}
    assert "By group, it is not met for: aged 18 to 44." in view.assessment.reason


def _board_context(board_client):
    response = board_client.get(reverse("dashboards:board"))
    assert response.status_code == 200
    return response.context, response.content.decode()


def test_the_jsna_counts_follow_a_significant_difference_from_england(board_client):
    """A JSNA value whose interval lies wholly above England's, for a low-is-good indicator, is counted worse."""
    from outcomes.models import Area, Indicator, Observation

    from .loading import load

    before, _ = _board_context(board_client)
    assert sum(before["jsna_counts"].values()) == Indicator.objects.filter(is_jsna=True).count()
    infant = Indicator.objects.get(code="JSNA_INFANT_MORTALITY")
    england = Observation.objects.filter(indicator=infant, area__code="E92000001", is_current=True).latest("period_end")
    harrow = Area.objects.get(code="E09000015")
    load(
        [
            {
                "indicator_id": infant.pk,
                "area_id": harrow.pk,
                "period_start": england.period_start,
                "period_end": england.period_end,
                "value": england.value * 3,
                "lower_ci": england.value * 2,
                "upper_ci": england.value * 4,
            }
        ]
    )
    after, html = _board_context(board_client)
    assert after["jsna_counts"].get("worse", 0) == before["jsna_counts"].get("worse", 0) + 1
    assert f"{after['jsna_counts']['worse']} indicator" in html


def test_the_overdue_list_names_indicators_without_recent_data_until_new_data_arrives(board_client):
    import datetime as dt

    from django.utils import timezone

    from outcomes.models import Area, Indicator

    from .loading import load

    context, html = _board_context(board_client)
    flu = next(o for o in context["overdue"] if o.indicator.code == "PERF_FLU_VACC_65")
    assert flu.latest_period == "no data yet"
    assert f"{len(context['overdue'])} indicators are overdue for new data" in html  # the board sees one line
    last_year_end = dt.date(timezone.localdate().year - 1, 12, 31)
    load(
        [
            {
                "indicator_id": Indicator.objects.get(code="PERF_FLU_VACC_65").pk,
                "area_id": Area.objects.get(code="E09000015").pk,
                "period_start": dt.date(last_year_end.year, 1, 1),
                "period_end": last_year_end,
                "numerator": 700.0,
                "denominator": 1000.0,
                "value": 70.0,
            }
        ]
    )
    context, _ = _board_context(board_client)
    assert "PERF_FLU_VACC_65" not in {o.indicator.code for o in context["overdue"]}


def test_the_tiles_carry_the_making_data_count_icons_as_labelled_svg(board_client):
    context, html = _board_context(board_client)
    tiles = [t for t in context["tiles"] if t.variation or t.assurance]
    assert tiles, "the demo data gives at least one outcome an SPC icon"
    for tile in tiles:
        for icon in (tile.variation, tile.assurance):
            if icon:
                svg, label = icon
                assert svg in html and re.search(r'^<svg[^>]*role="img"[^>]*aria-label="[^"]+"', svg)
                assert f">{label}<" in html  # the icon's meaning in words beside it, not only in the picture


def test_each_tile_has_a_sparkline_that_says_what_it_shows(board_client):
    context, html = _board_context(board_client)
    with_trend = [t for t in context["tiles"] if len(t.table) >= 2]
    assert len(with_trend) >= 5
    for tile in with_trend:
        assert tile.sparkline in html and f"to {tile.latest_text} ({tile.latest_period})" in tile.sparkline


@pytest.mark.parametrize(
    ("value", "lower", "upper", "verdict"),
    [
        (2.0, 1.5, 2.5, "worse"),  # lower is better: an interval wholly above NWL's value
        (1.0, 0.8, 1.3, "similar"),  # the interval holds NWL's value
        (0.5, 0.4, 0.6, "better"),
    ],
)
def test_a_tile_compares_harrow_with_nwl_by_harrow_s_interval(board_client, value, lower, upper, verdict):
    """OUT5 (ACSC admissions, lower is better): Harrow's latest value and interval, as multiples of NWL's."""
    from outcomes.models import Observation

    from .loading import load

    harrow = Observation.objects.filter(
        indicator__code="OUT5_ACSC_ADMISSIONS", area__code="E09000015", breakdown="all", is_current=True
    ).latest("period_end")
    nwl = Observation.objects.get(
        indicator__code="OUT5_ACSC_ADMISSIONS", area__code="QRV", breakdown="all", is_current=True,
        period_end=harrow.period_end, period_start=harrow.period_start,
    )  # fmt: skip
    load(
        [
            {
                "indicator_id": harrow.indicator_id,
                "area_id": harrow.area_id,
                "period_start": harrow.period_start,
                "period_end": harrow.period_end,
                "value": nwl.value * value,
                "lower_ci": nwl.value * lower,
                "upper_ci": nwl.value * upper,
            }
        ]
    )
    context, html = _board_context(board_client)
    tile = next(t for t in context["tiles"] if t.indicator.code == "OUT5_ACSC_ADMISSIONS")
    (comparator,) = [c for c in tile.comparators if c.name == "NWL"]
    assert comparator.comparison == verdict
    assert f"Harrow {verdict}" in html


@pytest.mark.parametrize("months_back", [0, 1, 2, 6])
def test_a_tile_read_only_for_its_state_has_the_state_of_the_drawn_tile(months_back):
    """The board's changes since last month read undrawn tiles: their statuses, latest period and special-cause
    points are the drawn tiles' own, month by month."""
    import datetime as dt

    from dashboards.board import board_tiles
    from dashboards.overview import board_state

    end = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    for _ in range(months_back):
        end = end.replace(day=1) - dt.timedelta(days=1)
    _, drawn = board_tiles(end, up_to=end)
    _, undrawn = board_tiles(end, up_to=end, drawn=False)
    assert board_state(undrawn) == board_state(drawn)
    assert any(t.special_cause_ends for t in drawn) and any(t.latest_period_end for t in drawn)
    assert all(t.figure_json == "" and t.table == [] and t.sparkline == "" for t in undrawn)
