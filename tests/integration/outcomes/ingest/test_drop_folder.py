"""The watched drop folder: files placed in incoming/ are recorded, moved out and ingested."""

from __future__ import annotations

import pytest

from outcomes.ingest.tasks import scan_drop_folder
from outcomes.models import Extract, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
GOOD = (
    "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
    "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
)


def test_files_dropped_in_the_folder_are_ingested_once(settings, tmp_path):
    settings.INGEST_DROP_FOLDER = tmp_path
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "survey.csv").write_text(GOOD)
    (incoming / "broken.csv").write_text(GOOD.replace("600", "six hundred"))

    assert scan_drop_folder() == 2
    assert scan_drop_folder() == 0  # moved out: never taken twice

    loaded = Extract.objects.get(file_name="survey.csv")
    refused = Extract.objects.get(file_name="broken.csv")
    assert (loaded.source, loaded.status) == ("drop_folder", "loaded")
    assert refused.status == "refused" and refused.errors[0]["code"] == "not_a_number"
    assert Observation.objects.filter(extract=loaded).count() == 1
    assert not list(incoming.iterdir())
    assert sorted(p.name.split("-", 1)[1] for p in (tmp_path / "taken").iterdir()) == ["broken.csv", "survey.csv"]
