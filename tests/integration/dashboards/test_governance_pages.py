"""Governance pages: workstreams, status reports, the risk register, the logic model and community insight.

Each workflow is exercised through HTTP for the roles allowed to use it, and refused (403) for the others.
The demo governance records are loaded by tests/conftest.py; the "sro" demo login is the SRO of
community-champions, long-term-conditions and frailty, and owns several risks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workstreams.models import CommunityInsight, InsightTheme, Person, Risk, RiskReview, StatusReport, Workstream

pytestmark = pytest.mark.django_db
ROLES = ["board", "analyst", "pcnlead", "admin", "sro"]
OWN = "community-champions"  # led by the sro demo login
OTHER = "estates"  # led by nobody named


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboards:workstreams"),
        reverse("dashboards:not_reported"),
        reverse("dashboards:workstream", args=[OWN]),
        reverse("dashboards:risks"),
        reverse("dashboards:risks") + "?closed=1&workstream=workforce",
        reverse("dashboards:logic_model"),
        reverse("dashboards:insight"),
        reverse("dashboards:insight") + "?theme=vaccine-promotion",
        reverse("dashboards:insight_month", args=[2021, 12]),
    ],
)
def test_every_role_reads_the_governance_pages(role_client, role, url):
    response = role_client(role).get(url)
    assert response.status_code == 200, url


def test_workstream_list_shows_each_workstream_with_its_sro_and_latest_status(board_client):
    html = board_client.get(reverse("dashboards:workstreams")).content.decode()
    for workstream in Workstream.objects.filter(is_active=True):
        assert workstream.name in html
    assert "Priya Shah (demo)" in html and "To be confirmed" in html
    assert "Objective 1: Reduce health inequalities" in html
    missing = Workstream.objects.filter(is_active=True).exclude(reports__month=this_month()).count()
    assert missing > 0 and f"{missing} workstreams have not reported" in html


def test_not_reported_lists_exactly_the_workstreams_without_a_report_this_month(board_client):
    html = board_client.get(reverse("dashboards:not_reported")).content.decode()
    reported = set(StatusReport.objects.filter(month=this_month()).values_list("workstream__name", flat=True))
    for workstream in Workstream.objects.filter(is_active=True):
        row = f">{workstream.name}</a>"
        assert (row in html) == (workstream.name not in reported), workstream.name


def test_workstream_page_shows_history_milestones_risks_and_measures(board_client):
    workstream = Workstream.objects.get(code="frailty")
    html = board_client.get(reverse("dashboards:workstream", args=["frailty"])).content.decode()
    assert html.count("(demo report)") == workstream.reports.count()
    assert "Late" in html or "Done late" in html
    for risk in workstream.risks.all():
        assert risk.reference in html
    for indicator in workstream.indicators.all():
        assert reverse("dashboards:indicator", args=[indicator.code]) in html


def post_report(client, code, **overrides):
    data = {
        "month": this_month().isoformat(),
        "rag": "amber",
        "achievements": "Recruited 12 community champions.",
        "next_steps": "Train the second cohort.",
        "escalations": "",
        **overrides,
    }
    return client.post(reverse("dashboards:report_status", args=[code]), data)


@pytest.mark.parametrize(("role", "code"), [("sro", OWN), ("analyst", OWN), ("analyst", OTHER)])
def test_sros_leads_and_analysts_report_status_and_history_is_kept(role_client, role, code):
    client = role_client(role)
    assert client.get(reverse("dashboards:report_status", args=[code])).status_code == 200
    before = StatusReport.objects.filter(workstream__code=code).count()
    response = post_report(client, code)
    assert response.status_code == 302
    assert StatusReport.objects.filter(workstream__code=code).count() == before + 1
    latest = StatusReport.objects.filter(workstream__code=code).order_by("-pk").first()
    assert latest.rag == "amber" and latest.reported_by.username == role and latest.month == this_month()
    page = client.get(reverse("dashboards:workstream", args=[code])).content.decode()
    assert "Recruited 12 community champions." in page


@pytest.mark.parametrize(("role", "code"), [("board", OWN), ("pcnlead", OWN), ("sro", OTHER)])
def test_others_cannot_report_status(role_client, role, code):
    client = role_client(role)
    before = StatusReport.objects.count()
    assert client.get(reverse("dashboards:report_status", args=[code])).status_code == 403
    assert post_report(client, code).status_code == 403
    assert StatusReport.objects.count() == before


def test_a_report_with_blank_fields_is_refused_with_the_reason(role_client):
    client = role_client("sro")
    before = StatusReport.objects.count()
    response = post_report(client, OWN, achievements="", rag="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "This field is required." in html
    assert StatusReport.objects.count() == before


def test_risk_register_shows_scores_heat_map_and_overdue_reviews(board_client):
    today = timezone.localdate()
    html = board_client.get(reverse("dashboards:risks")).content.decode()
    open_risks = Risk.objects.filter(status="open")
    for risk in open_risks:
        assert risk.reference in html and str(risk.score) in html
    assert f"Open risks by likelihood and impact ({open_risks.count()} risks)" in html
    overdue = [r for r in open_risks if r.review_date < today]
    assert overdue, "the demo register has reviews overdue"
    assert html.count(">Overdue</strong>") == len(overdue)


def test_analysts_open_risks_and_others_cannot(role_client):
    owner = Person.objects.get(name="Helen Marsh (demo)")
    data = {
        "title": "Hub lease not renewed",
        "description": "The neighbourhood hub lease may end.",
        "workstream": Workstream.objects.get(code="estates").pk,
        "owner": owner.pk,
        "likelihood": 3,
        "impact": 4,
        "target_likelihood": 2,
        "target_impact": 2,
        "mitigations": "Talks with the landlord.",
        "review_date": "2027-01-31",
    }
    for role in ("board", "pcnlead", "sro"):
        assert role_client(role).post(reverse("dashboards:new_risk"), data).status_code == 403
    assert not Risk.objects.filter(title=data["title"]).exists()
    response = role_client("analyst").post(reverse("dashboards:new_risk"), data)
    risk = Risk.objects.get(title=data["title"])
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:risk", args=[risk.reference])
    assert risk.score == 12 and risk.reviews.count() == 1


def review_data(**overrides):
    return {
        "likelihood": 2,
        "impact": 3,
        "mitigations": "Agreed at the JMB.",
        "note": "Reduced after new funding.",
        "status": "open",
        "next_review": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        **overrides,
    }


def test_a_risk_owner_reviews_their_risk_through_htmx_and_the_history_grows(role_client):
    risk = Risk.objects.filter(owner__user__username="sro", status="open").first()
    client = role_client("sro")
    before = risk.reviews.count()
    response = client.post(reverse("dashboards:risk", args=[risk.reference]), review_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "History of scores" in html and "Reduced after new funding." in html
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact) == (2, 3) and risk.reviews.count() == before + 1


def test_others_cannot_review_a_risk(role_client):
    risk = Risk.objects.filter(status="open").exclude(owner__user__username="sro").first()
    for role in ("board", "pcnlead", "sro"):
        before = RiskReview.objects.count()
        page = role_client(role).get(reverse("dashboards:risk", args=[risk.reference])).content.decode()
        assert "Review this risk" not in page
        response = role_client(role).post(reverse("dashboards:risk", args=[risk.reference]), review_data())
        assert response.status_code == 403 and RiskReview.objects.count() == before


def test_an_invalid_review_is_refused_with_the_reason_and_changes_nothing(role_client):
    risk = Risk.objects.filter(status="open").first()
    before = (risk.score, risk.reviews.count())
    response = role_client("analyst").post(
        reverse("dashboards:risk", args=[risk.reference]), review_data(next_review="", note="")
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    risk.refresh_from_db()
    assert (risk.score, risk.reviews.count()) == before


def test_logic_model_links_every_measure_to_its_indicator_with_its_status(board_client):
    html = board_client.get(reverse("dashboards:logic_model")).content.decode()
    for workstream in Workstream.objects.filter(is_active=True).prefetch_related("indicators"):
        assert f'id="ws-{workstream.code}"' in html
        for indicator in workstream.indicators.all():
            assert reverse("dashboards:indicator", args=[indicator.code]) in html
    assert "Implement community champions programme" in html and "Number of community champions recruited" in html
    assert "Partnership outcomes" in html and "Long-term impact" in html
    # the outcomes show their target assessment, as on the board overview
    assert any(label in html for label in ("On track", "Off track", "Met", "Not met", "Baseline pending"))


def test_analysts_record_insight_and_respond_to_it_others_cannot(role_client):
    theme = InsightTheme.objects.get(code="access-to-primary-care")
    data = {
        "theme": theme.pk,
        "heard_on": "2026-11-12",
        "source": "Wealdstone community conversation",
        "what_we_heard": "Evening appointments are hard to book.",
        "what_we_did": "",
        "status": "heard",
        "workstreams": [Workstream.objects.get(code="pcn-development").pk],
    }
    for role in ("board", "pcnlead", "sro"):
        assert role_client(role).post(reverse("dashboards:new_insight"), data).status_code == 403
    assert not CommunityInsight.objects.filter(source=data["source"]).exists()
    client = role_client("analyst")
    assert client.post(reverse("dashboards:new_insight"), data).status_code == 302
    insight = CommunityInsight.objects.get(source=data["source"])
    summary = client.get(reverse("dashboards:insight_month", args=[2026, 11])).content.decode()
    assert "Evening appointments are hard to book." in summary and "Access to primary care" in summary
    url = reverse("dashboards:respond_insight", args=[insight.pk])
    assert role_client("board").post(url, {"what_we_did": "x", "status": "done"}).status_code == 403
    response = role_client("analyst").post(url, {"what_we_did": "Extended hours hub opened.", "status": "done"})
    assert response.status_code == 302
    insight.refresh_from_db()
    assert insight.status == "done" and insight.what_we_did == "Extended hours hub opened."


def test_governance_pages_query_count_does_not_grow_with_records(board_client):
    urls = [reverse("dashboards:workstreams"), reverse("dashboards:risks"), reverse("dashboards:insight")]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert board_client.get(url).status_code == 200
            out.append(len(queries))
        return out

    counts()  # warm the cache: the first page looks up (once per data version) which indicators are demo data
    first = counts()
    owner = Person.objects.get(name="Grace Lin (demo)")
    theme = InsightTheme.objects.first()
    for n, workstream in enumerate(Workstream.objects.all()):
        StatusReport.objects.create(
            workstream=workstream, month=this_month(), rag="green", achievements="a", next_steps="b"
        )
        Risk.objects.create(
            reference=f"T-{n}",
            title=f"Extra {n}",
            description="d",
            owner=owner,
            workstream=workstream,
            likelihood=2,
            impact=2,
            target_likelihood=1,
            target_impact=1,
            review_date=dt.date(2027, 1, 1),
            opened_on=dt.date(2026, 1, 1),
        )
        CommunityInsight.objects.create(theme=theme, heard_on=dt.date(2026, 5, 1), source="s", what_we_heard="h")
    assert counts() == first


def test_empty_heat_map_cells_are_blank_to_the_eye_and_say_no_risks(board_client):
    import re

    html = board_client.get(reverse("dashboards:risks")).content.decode()
    table = html[html.index('class="app-heat-map"') : html.index("</table>", html.index('class="app-heat-map"'))]
    cells = re.findall(r'<td class="app-heat-map__cell[^"]*">(.*?)</td>', table, flags=re.S)
    assert len(cells) == 25
    empty = [c for c in cells if "<strong>" not in c]
    assert empty, "the demo register leaves some cells empty"
    for cell in empty:
        visible = re.sub(r'<span class="nhsuk-u-visually-hidden">.*?</span>', "", cell, flags=re.S).strip()
        assert visible == "" and "no risks" in cell


def test_the_next_review_label_does_not_call_a_conditionally_required_date_optional(role_client):
    risk = Risk.objects.filter(status="open").order_by("reference").first()
    html = role_client("analyst").get(reverse("dashboards:risk", args=[risk.reference])).content.decode()
    assert "Next review</label>" in html.replace("\n", "")
    assert "Next review (optional)" not in html
    assert "leave it blank only when closing the risk" in html
