"""Old links with a PCN's former local code move for good to the page with its ODS code (ADR 0017), keeping the
query string, and the page reached applies its own access rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from outcomes.models import Area, AreaAlias
from outcomes.pcn_codes import FORMER_PCN_CODES

pytestmark = pytest.mark.django_db
ACSC = "OUT5_ACSC_ADMISSIONS"


def pcn(code: str) -> str:
    return reverse("dashboards:pcn", args=[code])


def test_every_former_pcn_code_is_an_alias_of_the_pcn_with_its_ods_code():
    assert dict(AreaAlias.objects.values_list("alias", "area__code")) == FORMER_PCN_CODES
    assert set(Area.objects.filter(level="pcn").values_list("code", flat=True)) == set(FORMER_PCN_CODES.values())


@pytest.mark.parametrize(("old", "new"), sorted(FORMER_PCN_CODES.items()))
def test_a_pcn_page_by_its_former_code_moves_permanently_to_its_ods_code(board_client, old, new):
    response = board_client.get(pcn(old))
    assert (response.status_code, response["Location"]) == (301, pcn(new))
    assert board_client.get(response["Location"]).status_code == 200


def test_the_query_string_is_kept_and_former_codes_in_it_are_replaced(role_client):
    client = role_client("analyst")
    old = reverse("dashboards:indicator_csv", args=[ACSC, "HRW-PCN-HA"])
    response = client.get(old + "?format=csv&b=2")
    assert response.status_code == 301
    assert response["Location"] == reverse("dashboards:indicator_csv", args=[ACSC, "U60450"]) + "?format=csv&b=2"
    # The area switcher names the area in the query string.
    response = client.get(reverse("dashboards:indicator", args=[ACSC]) + "?area=HRW-PCN-SP&x=%C3%A9")
    assert response["Location"] == reverse("dashboards:indicator", args=[ACSC]) + "?area=U89806&x=%C3%A9"
    final = client.get(response["Location"])
    assert (final.status_code, final["Location"]) == (302, reverse("dashboards:indicator_area", args=[ACSC, "U89806"]))


def test_unknown_codes_stay_404_and_posts_are_never_redirected(role_client):
    client = role_client("analyst")
    assert client.get(pcn("HRW-PCN-XX")).status_code == 404
    assert client.get(pcn("NOPE") + "?area=NOPE").status_code == 404
    post = client.post(reverse("dashboards:commentary", args=[ACSC, "HRW-PCN-HS"]), {"text": "x"})
    assert post.status_code == 404


def test_anonymous_requests_are_sent_to_sign_in_not_told_the_new_code(client):
    response = client.get(pcn("HRW-PCN-HS"))
    assert response.status_code == 302 and "U84846" not in response["Location"]


def test_a_pcn_lead_reaches_another_pcns_practices_by_an_old_code_no_more_than_by_its_new_one(role_client):
    lead = role_client("pcnlead")  # leads Healthsense (U84846, formerly HRW-PCN-HS)
    own = lead.get(pcn("HRW-PCN-HS"), follow=True)
    assert own.redirect_chain == [(pcn("U84846"), 301)] and own.context["page"].shows_practices
    other = lead.get(pcn("HRW-PCN-HA"), follow=True)
    assert other.redirect_chain == [(pcn("U60450"), 301)]
    assert not other.context["page"].shows_practices
    assert "The Stanmore Medical Centre" not in other.content.decode()
    download = lead.get(pcn("HRW-PCN-HA") + "?format=csv", follow=True)
    assert download.redirect_chain == [(pcn("U60450") + "?format=csv", 301)] and download.status_code == 404
    # The access log records the page reached, under its current code, never the alias.
    logged = set(AccessLogEntry.objects.filter(user__username="pcnlead").values_list("area_code", "status_code"))
    assert logged == {("U84846", 200)}
