"""Coverage of derived values, on whichever database the tests run (SQLite: pandas sums; PostgreSQL: one query).

Run on both: ``pytest tests/integration/outcomes/test_rollup_coverage.py`` and again with DATABASE_URL set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from outcomes import actions, coverage
from outcomes.models import Area, CoverageAcceptance, Extract, Indicator, Observation, PracticeMembership

pytestmark = pytest.mark.django_db
D = dt.date


def _extract(name: str) -> Extract:
    return actions.create_extract(file_name=name, content=name.encode(), format="generic", source="command")


def _members(day: dt.date) -> list[PracticeMembership]:
    return list(
        PracticeMembership.objects.filter(Q(end__isnull=True) | Q(end__gt=day), start__lte=day)
        .select_related("practice", "pcn")
        .order_by("practice__code")
    )


def _rows(indicator: Indicator, period_end: dt.date, practices: list[Area]) -> list[dict]:
    return [
        {
            "indicator_id": indicator.pk,
            "area_id": practice.pk,
            "period_start": period_end.replace(day=1),
            "period_end": period_end,
            "numerator": 10.0 + i,
            "denominator": 1000.0 + 10 * i,
            "value": (10.0 + i) / (1000.0 + 10 * i) * indicator.multiplier,
        }
        for i, practice in enumerate(practices)
    ]


def test_a_missing_practice_is_recorded_on_every_derived_row_and_named_in_a_warning(settings):
    settings.ROLLUP_MIN_COVERAGE = 0.5
    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    before, period_end = D(2041, 2, 28), D(2041, 3, 31)
    members = _members(period_end)
    practices = [m.practice for m in members]
    actions.load_observations(extract=_extract("feb.csv"), rows=_rows(indicator, before, practices))
    missing = members[0]
    extract = _extract("mar.csv")
    actions.load_observations(extract=extract, rows=_rows(indicator, period_end, practices)[1:])
    warnings = []

    actions.derive_rollups(indicator=indicator, extract=extract, period_ends=[period_end], on_warning=warnings.append)

    rows = Observation.objects.filter(indicator=indicator, period_end=period_end, is_current=True, is_derived=True)
    pcn_members = [m for m in members if m.pcn_id == missing.pcn_id]
    pcn = rows.get(area=missing.pcn, breakdown="all")
    # weighed by denominator: the missing practice's from February, when it sent one (the first: 1000)
    weights = [1000.0 + 10 * practices.index(m.practice) for m in pcn_members]
    assert (pcn.covered_practices, pcn.member_practices) == (len(pcn_members) - 1, len(pcn_members))
    assert pcn.coverage_share == pytest.approx(1 - 1000.0 / sum(weights))
    assert pcn.coverage_basis == coverage.DENOMINATOR and pcn.missing_practices == missing.practice.code
    assert pcn.value is not None and not pcn.suppressed
    borough = rows.get(area=missing.pcn.parent, breakdown="all")
    assert (borough.covered_practices, borough.member_practices) == (len(members) - 1, len(members))
    others = rows.exclude(area__in=[missing.pcn, missing.pcn.parent]).filter(area__level="pcn", breakdown="all")
    assert others.exists() and all(o.coverage_share == 1.0 and o.missing_practices == "" for o in others)
    named = [w for w in warnings if w.code == "rollup_members_missing"]
    assert len(named) == 1 and missing.practice.code in named[0].message and named[0].severity == "warning"
    assert "31 Mar 2041" in named[0].message


def test_below_the_threshold_nothing_is_derived_until_an_analyst_accepts_it_with_a_reason(settings):
    settings.ROLLUP_MIN_COVERAGE = 0.95
    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    period_end = D(2042, 3, 31)
    members = _members(period_end)
    pcn = members[0].pcn
    in_pcn = [m.practice for m in members if m.pcn_id == pcn.pk]
    assert len(in_pcn) >= 2
    extract = _extract("few.csv")
    actions.load_observations(extract=extract, rows=_rows(indicator, period_end, in_pcn[:1]))
    warnings = []

    actions.derive_rollups(indicator=indicator, extract=extract, period_ends=[period_end], on_warning=warnings.append)

    current = Observation.objects.filter(indicator=indicator, period_end=period_end, is_current=True, is_derived=True)
    held = current.get(area=pcn, breakdown="all")
    assert held.value is None and held.numerator is None and held.suppressed
    assert held.note.startswith(coverage.HELD_BACK) and held.covered_practices == 1
    assert not current.filter(value__isnull=False).exists()  # nothing derived anywhere: the borough is held too
    assert any(w.code == "rollup_held_back" and pcn.code in w.message for w in warnings)

    analyst = get_user_model().objects.create_user("coverage-analyst")
    acceptance = actions.accept_coverage(
        indicator=indicator, area=pcn, period_end=period_end, reason="Only practice open", user=analyst, extract=extract
    )

    derived = Observation.objects.get(
        indicator=indicator, area=pcn, period_end=period_end, breakdown="all", is_current=True
    )
    assert derived.is_derived and derived.value == pytest.approx(10.0 / 1000.0 * indicator.multiplier)
    assert derived.covered_practices == 1 and derived.coverage_share < 0.95 and "accepted" in derived.note
    assert CoverageAcceptance.objects.get() == acceptance
    assert (acceptance.accepted_by, acceptance.reason) == (analyst, "Only practice open")
    assert acceptance.covered_practices == 1
    assert acceptance.history.count() == 1
    # the borough was not accepted: still held back
    borough = current.get(area=pcn.parent, breakdown="all")
    assert borough.value is None and borough.note.startswith(coverage.HELD_BACK)
    # a re-run of the roll-up keeps the accepted value (unchanged), and keeps the borough held
    again = actions.derive_rollups(indicator=indicator, extract=_extract("again.csv"), period_ends=[period_end])
    assert again.inserted == 0 and again.superseded == 0


def test_acceptance_needs_a_reason_and_a_held_back_value():
    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    pcn = Area.objects.filter(level="pcn").first()
    with pytest.raises(ValueError, match="reason"):
        actions.accept_coverage(
            indicator=indicator, area=pcn, period_end=D(2043, 1, 31), reason=" ", user=None, extract=_extract("x")
        )
    with pytest.raises(ValueError, match="Nothing is held back"):
        actions.accept_coverage(
            indicator=indicator, area=pcn, period_end=D(2043, 1, 31), reason="why", user=None, extract=_extract("y")
        )
    assert not CoverageAcceptance.objects.exists()


def test_an_ingested_file_warns_which_member_practices_are_missing_and_what_was_held_back(settings):
    from outcomes.ingest import pipeline

    settings.ROLLUP_MIN_COVERAGE = 0.95
    first = Observation.objects.filter(indicator__code="OUT5_ACSC_ADMISSIONS").earliest("period_start").period_start
    period_end = first - dt.timedelta(days=1)  # the month before any demo data: a past period, with no rows
    period_start = period_end.replace(day=1)
    members = _members(period_end)
    assert len(members) > 10
    sent = members[:2]
    lines = ["indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator"]
    lines += [f"OUT5_ACSC_ADMISSIONS,{m.practice.code},{period_start},{period_end},all,all,12,10450" for m in sent]
    content = ("\n".join(lines) + "\n").encode()
    received = actions.receive_extract(file_name="two.csv", content=content, format="auto", source="command")

    extract = pipeline.run_extract(received.pk).extract

    assert extract.status == Extract.Status.LOADED, extract.errors
    missing = [w for w in extract.warnings if w["code"] == "rollup_members_missing"]
    assert len(missing) == 1 and f"{period_end:%d %b %Y}" in missing[0]["message"]
    assert members[2].practice.code in missing[0]["message"] and "more" in missing[0]["message"]  # shortened
    assert any(w["code"] == "rollup_held_back" for w in extract.warnings)
