"""My PCN (issue 13.6): a PCN lead lands on their own PCN after signing in; its practice x indicator matrix is
coloured by funnel significance against Harrow, in words too, with suppressed cells kept suppressed; board members
and analysts keep the overview and may view any PCN.

PCN codes are never written here: the lead's PCN comes from the demo user's profile, another PCN by its name.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from harrow_bbp.models import Profile
from outcomes.models import Area, Indicator, Observation
from outcomes.stats.funnel import funnel_comparison, funnel_level, funnel_significance

from .loading import replace_latest

pytestmark = pytest.mark.django_db

PASSWORDS = {"board": "demo-board-2026", "analyst": "demo-analyst-2026", "pcnlead": "demo-pcnlead-2026"}


def lead_pcn() -> Area:
    return get_user_model().objects.get(username="pcnlead").profile.pcn


def other_pcn() -> Area:
    """Another Harrow PCN than the lead's, found by name."""
    return Area.objects.filter(level="pcn", name__icontains="Sphere").exclude(pk=lead_pcn().pk).get()


def pcn_url(area: Area) -> str:
    return reverse("dashboards:pcn", args=[area.code])


def sign_in(client, username: str, next_url: str | None = None):
    url = reverse("login") + (f"?next={next_url}" if next_url is not None else "")
    data = {"username": username, "password": PASSWORDS[username]}
    if next_url is not None:
        data["next"] = next_url  # the form carries it as the sign-in page was given it
    return client.post(url, data, follow=True)


# ------------------------------------------------------------------------------------------------- landing


def test_a_pcn_lead_lands_on_their_own_pcn_after_signing_in(client):
    response = sign_in(client, "pcnlead")
    assert response.redirect_chain[-1][0] == pcn_url(lead_pcn())
    assert response.status_code == 200 and response.context["pcn"] == lead_pcn()
    assert response.context["page"].matrix is not None


def test_opening_the_site_signed_out_still_lands_a_lead_on_their_pcn(client):
    """The sign-in page the site sends a signed-out reader to carries next=/: that is no page asked for."""
    first = client.get("/")
    assert first.status_code == 302 and first.url == reverse("login") + "?next=/"
    page = client.get(first.url).content.decode()
    assert 'name="next" value=""' in page  # the form does not carry "/" on
    response = sign_in(client, "pcnlead", next_url="/")
    assert response.redirect_chain[-1][0] == pcn_url(lead_pcn())


def test_a_page_asked_for_is_still_where_signing_in_goes(client):
    response = sign_in(client, "pcnlead", next_url=reverse("dashboards:jsna"))
    assert response.redirect_chain[-1][0] == reverse("dashboards:jsna")


@pytest.mark.parametrize("username", ["board", "analyst"])
def test_board_members_and_analysts_keep_the_overview(client, username):
    response = sign_in(client, username)
    assert response.redirect_chain[-1][0] == reverse("dashboards:board")
    assert response.status_code == 200
    assert ">My PCN<" not in response.content.decode()


def test_a_lead_whose_pcn_is_not_set_lands_on_the_overview(role_client):
    Profile.objects.filter(user__username="pcnlead").update(pcn=None)
    response = role_client("pcnlead").get(reverse("dashboards:home"))
    assert response.status_code == 302 and response.url == reverse("dashboards:board")


def test_the_lead_can_reach_the_overview_and_back(role_client):
    client = role_client("pcnlead")
    own = client.get(pcn_url(lead_pcn())).content.decode()
    assert f'href="{reverse("dashboards:board")}">board overview</a>' in own  # a link back to the overview
    overview = client.get(reverse("dashboards:board"))
    assert overview.status_code == 200
    assert f'<a href="{reverse("dashboards:home")}">My PCN</a>' in overview.content.decode()


# ------------------------------------------------------------------------------------------------- scope


def test_the_lead_sees_practices_of_their_own_pcn_only(role_client):
    client = role_client("pcnlead")
    other = client.get(pcn_url(other_pcn()))
    assert other.status_code == 200  # the PCN against the others: every role reads it
    assert other.context["page"].matrix is None and not other.context["page"].practice_rows
    other_practices = Area.objects.filter(memberships__pcn=other_pcn(), memberships__end__isnull=True)
    text = other.content.decode()
    assert not any(html.escape(p.name) in text for p in other_practices)
    assert client.get(pcn_url(other_pcn()), {"format": "csv"}).status_code == 404
    assert "Practices compared with" not in text


def test_board_members_see_no_practices_and_analysts_see_every_pcns(role_client):
    board = role_client("board").get(pcn_url(lead_pcn()))
    assert board.context["page"].matrix is None
    analyst = role_client("analyst").get(pcn_url(other_pcn()))
    matrix = analyst.context["page"].matrix
    members = Area.objects.filter(memberships__pcn=other_pcn(), memberships__end__isnull=True).order_by("name")
    assert [r.practice for r in matrix.rows] == [p.name for p in members]


# ------------------------------------------------------------------------------------------------- the matrix


def _latest_counts(indicator: Indicator, area_codes: list[str]):
    rows = Observation.objects.filter(
        indicator=indicator, area__code__in=area_codes, is_current=True, breakdown="all"
    ).order_by("period_end")
    end = rows.last().period_end
    return end, list(rows.filter(period_end=end).values_list("area__code", "numerator", "denominator"))


def test_matrix_cells_are_the_funnel_verdicts_against_harrow(role_client):
    """An analyst's cells (exact counts) against the funnel computed here from the database: each practice's counts
    against Harrow's value for the same period, with the indicator's polarity."""
    page = role_client("analyst").get(pcn_url(lead_pcn())).context["page"]
    matrix = page.matrix
    members = list(Area.objects.filter(memberships__pcn=lead_pcn(), memberships__end__isnull=True).order_by("name"))
    assert [r.practice for r in matrix.rows] == [p.name for p in members]  # full names, every practice
    practice_level = [i.code for i in Indicator.objects.order_by("sort_order", "code") if "practice" in i.levels]
    assert [c.code for c in matrix.columns] == [
        c for c in practice_level if Observation.objects.filter(indicator__code=c, area__in=members).exists()
    ]
    checked = set()
    for j, column in enumerate(matrix.columns):
        indicator = Indicator.objects.get(code=column.code)
        if indicator.unit not in ("percent", "rate"):
            continue
        end, counts = _latest_counts(indicator, [p.code for p in members])
        harrow = Observation.objects.get(
            indicator=indicator, area__level="borough", period_end=end, is_current=True, breakdown="all"
        )
        assert column.harrow == indicator.format_value(harrow.value)
        x = np.array([c[1] for c in counts], dtype=float)
        n = np.array([c[2] for c in counts], dtype=float)
        if indicator.unit == "percent":
            labels = funnel_significance(x, n, statistic="proportion", target=harrow.value / 100)
        else:
            rate = x / n * indicator.multiplier
            labels = funnel_significance(
                x,
                n,
                statistic="rate",
                rate=rate,
                rate_type="crude",
                multiplier=indicator.multiplier,
                target=harrow.value / indicator.multiplier,
            )
        expected = dict(
            zip(
                [c[0] for c in counts],
                zip(funnel_comparison(labels, polarity=indicator.polarity), funnel_level(labels), strict=True),
                strict=True,
            )
        )
        for row in matrix.rows:
            cell = row.cells[j]
            assert (cell.comparison, cell.level) == expected[row.code], (column.code, row.practice)
            assert cell.link == reverse("dashboards:indicator_area", args=[column.code, row.code])
            checked.add(cell.comparison)
    assert {"better", "worse", "similar"} <= checked  # the demo has practices on both sides of Harrow


def test_matrix_says_each_verdict_in_words_and_a_symbol_not_colour_alone(role_client):
    response = role_client("pcnlead").get(pcn_url(lead_pcn()))
    text = response.content.decode()
    matrix = response.context["page"].matrix
    cells = re.findall(r'<td class="app-sig app-sig--([a-z-]+)[^"]*">(.*?)</td>', text, flags=re.S)
    assert len(cells) == len(matrix.rows) * len(matrix.columns)
    words = {
        "better": "Better",
        "worse": "Worse",
        "similar": "Similar",
        "higher": "Higher",
        "lower": "Lower",
        "not-compared": "Not compared",
        "suppressed": "Suppressed",
        "no-data": "No data",
    }
    for verdict, content in cells:
        assert words[verdict] in content, (verdict, content)
    for key in matrix.key:  # the key above the matrix names every look the cells use
        assert html.escape(key.words) in text
    assert "app-sig--strong" in text  # practices beyond the 99.8% limits have the darker cells


def test_suppressed_cells_stay_suppressed_in_the_matrix(role_client):
    """A practice with 5 patients in the latest period: "*" in the matrix for the lead, no value, no verdict;
    the analyst sees the exact value."""
    indicator = Indicator.objects.get(code="PERF_DIABETES_9CP")
    members = list(Area.objects.filter(memberships__pcn=lead_pcn(), memberships__end__isnull=True).order_by("name"))
    _, counts = _latest_counts(indicator, [p.code for p in members])
    practice = counts[0][0]
    replace_latest("PERF_DIABETES_9CP", practice, 5)

    def cell(username: str):
        matrix = role_client(username).get(pcn_url(lead_pcn())).context["page"].matrix
        j = [c.code for c in matrix.columns].index("PERF_DIABETES_9CP")
        return next(r for r in matrix.rows if r.code == practice).cells[j]

    hidden = cell("pcnlead")
    assert (hidden.text, hidden.comparison, hidden.level) == ("*", "suppressed", "")
    assert hidden.words == "Suppressed (small numbers)"
    exact = cell("analyst")
    assert exact.text.endswith("%") and exact.comparison != "suppressed"


def test_practice_table_has_units_the_pcn_and_harrow_and_the_same_verdicts(role_client):
    page = role_client("pcnlead").get(pcn_url(lead_pcn())).context["page"]
    assert page.practice_columns[-3:] == ["pcn_value", "harrow_value", "comparison"]
    by_cell = {
        (r.practice, c.code): cell
        for r in page.matrix.rows
        for c, cell in zip(page.matrix.columns, r.cells, strict=True)
    }
    names = {c.name: c.code for c in page.matrix.columns}
    compared = 0
    for row in page.practice_rows:
        assert row["value"] == "*" or row["value"].endswith(("%", "per 1,000")), row
        assert row["harrow_value"].endswith(("%", "per 1,000"))
        cell = by_cell.get((row["practice"], names[row["indicator"]]))
        if cell is not None and cell.text == row["value"]:
            assert row["comparison"] == cell.words  # the table and the matrix say the same
            compared += 1
    assert compared
