"""The upload page takes a ZIP download as published (real ODS and NHS Digital files, tests/data/real-files,
OGL v3.0): it loads the file inside, names it on the result page and in the history, takes the member to read
when the archive holds several, and deletes an archive whose file is patient-identifiable."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.models import Extract, IndicatorDraft, Observation
from tests.archives import zipped

from .test_indicator_drafts import EXPORT, FID, NAME

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
REAL = Path(__file__).resolve().parents[3] / "tests" / "data" / "real-files"
SHOWN = "epraccur.zip \u203a epraccur.csv"


def post(client, content: bytes, name: str, **extra):
    upload = SimpleUploadedFile(name, content, content_type="application/zip")
    return client.post(reverse("dashboards:upload"), {"file": upload, "format": "auto", **extra})


def test_the_upload_page_offers_zip_files_and_the_member_field(role_client):
    page = role_client("analyst").get(reverse("dashboards:upload")).content.decode()
    assert ".zip" in page and 'name="member"' in page and "File inside a ZIP" in page


def test_an_uploaded_epraccur_zip_loads_and_the_pages_name_the_file_read(role_client):
    client = role_client("analyst")
    content = (REAL / "epraccur_harrow_excerpt.csv").read_bytes()
    plain = SimpleUploadedFile("epraccur.csv", content, content_type="text/csv")
    client.post(reverse("dashboards:upload"), {"file": plain, "format": "auto", "dry_run": "on"})
    expected = Extract.objects.latest("pk")  # the plain file, checked only
    response = post(client, zipped({"epraccur.csv": content}), "epraccur.zip")
    extract = Extract.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("dashboards:extract", args=[extract.pk])
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert (extract.format, extract.member) == ("epraccur", "epraccur.csv")
    counts = ("rows_read", "rows_inserted", "rows_superseded", "rows_unchanged", "warnings")
    assert [getattr(extract, c) for c in counts] == [getattr(expected, c) for c in counts]
    assert extract.rows_superseded + extract.rows_unchanged == 28  # our 28 practices in the excerpt
    assert SHOWN in client.get(response.url).content.decode().replace("<wbr>", "")  # as it reads
    assert SHOWN in client.get(reverse("dashboards:extracts")).content.decode().replace("<wbr>", "")
    download = client.get(reverse("dashboards:extracts"), {"format": "csv"}).content.decode("utf-8-sig")
    assert SHOWN in download


def test_a_dry_run_of_a_zip_from_the_page_writes_nothing(role_client):
    before = Observation.objects.count()
    content = zipped({"gp-reg-pat-prac-all.csv": (REAL / "gp_registrations_2021-01_excerpt.csv").read_bytes()})
    post(role_client("analyst"), content, "gp-reg-pat-prac-all.zip", dry_run="on")
    extract = Extract.objects.latest("pk")
    assert extract.status == Extract.Status.VALID, extract.errors
    assert extract.format == "gp_registrations" and extract.rows_read == 199 and extract.rows_inserted > 0
    assert Observation.objects.count() == before


def test_the_member_field_chooses_among_several_files(role_client):
    client = role_client("analyst")
    content = zipped(
        {
            "PREVALENCE_2021.csv": (REAL / "qof_prevalence_2021_excerpt.csv").read_bytes(),
            "MAPPING_NHS_GEOGRAPHIES_2021.csv": (REAL / "qof_mapping_2021_excerpt.csv").read_bytes(),
        }
    )
    post(client, content, "QOF_2021.zip", dry_run="on")
    refused = Extract.objects.latest("pk")
    assert [e["code"] for e in refused.errors] == ["zip_several_files"]
    page = client.get(reverse("dashboards:extract", args=[refused.pk])).content.decode()
    assert "PREVALENCE_2021.csv" in page and "File inside a ZIP" in page
    post(client, content, "QOF_2021.zip", dry_run="on", member="PREVALENCE_2021.csv")
    chosen = Extract.objects.latest("pk")
    assert chosen.status == Extract.Status.VALID, chosen.errors
    assert (chosen.format, chosen.member) == ("qof_prevalence", "PREVALENCE_2021.csv")


def test_a_zip_holding_patient_data_is_refused_and_deleted(role_client):
    client = role_client("analyst")
    rows = b"practice_code,patient name,date of birth\nE84068,A B,1961-01-01\n"
    post(client, zipped({"list.csv": rows}), "list.zip", dry_run="on")
    extract = Extract.objects.latest("pk")
    assert extract.status == Extract.Status.REFUSED
    assert {"patient_identifiable", "file_deleted"} <= {e["code"] for e in extract.errors}
    assert extract.stored_file == ""
    assert not (Path(settings.MEDIA_ROOT) / "extracts" / str(extract.pk)).exists()


def test_a_damaged_zip_from_the_page_is_refused_with_a_reason(role_client):
    content = zipped({"epraccur.csv": (REAL / "epraccur_harrow_excerpt.csv").read_bytes()})
    post(role_client("analyst"), content[: len(content) // 2], "epraccur.zip")
    extract = Extract.objects.latest("pk")
    assert extract.status == Extract.Status.REFUSED and extract.errors[0]["message"]


def test_tracking_an_indicator_starts_from_a_zipped_export(role_client):
    """The draft definition is read from the file inside the ZIP, as from a plain export."""
    client = role_client("analyst")
    post(client, zipped({"indicator-data.csv": EXPORT.encode()}), "indicator-data.zip")
    extract = Extract.objects.latest("pk")
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"] and extract.member == "indicator-data.csv"
    response = client.post(reverse("dashboards:start_tracking", args=[extract.pk]), {"fingertips_id": FID})
    draft = IndicatorDraft.objects.get(fingertips_id=FID)
    assert response.status_code == 302 and draft.extract_id == extract.pk
    assert draft.name == NAME and draft.seen["rows"] == 4
