"""The watched drop folder: files placed in incoming/ are recorded, moved out and ingested."""

from __future__ import annotations

import pytest

from outcomes.models import Extract, Observation
from outcomes.tasks import scan_drop_folder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.world("reference")]
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


def test_a_dropped_file_refused_as_patient_data_leaves_no_copy_anywhere(settings, tmp_path):
    settings.INGEST_DROP_FOLDER = tmp_path / "drop"
    settings.MEDIA_ROOT = tmp_path / "media"
    incoming = tmp_path / "drop" / "incoming"
    incoming.mkdir(parents=True)
    patients = GOOD.replace("value\n", "value,Patient DOB\n").replace("60.0\n", "60.0,14/02/1961\n")
    (incoming / "clinic_list.csv").write_text(patients)
    (incoming / "survey.csv").write_text(GOOD)
    before = Observation.objects.count()

    assert scan_drop_folder() == 2

    refused = Extract.objects.get(file_name="clinic_list.csv")
    assert refused.status == "refused" and {e["code"] for e in refused.errors} >= {
        "patient_identifiable",
        "file_deleted",
    }
    assert all("1961" not in e["message"] for e in refused.errors)
    assert refused.stored_file == ""
    assert Observation.objects.filter(extract=refused).count() == 0
    assert Observation.objects.count() == before + 1  # only survey.csv loaded
    # No byte of the refused file survives: not in incoming/, taken/ or the extract store.
    survivors = [p for p in tmp_path.rglob("*") if p.is_file() and b"14/02/1961" in p.read_bytes()]
    assert survivors == []
    assert [p.name.split("-", 1)[1] for p in (tmp_path / "drop" / "taken").iterdir()] == ["survey.csv"]
