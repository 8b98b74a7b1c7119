"""Refused files that are not patient data are deleted after INGEST_REFUSED_RETENTION_DAYS by a beat task;
the extract record and its problems stay, with when the file went."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract
from outcomes.tasks import delete_refused_files, scan_drop_folder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
GOOD = (
    "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
    "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
)
BAD = GOOD.replace("600", "six hundred")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INGEST_DROP_FOLDER = tmp_path / "drop"


def uploaded(content: str, days_ago: int, name: str = "x.csv", dry_run: bool = False) -> Extract:
    extract = actions.receive_extract(
        file_name=name, content=content.encode(), format="auto", source="upload", dry_run=dry_run
    )
    extract = pipeline.run_extract(extract.pk).extract
    Extract.objects.filter(pk=extract.pk).update(completed_at=timezone.now() - dt.timedelta(days=days_ago))
    return Extract.objects.get(pk=extract.pk)


def stored(extract: Extract) -> Path:
    return Path(django_settings.MEDIA_ROOT) / extract.stored_file


def test_refused_files_past_retention_are_deleted_and_the_record_kept():
    old = uploaded(BAD, days_ago=31, name="old.csv")
    recent = uploaded(BAD, days_ago=29, name="recent.csv")
    loaded = uploaded(GOOD, days_ago=400, name="loaded.csv")
    assert old.status == recent.status == Extract.Status.REFUSED and loaded.status == Extract.Status.LOADED
    old_path = stored(old)
    assert old_path.is_file()

    assert delete_refused_files() == 1

    old.refresh_from_db()
    assert not old_path.exists() and old.stored_file == ""
    assert old.file_deleted_at is not None and timezone.now() - old.file_deleted_at < dt.timedelta(minutes=1)
    assert old.status == Extract.Status.REFUSED and old.errors[0]["code"] == "not_a_number"  # the record stays
    assert stored(Extract.objects.get(pk=recent.pk)).is_file()
    assert stored(Extract.objects.get(pk=loaded.pk)).is_file()  # only refused files go
    assert delete_refused_files() == 0  # done once


def test_the_retention_period_is_a_setting(settings):
    settings.INGEST_REFUSED_RETENTION_DAYS = 5
    extract = uploaded(BAD, days_ago=6)
    assert delete_refused_files() == 1
    assert Extract.objects.get(pk=extract.pk).file_deleted_at is not None


def test_a_refused_drop_folder_file_loses_its_taken_copy_too(settings):
    incoming = Path(settings.INGEST_DROP_FOLDER) / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "broken.csv").write_text(BAD)
    scan_drop_folder()
    extract = Extract.objects.get(file_name="broken.csv")
    Extract.objects.filter(pk=extract.pk).update(completed_at=timezone.now() - dt.timedelta(days=31))
    taken = Path(settings.INGEST_DROP_FOLDER) / "taken"
    assert [p.name for p in taken.iterdir()] == [f"{extract.pk}-broken.csv"]

    assert delete_refused_files() == 1

    assert list(taken.iterdir()) == []
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_the_task_is_scheduled_by_celery_beat():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert any(e["task"] == "outcomes.ingest.tasks.delete_refused_files" for e in schedule.values())
    assert django_settings.INGEST_REFUSED_RETENTION_DAYS == 30


def test_the_extract_page_says_when_the_file_was_deleted(role_client):
    extract = uploaded(BAD, days_ago=31)
    delete_refused_files()
    page = role_client("analyst").get(reverse("dashboards:extract", args=[extract.pk])).content.decode()
    assert "Deleted " in page


def test_files_only_checked_go_after_the_same_retention_and_loaded_files_stay():
    checked = uploaded(GOOD, days_ago=31, name="checked.csv", dry_run=True)
    recent = uploaded(GOOD, days_ago=29, name="recent-check.csv", dry_run=True)
    assert checked.status == recent.status == Extract.Status.VALID
    path = stored(checked)

    assert delete_refused_files() == 1

    checked.refresh_from_db()
    assert not path.exists() and checked.file_deleted_at is not None and checked.status == Extract.Status.VALID
    assert stored(Extract.objects.get(pk=recent.pk)).is_file()
