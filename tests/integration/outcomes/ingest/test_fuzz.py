"""No input crashes ingestion: random bytes and mutated real files through every reader and `manage.py ingest`.

Each example must end as a table or a clean refusal (FileRefused) in the pure stages, and as exit 0 or exit 1
with messages from the command: never another exception. Bounded so the file runs in well under a minute."""

from __future__ import annotations

import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.ingest.archive import unwrap
from outcomes.ingest.pii import find_identifiers
from outcomes.ingest.readers import READERS
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table
from outcomes.models import Extract
from outcomes.problems import FileRefused
from tests.archives import zipped as _zipped
from tests.examples import examples

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
REPO = Path(__file__).resolve().parents[4]
REAL = REPO / "tests" / "data" / "real-files"


def _head(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


def _harrow(path: Path, lines: int) -> bytes:
    """The header and the first rows of Harrow practices (E84...), so readers reach the rows that are ours."""
    header, *rest = path.read_bytes().splitlines(keepends=True)
    return header + b"".join([line for line in rest if b"E84" in line][:lines])


#: The QOF achievement layout as published (no real file was found: see SOURCES.md), with Harrow rows.
ACHIEVEMENT = (
    b"PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\r\n"
    b"E84068,HYP008,NUMERATOR,900\r\nE84068,HYP008,DENOMINATOR,1200\r\nE84068,HYP008,PCAS,40\r\n"
    b"E84068,DM012,ACHIEVED_POINTS,4\r\nA81001,AF006,REGISTER,310\r\n"
)


SEEDS = [
    (REAL / "epraccur_harrow_excerpt.csv").read_bytes(),
    _head(REAL / "epraccur_2019-12_excerpt.csv", 25),
    _harrow(REAL / "epraccur_2024_excerpt.csv", 15),
    (REAL / "epraccur_2025_layout_harrow_excerpt.csv").read_bytes(),
    (REAL / "fingertips_93553_harrow_excerpt.csv").read_bytes(),
    _head(REAL / "fingertips_91547_excerpt.csv", 30),
    _head(REAL / "gp_registrations_2021-01_excerpt.csv", 20),
    _head(REAL / "qof_mapping_2021_excerpt.csv", 20),
    _harrow(REAL / "gp_registrations_2021-01_excerpt.csv", 10),
    _harrow(REAL / "qof_mapping_2021_excerpt.csv", 15),
    _harrow(REAL / "qof_prevalence_2021_excerpt.csv", 40),
    (REAL / "ePCN_2023-02_excerpt.xlsx").read_bytes(),
    (REAL / "ePCN_2019-12_excerpt.xlsx").read_bytes(),
    _harrow(REAL / "gp_registrations_2026-04_excerpt.csv", 10),
    _head(REAL / "qof_prevalence_1920_excerpt.csv", 30),
    (REAL / "GPPS_2026_Practice_data_columns_excerpt.csv").read_bytes(),
    _head(REAL / "fingertips_93356_older_layout_excerpt.csv", 21),  # line breaks inside quoted names
    b"".join(REAL.joinpath("epraccur_2026_excerpt.csv").read_bytes().splitlines(keepends=True)[170:230]),  # a ward
    _harrow(REAL / "qof_prevalence_1819_excerpt.csv", 30),  # INDICATOR_GROUP_CODE
    _harrow(REAL / "qof_prevalence_2223_excerpt.csv", 30),  # registers written as decimals
    _harrow(REAL / "gp_registrations_map_2026-08_excerpt.csv", 10),  # SUPPLIER_NAME
    ACHIEVEMENT,
    _zipped({"epraccur.csv": (REAL / "epraccur_harrow_excerpt.csv").read_bytes()}),
    _zipped(
        {"gp-reg-pat-prac-all.csv": _harrow(REAL / "gp_registrations_2021-01_excerpt.csv", 10)}, zipfile.ZIP_STORED
    ),
    _zipped({"PREVALENCE_2223.csv": _head(REAL / "qof_prevalence_1920_excerpt.csv", 30), "readme.txt": b"QOF"}),
    (REPO / "fixtures" / "samples" / "generic_example.csv").read_bytes(),
    (REPO / "fixtures" / "samples" / "epcn_sample.csv").read_bytes(),
    (REPO / "fixtures" / "samples" / "GPPS_2024_Practice_data_sample.csv").read_bytes(),
]
FORMATS = sorted(READERS)  # every reader, those added later included
#: File names that get each reader past its name checks (the QOF year, the GPPS survey year).
NAMES = ["PREVALENCE_2223.csv", "ACHIEVEMENT_2223.csv", "GPPS_2026_Practice_data.csv", "extract.csv"]
NASTY = [b",", b'"', b"\r", b"\n", b"\r\n", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b";", b"\t", b"=1+1", b"NA", b"*"]


@st.composite
def mutated(draw) -> bytes:
    """A real file with a few bytes deleted, replaced, inserted or the file cut short; or random bytes."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    content = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(content) - 1, 0)))
        action = draw(st.sampled_from(["delete", "replace", "insert", "nasty", "cut"]))
        if action == "delete":
            del content[at : at + draw(st.integers(1, 20))]
        elif action == "replace" and content:
            content[at] = draw(st.integers(0, 255))
        elif action == "insert":
            content[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "nasty":
            content[at:at] = draw(st.sampled_from(NASTY))
        else:
            del content[at:]
    return bytes(content)


def read_every_way(content: bytes, name: str = "PREVALENCE_2223.csv") -> set[str]:
    """The pure stages as the pipeline runs them, and every reader whose columns match; the readers that did."""
    try:
        content = unwrap(content).content  # a ZIP download: the file inside, as the pipeline reads it
        table = read_table(content, sniff(content))
    except FileRefused:
        return set()
    table.file_name = name  # a QOF or GPPS year, so those readers go past their file-name checks
    find_identifiers(table)
    read = set()
    for reader in READERS.values():
        if reader.matches(table):
            reader.table_problems(table)
            reader.pii_exempt_columns(table)
            reader.read(table)
            read.add(reader.name)
    return read


def test_every_reader_has_a_seed_it_reads():
    """So a reader added later is fuzzed from a file of its own format, not only from random bytes."""
    read = set().union(*(read_every_way(seed, name) for seed in SEEDS for name in NAMES[:3]))
    assert read == set(READERS), set(READERS) - read


@settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(mutated(), st.sampled_from(NAMES))
def test_no_input_crashes_a_reader(content, name):
    read_every_way(content, name)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(
    content=mutated(),
    format=st.sampled_from(["auto", "auto", *FORMATS]),
    name=st.sampled_from(NAMES),
)
def test_no_input_crashes_the_ingest_command(tmp_path, settings, content, format, name):
    # Stored copies in this test's own folder: test databases in parallel workers number extracts alike.
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / name
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", str(path), "--format", format, "--dry-run", stdout=out, stderr=err)
    except SystemExit as exit_info:
        assert exit_info.code == 1
        assert "error:" in err.getvalue()
        assert "internal_error" not in err.getvalue() and "the system failed" not in err.getvalue(), err.getvalue()
    else:
        assert out.getvalue().startswith("Valid (dry run, no data changed)")
    assert Extract.objects.latest("pk").status in (Extract.Status.VALID, Extract.Status.REFUSED)
