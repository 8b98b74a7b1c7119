"""Who viewed or downloaded practice-level data is logged; borough and PCN-summary pages are not."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from outcomes.models import PracticeMembership

pytestmark = pytest.mark.django_db
INDICATOR = "OUT5_ACSC_ADMISSIONS"


def practice_in(pcn: str) -> str:
    return PracticeMembership.objects.filter(pcn__code=pcn, end__isnull=True).first().practice.code


def test_a_practice_page_and_its_csv_are_logged_with_who_and_what(role_client):
    practice = practice_in("U84846")
    client = role_client("pcnlead")
    page = reverse("dashboards:indicator_area", args=[INDICATOR, practice])
    csv_url = reverse("dashboards:indicator_csv", args=[INDICATOR, practice])
    assert client.get(page).status_code == 200 and client.get(csv_url).status_code == 200
    rows = list(AccessLogEntry.objects.order_by("pk").values_list("user__username", "kind", "area_code", "path"))
    assert rows == [
        ("pcnlead", "view", practice, page),
        ("pcnlead", "download", practice, csv_url),
    ]


def test_a_refused_attempt_at_another_pcns_practice_is_logged_as_refused(role_client):
    other = practice_in("U89806")
    response = role_client("pcnlead").get(reverse("dashboards:indicator_area", args=[INDICATOR, other]))
    assert response.status_code == 403
    entry = AccessLogEntry.objects.get()
    assert (entry.user.username, entry.area_code, entry.status_code) == ("pcnlead", other, 403)


def test_the_pcn_page_is_logged_only_when_it_shows_practices(role_client):
    role_client("pcnlead").get(reverse("dashboards:pcn", args=["U84846"]))  # own PCN: practice table shown
    role_client("pcnlead").get(reverse("dashboards:pcn", args=["U89806"]))  # another PCN: no practices
    role_client("board").get(reverse("dashboards:pcn", args=["U84846"]))
    role_client("analyst").get(reverse("dashboards:pcn", args=["U89806"]))
    rows = set(AccessLogEntry.objects.values_list("user__username", "area_code"))
    assert rows == {("pcnlead", "U84846"), ("analyst", "U89806")}


def test_borough_pages_and_csvs_are_not_logged(role_client):
    client = role_client("analyst")
    for url in (
        reverse("dashboards:board"),
        reverse("dashboards:indicator", args=[INDICATOR]),
        reverse("dashboards:indicator_area", args=[INDICATOR, "E09000015"]),
        reverse("dashboards:indicator_csv", args=[INDICATOR, "E09000015"]),
        reverse("dashboards:indicator_area", args=[INDICATOR, "U84846"]),
    ):
        assert client.get(url).status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_entries_older_than_the_retention_period_are_pruned(role_client, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    role_client("analyst").get(reverse("dashboards:pcn", args=["U89806"]))
    role_client("analyst").get(reverse("dashboards:pcn", args=["U84846"]))
    old = AccessLogEntry.objects.get(area_code="U89806")
    AccessLogEntry.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=31))
    out = StringIO()
    call_command("prune_access_log", stdout=out)
    assert "deleted: 1" in out.getvalue()
    assert list(AccessLogEntry.objects.values_list("area_code", flat=True)) == ["U84846"]


def test_the_daily_prune_is_the_scheduled_task(settings):
    from audit.tasks import prune_access_log

    assert settings.CELERY_BEAT_SCHEDULE["prune-access-log"]["task"] == prune_access_log.name


def test_a_retention_under_one_day_is_refused_with_the_reason():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least one day"):
        call_command("prune_access_log", days=0, stdout=StringIO())
