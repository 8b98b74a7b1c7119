"""`manage.py ingest PATH [--format] [--dry-run]`: exit 0 when loaded, 1 when refused with errors on stderr."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from outcomes.models import Extract, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
REPO = Path(__file__).resolve().parents[4]
GOOD = (
    "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
    "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
)


def test_a_valid_file_loads_and_says_what_happened(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(GOOD)
    out = StringIO()
    call_command("ingest", str(path), stdout=out)
    assert "Loaded survey.csv as generic: 1 row read, 1 inserted" in out.getvalue()
    assert out.getvalue().rstrip().endswith(", 0 warnings.")
    assert Extract.objects.latest("pk").source == "command"


def test_a_refused_file_exits_1_with_every_error_on_stderr(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        GOOD + "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,-1,1000,\nNOPE,E09000015,"
        "2019-04-01,2020-03-31,1,10,\n"
    )
    before = Observation.objects.count()
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(path), stderr=err)
    assert exit_info.value.code == 1
    text = err.getvalue()
    assert "Line 3, column 'numerator': A count cannot be negative. [negative_count]" in text
    assert "Line 4, column 'indicator_code'" in text and "[unknown_indicator]" in text
    assert f"Refused bad.csv: {text.count('error: ')} errors; nothing was written." in text
    assert Observation.objects.count() == before


def test_one_error_is_one_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "OUT3_CARE_EXPERIENCE,E09000015,2020-04-01,2021-03-31,-1,1000,\n")
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("ingest", str(path), stderr=err)
    assert "Refused bad.csv: 1 error; nothing was written." in err.getvalue()


def test_dry_run_validates_without_writing(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(GOOD)
    before = Observation.objects.count()
    out = StringIO()
    call_command("ingest", str(path), "--dry-run", stdout=out)
    assert "Valid (dry run, no data changed)" in out.getvalue()
    assert Observation.objects.count() == before


@pytest.mark.slow  # runs manage.py in subprocesses
def test_the_command_exit_codes_from_a_shell(tmp_path):
    """The real process, as an analyst's script runs it, on a scratch SQLite database."""
    env = {
        "PATH": "/usr/bin:/bin",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shell.sqlite3'}",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", str(bad)], cwd=REPO, capture_output=True, text=True, env=env
    )
    assert result.returncode == 1, result.stderr
    assert "This is a PDF" in result.stderr and "nothing was written" in result.stderr


@pytest.mark.slow  # runs manage.py in subprocesses
def test_eight_loads_at_once_on_sqlite_all_load_without_a_traceback(tmp_path):
    """Eight ``manage.py ingest`` at once on the embedded SQLite: each transaction takes the write lock as it
    begins (settings: transaction_mode IMMEDIATE), so the loads queue; with SQLite's default two of eight failed
    at once with "database is locked" and a traceback."""
    env = {
        "PATH": "/usr/bin:/bin",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'parallel.sqlite3'}",
    }
    for command in (["migrate", "-v0"], ["load_reference_data"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=env, check=True, capture_output=True)
    paths = []
    for year in range(2011, 2019):
        path = tmp_path / f"survey-{year}.csv"
        path.write_text(GOOD.replace("2019-04-01,2020-03-31", f"{year}-04-01,{year + 1}-03-31"))
        paths.append(path)
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", "ingest", str(path)], cwd=REPO, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        for path in paths
    ]  # fmt: skip
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, err
        assert "1 inserted" in out
