"""The differencing attacks (value x denominator, total minus parts, parent minus children) over every page's CSV,
tables and chart data, as a board member and as a PCN lead, on demo data seeded with small counts: nothing is
recovered (ADR 0008). The attacker is `attacks.py`; on the code before ADR 0008 it recovered hundreds of counts."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from django.urls import reverse

from outcomes import actions
from outcomes.models import Area, Indicator, Observation, PracticeMembership
from outcomes.selectors import HARROW_CODE

from .attacks import Published, Shown, Truth, attack
from .loading import load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # every page's CSV and chart data, for two roles

SMALL = {  # practice -> numerator for the latest period: small counts beside the demo's own small monthly counts
    "PERF_DIABETES_9CP": (3, 6),
    "C20_SMI_HEALTH_CHECKS": (2, 5),
}


def _seed_small_counts() -> None:
    """Give two practices of the PCN lead's PCN small counts in the latest period and roll them up, as a load
    does."""
    practices = list(
        PracticeMembership.objects.filter(pcn__code="U84846", end__isnull=True)
        .order_by("practice__code")
        .values_list("practice_id", flat=True)
    )
    for code, numerators in SMALL.items():
        indicator = Indicator.objects.get(code=code)
        rows = []
        for practice_id, numerator in zip(practices, numerators, strict=False):
            old = (
                Observation.objects.filter(indicator=indicator, area_id=practice_id, is_current=True, breakdown="all")
                .order_by("-period_end")
                .first()
            )
            rows.append(
                {
                    "indicator_id": indicator.pk,
                    "area_id": practice_id,
                    "period_start": old.period_start,
                    "period_end": old.period_end,
                    "numerator": float(numerator),
                    "denominator": float(old.denominator),
                    "value": numerator / float(old.denominator) * indicator.multiplier,
                }
            )
        extract = load(rows, name=f"small-{code}.csv")
        actions.derive_rollups(indicator=indicator, extract=extract)


def _indicators() -> list[Indicator]:
    """Indicators with anything below borough level: PCN or practice rows, or borough breakdowns."""
    below = Observation.objects.filter(is_current=True).exclude(area__level="borough", breakdown="all")
    below = below.filter(area__level__in=["borough", "pcn", "practice"])
    return list(Indicator.objects.filter(pk__in=below.values("indicator_id")).order_by("code"))


def _truth() -> dict:
    rows = Observation.objects.filter(is_current=True, area__level__in=["borough", "pcn", "practice"]).values_list(
        "indicator__code",
        "area__code",
        "period_start",
        "period_end",
        "breakdown",
        "category",
        "numerator",
        "denominator",
    )
    return {
        (c, a, str(s), str(e), b, k): Truth(None if n is None else float(n), None if d is None else float(d))
        for c, a, s, e, b, k, n, d in rows
    }


def _groups(truth: dict) -> list[tuple]:
    """Every sum a reader knows of: breakdowns against the headline, PCNs against their practices (membership on
    the period's last day) and the borough against its PCNs."""
    memberships = list(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end"))
    pcns = list(Area.objects.filter(parent__code=HARROW_CODE, level="pcn").values_list("code", flat=True))
    by_slice = defaultdict(list)
    for key in truth:
        by_slice[(key[0], key[2], key[3], key[4], key[5])].append(key[1])
    groups = []
    headlines = defaultdict(list)
    for code, area, start, end, breakdown, category in truth:
        if breakdown != "all":
            headlines[(code, area, start, end, breakdown)].append((code, area, start, end, breakdown, category))
    for (code, area, start, end, _), parts in headlines.items():
        total = (code, area, start, end, "all", "all")
        if total in truth:
            groups.append((total, parts, "total minus parts"))
    for (code, start, end, breakdown, category), areas in by_slice.items():
        present = set(areas)
        children = defaultdict(list)
        for practice, pcn, m_start, m_end in memberships:
            if str(m_start) <= end and (m_end is None or str(m_end) > end) and practice in present:
                children[pcn].append(practice)
        children[HARROW_CODE] = [p for p in pcns if p in present]
        for parent, kids in children.items():
            if parent in present and kids:
                key = (code, parent, start, end, breakdown, category)
                groups.append(
                    (key, [(code, k, start, end, breakdown, category) for k in kids], "parent minus children")
                )
    return groups


def _csv_rows(client, code: str, area: str) -> list[dict]:
    response = client.get(reverse("dashboards:indicator_csv", args=[code, area]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _read_indicator(published: Published, client, code: str, area: str) -> None:
    """The indicator page's chart data and its CSV (the numbers its tables show)."""
    url = reverse("dashboards:indicator_area", args=[code, area])
    page = client.get(url)
    assert page.status_code == 200
    published.add_charts(url, page.content.decode())
    for row in _csv_rows(client, code, area):
        section = row["section"]
        if section == "benchmark":
            continue
        breakdown, category = row.get("breakdown") or "all", row.get("category") or "all"
        if section == "pcn":
            breakdown, category = "all", "all"
        level_exact = row["area"] == HARROW_CODE and breakdown == "all"
        key = (code, row["area"], row["period_start"], row["period_end"], breakdown, category)
        published.add(key, Shown(row["numerator"], row["denominator"], row["value"], level_exact, url))


def _read_pcn_page(published: Published, client, pcn: str, latest: dict) -> None:
    """The PCN page: spine and funnel chart data, the funnels' tables and the practice table."""
    url = reverse("dashboards:pcn", args=[pcn])
    response = client.get(url)
    assert response.status_code == 200
    published.add_charts(url, response.content.decode())
    page = response.context["page"]
    names = {a.display_name: a.code for a in Area.objects.filter(level="practice")}
    indicators = {i.display_name: i.code for i in Indicator.objects.all()}
    for row in page.practice_rows:
        code, practice = indicators[row["indicator"]], names[row["practice"]]
        start, end = latest[(code, practice)]
        published.add(
            (code, practice, start, end, "all", "all"),
            Shown(row["numerator_display"], row["denominator_display"], row["value"], page=url),
        )
    for funnel in page.funnels:
        code = funnel.key.removeprefix("funnel-")
        # A funnel drawn around its practices' own average (no Harrow value for the period) gives the PCN's rate
        # (the ratio of its practices' sums): beside the PCN's shown denominator it is a value at the precision
        # the chart draws it. One drawn around Harrow's value gives only Harrow's, which is published exactly.
        average = [t for t in json.loads(funnel.figure_json)["data"] if t["name"].startswith("Average")]
        period = next(iter({latest[(code, names[r["name"]])] for r in funnel.table}))
        key = (code, pcn, *period, "all", "all")
        for shown in list(published.cells.get(key, [])) if average else []:
            published.add(key, Shown(shown.numerator, shown.denominator, repr(float(average[0]["y"][0])), page=url))
        for row in funnel.table:
            practice = names[row["name"]]
            start, end = latest[(code, practice)]
            published.add(
                (code, practice, start, end, "all", "all"),
                Shown(row["numerator_display"], row["denominator_display"], row["value"], page=url),
            )


def _published(role_client, username: str) -> Published:
    client = role_client(username)
    published = Published()
    pcns = list(Area.objects.filter(parent__code=HARROW_CODE, level="pcn").order_by("code"))
    latest = {}
    for code, area, start, end in Observation.objects.filter(
        is_current=True, breakdown="all", area__level="practice"
    ).values_list("indicator__code", "area__code", "period_start", "period_end"):
        if (code, area) not in latest or str(end) > latest[(code, area)][1]:
            latest[(code, area)] = (str(start), str(end))
    for indicator in _indicators():
        # An indicator not published by PCN has no PCN pages (404): nothing there to read.
        for area in [HARROW_CODE, *(p.code for p in pcns if "pcn" in indicator.levels)]:
            _read_indicator(published, client, indicator.code, area)
        if username == "pcnlead" and "practice" in indicator.levels:
            for practice in PracticeMembership.objects.filter(pcn__code="U84846", end__isnull=True).values_list(
                "practice__code", flat=True
            ):
                _read_indicator(published, client, indicator.code, practice)
    for pcn in pcns:
        _read_pcn_page(published, client, pcn.code, latest)
    return published


@pytest.mark.parametrize("username", ["board", "pcnlead"])
def test_the_differencing_attacks_recover_no_count(role_client, username):
    _seed_small_counts()
    truth = _truth()
    multipliers = {i.code: float(i.multiplier) for i in Indicator.objects.all()}
    published = _published(role_client, username)
    assert len(published.cells) > 500 and published.chart_numbers  # the attacker read the pages
    result = attack(published, truth, multipliers, _groups(truth))
    print(f"{username}: {result.summary()}")
    assert result.total == 0, (result.summary(), {k: sorted(v)[:5] for k, v in result.recovered.items()})


def test_the_attacker_has_teeth():
    """The same attacker on a table published the old way (values at two places beside counts rounded to 5, one
    suppressed category) recovers the hidden counts, as the auditor did by hand."""
    truth = {
        ("X", "P", "s", "e", "all", "all"): Truth(90, 10300),
        ("X", "P", "s", "e", "age", "0-4"): Truth(0, 600),
        ("X", "P", "s", "e", "age", "5-17"): Truth(7, 1500),
        ("X", "P", "s", "e", "age", "18-44"): Truth(11, 4000),
        ("X", "P", "s", "e", "age", "45-64"): Truth(23, 2500),
        ("X", "P", "s", "e", "age", "65-74"): Truth(16, 800),
        ("X", "P", "s", "e", "age", "75+"): Truth(33, 900),
    }
    published = Published()
    for key, true in truth.items():
        rounded = "*" if 1 <= true.numerator <= 7 else f"{5 * round(true.numerator / 5):.0f}"
        value = "*" if rounded == "*" else f"{true.numerator / true.denominator * 1000:.2f}"
        published.add(key, Shown(rounded, f"{5 * round(true.denominator / 5):.0f}", value))
    parts = [k for k in truth if k[4] == "age"]
    result = attack(published, truth, {"X": 1000.0}, [(("X", "P", "s", "e", "all", "all"), parts, "total minus parts")])
    assert ("X", "P", "s", "e", "age", "5-17") in result.recovered["total minus parts"]
    assert result.recovered["value x denominator"] >= {("X", "P", "s", "e", "age", "18-44")}
