"""Starting to track a Fingertips indicator from the product (issue 12.6): a refused export offers a draft
definition pre-filled from the file; a second analyst or an admin approves it; the file is run again and loads."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboards.models import PageVersion
from outcomes.models import Extract, Indicator, IndicatorDraft, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,Category Type,"
    "Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,"
    "Count,Denominator,Value note,Recent Trend,Compared to England value or percentiles,"
    "Compared to Region value or percentiles,Time period Sortable,New data,Compared to goal,Time period range"
)
FID, NAME = 93999, "Adults who walk to work"


def _row(area: str, area_name: str, area_type: str, period: str, count: int, denominator: int) -> str:
    value = count / denominator * 100
    sortable = f"{period[:4]}0000"
    return (
        f"{FID},{NAME},,,{area},{area_name},{area_type},Persons,18+ yrs,,,{period},{value:.3f},,,,,"
        f"{count},{denominator},,,,,{sortable},,,1y"
    )


EXPORT = (
    "\n".join(
        [
            HEADER,
            _row("E09000015", "Harrow", "Counties & UAs (from Apr 2023)", "2021/22", 300, 1000),
            _row("E09000015", "Harrow", "Counties & UAs (from Apr 2023)", "2022/23", 330, 1000),
            _row("E92000001", "England", "England", "2021/22", 2500, 10000),
            _row("E92000001", "England", "England", "2022/23", 2600, 10000),
        ]
    )
    + "\n"
)


@pytest.fixture
def second_analyst(django_user_model):
    user = django_user_model.objects.create_user("analyst2", password="x")
    user.groups.add(Group.objects.get(name="analyst"))
    return user


def _upload(client) -> Extract:
    client.post(
        reverse("dashboards:upload"),
        {"file": SimpleUploadedFile("walk.csv", EXPORT.encode(), content_type="text/csv"), "format": "auto"},
    )
    return Extract.objects.latest("pk")


def _start(client, extract: Extract) -> IndicatorDraft:
    response = client.post(reverse("dashboards:start_tracking", args=[extract.pk]), {"fingertips_id": FID})
    draft = IndicatorDraft.objects.get(fingertips_id=FID)
    assert response.status_code == 302 and response.url == reverse("dashboards:indicator_draft", args=[draft.pk])
    return draft


def _form(draft: IndicatorDraft, **changes) -> dict:
    data = {
        "code": draft.code,
        "name": draft.name,
        "definition": draft.definition,
        "unit": draft.unit,
        "multiplier": draft.multiplier,
        "polarity": draft.polarity,
        "frequency": draft.frequency,
        "period_months": draft.period_months or "",
        "interval_method": draft.interval_method,
        "levels": draft.levels,
        "fingertips_sex": draft.fingertips_sex,
        "fingertips_age": draft.fingertips_age,
        "source_url": draft.source_url,
    }
    return {**data, **changes}


def test_draft_approve_and_run_again_as_two_analysts(role_client, client, second_analyst):
    analyst = role_client("analyst")
    extract = _upload(analyst)
    assert extract.status == Extract.Status.REFUSED and [e["code"] for e in extract.errors] == ["nothing_loaded"]
    page = analyst.get(reverse("dashboards:extract", args=[extract.pk])).content.decode()
    assert f"Start tracking indicator {FID} {NAME}" in page and "Run again" not in page

    draft = _start(analyst, extract)
    assert (draft.code, draft.name, draft.unit, draft.multiplier) == (
        f"FT_{FID}_ADULTS_WHO_WALK_TO_WORK",
        NAME,
        "percent",
        100,
    )
    assert (draft.levels, draft.fingertips_sex, draft.fingertips_age) == (["borough", "country"], "Persons", "18+ yrs")
    assert (draft.frequency, draft.period_months, draft.polarity) == ("annual", 12, "")
    assert draft.created_by.username == "analyst" and draft.interval_method == "wilson"
    # Starting again does not make a second draft; the extract page now links to the draft.
    _start(analyst, extract)
    assert IndicatorDraft.objects.filter(fingertips_id=FID).count() == 1
    assert draft.code in analyst.get(reverse("dashboards:extract", args=[extract.pk])).content.decode()

    # The drafter edits it (choosing the polarity) but cannot approve their own draft.
    page = analyst.get(reverse("dashboards:indicator_draft", args=[draft.pk])).content.decode()
    assert "Approve and start tracking" not in page and "you started it" in page
    response = analyst.post(
        reverse("dashboards:indicator_draft", args=[draft.pk]), _form(draft, polarity="high_is_good")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.polarity == "high_is_good"
    assert analyst.post(reverse("dashboards:approve_indicator_draft", args=[draft.pk])).status_code == 403
    assert not Indicator.objects.filter(code=draft.code).exists()

    # A second analyst approves: the indicator exists with its Fingertips mapping and the pages' version moves on.
    version = PageVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    client.force_login(second_analyst)
    assert (
        "Approve and start tracking"
        in client.get(reverse("dashboards:indicator_draft", args=[draft.pk])).content.decode()
    )
    client.post(reverse("dashboards:approve_indicator_draft", args=[draft.pk]))
    indicator = Indicator.objects.get(code=draft.code)
    assert indicator.fingertips == {"id": FID, "sex": "Persons", "age": "18+ yrs"}
    assert (indicator.unit, indicator.multiplier, indicator.polarity, indicator.levels) == (
        "percent",
        100,
        "high_is_good",
        ["borough", "country"],
    )
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.approved_by == second_analyst and draft.indicator == indicator
    assert PageVersion.objects.get(pk=1).number > version

    # The refused file is run again from the extract page and now loads.
    assert "Run again" in client.get(reverse("dashboards:extract", args=[extract.pk])).content.decode()
    response = client.post(reverse("dashboards:rerun_extract", args=[extract.pk]))
    rerun = Extract.objects.latest("pk")
    assert response.url == reverse("dashboards:extract", args=[rerun.pk]) and rerun.pk != extract.pk
    assert rerun.status == Extract.Status.LOADED, rerun.errors
    assert Observation.objects.filter(indicator=indicator, extract=rerun).count() == 4
    assert "Run again of extract" in rerun.note


def test_an_admin_may_approve_their_own_draft(role_client):
    admin = role_client("admin")
    extract = _upload(admin)
    draft = _start(admin, extract)
    admin.post(reverse("dashboards:indicator_draft", args=[draft.pk]), _form(draft, polarity="low_is_good"))
    admin.post(reverse("dashboards:approve_indicator_draft", args=[draft.pk]))
    assert Indicator.objects.get(code=draft.code).polarity == "low_is_good"


def test_approval_needs_a_polarity(role_client, client, second_analyst):
    extract = _upload(role_client("analyst"))
    draft = _start(role_client("analyst"), extract)
    client.force_login(second_analyst)
    response = client.post(reverse("dashboards:approve_indicator_draft", args=[draft.pk]), follow=True)
    assert "Choose this before approving" in response.content.decode()
    assert not Indicator.objects.filter(code=draft.code).exists()


@pytest.mark.parametrize("username", ["board", "pcnlead"])
def test_board_members_and_pcn_leads_are_refused(role_client, username):
    extract = _upload(role_client("analyst"))
    draft = _start(role_client("analyst"), extract)
    client = role_client(username)
    assert client.get(reverse("dashboards:indicator_drafts")).status_code == 403
    assert client.get(reverse("dashboards:indicator_draft", args=[draft.pk])).status_code == 403
    assert client.post(reverse("dashboards:approve_indicator_draft", args=[draft.pk])).status_code == 403
    assert client.post(reverse("dashboards:rerun_extract", args=[extract.pk])).status_code == 403
    assert (
        client.post(reverse("dashboards:start_tracking", args=[extract.pk]), {"fingertips_id": FID}).status_code == 403
    )
    assert IndicatorDraft.objects.get().status == "draft"
    assert Extract.objects.latest("pk") == extract  # nothing was run again


def test_a_bad_fingertips_id_is_a_400_and_an_unknown_one_is_explained(role_client):
    analyst = role_client("analyst")
    extract = _upload(analyst)
    url = reverse("dashboards:start_tracking", args=[extract.pk])
    assert analyst.post(url, {"fingertips_id": "abc"}).status_code == 400
    response = analyst.post(url, {"fingertips_id": "12345"}, follow=True)
    assert "holds no untracked Fingertips indicator 12345" in response.content.decode()
    assert not IndicatorDraft.objects.exists()
