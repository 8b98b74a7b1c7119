"""The national practice-level files analysts bring every month, as published (real excerpts, OGL v3.0).

Patients Registered at a GP Practice (list sizes), QOF prevalence, and the QOF NHS geography lookup, through the
real pipeline. Provenance of every excerpt (repository, path, commit): tests/data/real-files/SOURCES.md. Values
asserted below are read off the excerpts themselves.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.ingest.readers import detect_reader
from outcomes.ingest.readers.qof import Mapping, convert_achievement, qof_year
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table
from outcomes.models import Area, Extract, Observation, PracticeMembership

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
REAL = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
REGISTRATIONS = REAL / "gp_registrations_2021-01_excerpt.csv"  # CCG era, EXTRACT_DATE 01JAN2021
REGISTRATIONS_2026 = REAL / "gp_registrations_2026-04_excerpt.csv"  # Sub-ICB era, EXTRACT_DATE 2026-04-01
PREVALENCE_1819 = REAL / "qof_prevalence_1819_excerpt.csv"  # 2018/19: INDICATOR_GROUP_CODE, PATIENT_LIST_SIZE
PREVALENCE_1920 = REAL / "qof_prevalence_1920_excerpt.csv"  # 2019/20: PATIENT_LIST_SIZE, CVDPP on 30_74
PREVALENCE = REAL / "qof_prevalence_2021_excerpt.csv"
PREVALENCE_2223 = REAL / "qof_prevalence_2223_excerpt.csv"  # 2022/23: registers written as decimals ("758.0")
GEOGRAPHY = REAL / "qof_mapping_2021_excerpt.csv"
GEOGRAPHY_2223 = REAL / "qof_mapping_2223_excerpt.csv"  # ICB era: NAT_*, REGION_*, ICB_*, SUB_ICB_* columns
PRACTICE_MAP_2026 = REAL / "gp_registrations_map_2026-08_excerpt.csv"  # gp-reg-pat-prac-map, with SUPPLIER_NAME


def run(path: Path, *, dry_run: bool = False, name: str | None = None, content: bytes | None = None) -> Extract:
    extract = actions.receive_extract(
        file_name=name or path.name,
        content=content if content is not None else path.read_bytes(),
        format="auto",
        source=Extract.Source.UPLOAD,
        dry_run=dry_run,
    )
    return pipeline.run_extract(extract.pk).extract


def table_of(path: Path):
    content = path.read_bytes()
    table = read_table(content, sniff(content))
    table.file_name = path.name
    return table


def current(indicator: str, area: str, **keys) -> Observation:
    return Observation.objects.get(indicator__code=indicator, area__code=area, is_current=True, **keys)


# ------------------------------------------------------------------------------------------------ list sizes


def test_registrations_file_is_detected_and_dry_run_loads_every_practice_of_ours():
    extract = run(REGISTRATIONS, dry_run=True)
    assert extract.format == "gp_registrations"
    assert extract.status == Extract.Status.VALID, extract.errors
    assert extract.rows_read == 199
    # All 29 of our practices are in the January 2021 file (Y05080 and the since-closed E84681, E84713 too),
    # and their list sizes sum into the 5 PCNs and the borough.
    assert extract.rows_inserted == 29 + 5 + 1
    assert [(w["code"], w["column"]) for w in extract.warnings] == [("untracked_area", "CODE")]
    assert "170 rows for 170 practices that are not ours" in extract.warnings[0]["message"]
    assert not Observation.objects.filter(indicator__code="REF_REGISTERED_PATIENTS").exists()


def test_registered_patients_are_the_files_list_sizes_for_the_month_of_the_extract():
    extract = run(REGISTRATIONS)
    assert extract.status == Extract.Status.LOADED, extract.errors
    # The list as at 1 January 2021 is the list at the end of December 2020 (that month is over when published).
    january = {"period_start": dt.date(2020, 12, 1), "period_end": dt.date(2020, 12, 31)}
    for practice, patients in (("E84068", 15808), ("E84004", 8558), ("E84681", 3743), ("Y05080", 2747)):
        row = current("REF_REGISTERED_PATIENTS", practice, breakdown="all", category="all", **january)
        assert row.value == patients and not row.suppressed
        assert row.note == "Registered at 1 January 2021 (EXTRACT_DATE)"
    # PCN and borough list sizes are the sums of their member practices' list sizes (in force at 31 December
    # 2020), with no numerator or denominator: a count is summed, never a ratio of sums.
    practices = Observation.objects.filter(
        indicator__code="REF_REGISTERED_PATIENTS", area__level="practice", breakdown="all", **january
    )
    by_practice = dict(practices.values_list("area_id", "value"))
    derived = Observation.objects.filter(indicator__code="REF_REGISTERED_PATIENTS", is_derived=True, **january)
    assert derived.count() == 6 and set(derived.values_list("breakdown", flat=True)) == {"all"}
    day = january["period_end"]
    for row in derived:
        members = PracticeMembership.objects.filter(start__lte=day).exclude(end__lte=day)
        members = members.filter(pcn=row.area) if row.area.level == "pcn" else members.filter(pcn__parent=row.area)
        expected = sum(by_practice[m.practice_id] for m in members)
        assert (row.value, row.numerator, row.denominator, row.suppressed) == (expected, None, None, False), row
    borough = derived.get(area__level="borough")
    assert borough.value == sum(by_practice.values()) and borough.note.startswith("Sum over 29 practices")
    assert run(REGISTRATIONS).rows_unchanged == 29 + 6  # the same file again changes nothing


def test_the_sub_icb_era_registrations_file_of_april_2026_loads_the_same_way():
    """Other columns (SUB_ICB_LOCATION_CODE) and an ISO extract date; the practices that closed since 2021
    (E84681 Savita, E84713 Enterprise) are not in it, and nothing is made up for them."""
    extract = run(REGISTRATIONS_2026)
    assert extract.format == "gp_registrations"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.rows_inserted == 27 + 5 + 1  # and the PCN and borough sums
    april = {"period_start": dt.date(2026, 3, 1), "period_end": dt.date(2026, 3, 31), "breakdown": "all"}
    for practice, patients in (("E84068", 14838), ("E84058", 26559), ("E84004", 7391), ("Y05080", 3050)):
        assert current("REF_REGISTERED_PATIENTS", practice, **april).value == patients
    assert not Observation.objects.filter(
        indicator__code="REF_REGISTERED_PATIENTS",
        area__code__in=["E84681", "E84713"],
        period_start=april["period_start"],
    ).exists()
    # Brent and the rest of England (tiny lists of 1 and 27 patients among them) are skipped, counted once.
    untracked, missing, held = extract.warnings
    assert untracked["code"] == "untracked_area" and untracked["message"].startswith("64 rows for 64 practices")
    # The list sizes sum into PCN and borough list sizes, but our memberships still count the two closed practices
    # (an epraccur or ePCN import ends them): the PCNs and the borough they belonged to are held back, as any
    # roll-up below full coverage is, and say why; the other PCNs are the sums of their members.
    assert missing["code"] == "rollup_members_missing" and "E84681, E84713" in missing["message"]
    assert held["code"] == "rollup_held_back" and "E09000015, U10339, U60450" in held["message"]
    derived = Observation.objects.filter(
        indicator__code="REF_REGISTERED_PATIENTS", is_derived=True, period_end=april["period_end"]
    )
    assert {r.area.code for r in derived if r.suppressed} == {"E09000015", "U60450", "U10339"}
    for row in derived.filter(suppressed=False):
        members = PracticeMembership.objects.filter(pcn=row.area, start__lte=april["period_end"]).exclude(
            end__lte=april["period_end"]
        )
        expected = sum(current("REF_REGISTERED_PATIENTS", m.practice.code, **april).value for m in members)
        assert row.value == expected


def test_a_registrations_file_by_single_year_of_age_gives_our_age_bands_and_sexes():
    """The single-year-of-age layout (ORG_CODE, SEX MALE/FEMALE, AGE 0..95+ and ALL), built from the real
    January 2021 rows' header and codes, sums into our bands exactly; five-year bands cannot (15-19)."""
    head = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
    lines = []
    for sex, per_year in (("MALE", 10), ("FEMALE", 12)):
        lines.append(f"GP_PRAC_PAT_LIST,01JAN2021,GP,08E,E38000074,E84068,HA2 7DU,{sex},ALL,{per_year * 96}\n")
        lines += [
            f"GP_PRAC_PAT_LIST,01JAN2021,GP,08E,E38000074,E84068,HA2 7DU,{sex},{age},{per_year}\n" for age in range(95)
        ]
        lines.append(f"GP_PRAC_PAT_LIST,01JAN2021,GP,08E,E38000074,E84068,HA2 7DU,{sex},95+,{per_year}\n")
    extract = run(REGISTRATIONS, name="gp-reg-pat-prac-sing-age.csv", content=(head + "".join(lines)).encode())
    assert extract.status == Extract.Status.LOADED, extract.errors
    values = dict(
        Observation.objects.filter(indicator__code="REF_REGISTERED_PATIENTS", area__code="E84068").values_list(
            "category", "value"
        )
    )
    assert values == {
        "all": 22 * 96,
        "male": 960,
        "female": 1152,
        "0-4": 22 * 5,
        "5-17": 22 * 13,
        "18-44": 22 * 27,
        "45-64": 22 * 20,
        "65-74": 22 * 10,
        "75+": 22 * 21,
    }
    quinary = head.replace(",AGE,", ",AGE_GROUP_5,") + "".join(
        f"GP_PRAC_PAT_LIST,01JAN2021,GP,08E,E38000074,E84068,HA2 7DU,{sex},{band},5\n"
        for sex in ("MALE", "FEMALE")
        for band in [f"{lo}_{lo + 4}" for lo in range(0, 95, 5)] + ["95+"]  # every band: none may be missing
    )
    extract = run(REGISTRATIONS, name="gp-reg-pat-prac-quin-age.csv", content=quinary.encode(), dry_run=True)
    assert extract.status == Extract.Status.VALID, extract.errors
    assert "age_bands_not_ours" in {w["code"] for w in extract.warnings}
    assert extract.rows_inserted == 3  # persons and the two sexes; no age bands


# ------------------------------------------------------------------------------------------------ QOF prevalence


def test_qof_year_comes_from_the_published_file_name():
    assert qof_year("PREVALENCE_2021_v2.csv") == 2020
    assert qof_year("PREVALENCE_2223.csv") == 2022
    assert qof_year("ACHIEVEMENT_1920.csv") == 2019
    assert qof_year("qof prevalence 2023-24.csv") == 2023
    assert qof_year("prevalence.csv") is None
    assert qof_year("PREVALENCE_2223_and_2324.csv") is None  # two years: not guessed


def test_qof_prevalence_dry_run_loads_the_tracked_groups_and_reports_the_rest():
    extract = run(PREVALENCE, dry_run=True)
    assert extract.format == "qof_prevalence"
    assert extract.status == Extract.Status.VALID, extract.errors
    codes = {w["code"]: w["message"] for w in extract.warnings}
    # Roll-up coverage warnings too: the 2020/21 file lacks members in force that year (ADR 0018).
    assert (
        {"untracked_indicator", "untracked_area"}
        <= set(codes)
        <= {
            "untracked_indicator",
            "untracked_area",
            "rollup_members_missing",
            "rollup_held_back",
        }
    )
    # 18 disease groups we do not track, named with their row counts; not refused.
    assert "of 18 QOF disease groups we do not track" in codes["untracked_indicator"]
    assert (
        "COPD (148)" in codes["untracked_indicator"]
        and "Mapped in fixtures/sources/qof.toml: DM, HYP, PC" in (codes["untracked_indicator"])
    )


def test_qof_prevalence_values_of_harrow_practices_are_register_over_list_size():
    extract = run(PREVALENCE)
    assert extract.status == Extract.Status.LOADED, extract.errors
    year = {"period_start": dt.date(2020, 4, 1), "period_end": dt.date(2021, 3, 31)}
    # E84068,DM,1332,17OV,12453 / E84068,HYP,...,TOTAL,15710 / E84004,PC,24,TOTAL,8541 (lines of the excerpt)
    diabetes = current("JSNA_DIABETES_PREVALENCE", "E84068", breakdown="all", **year)
    assert (diabetes.numerator, diabetes.denominator) == (1332, 12453)
    assert diabetes.value == pytest.approx(1332 / 12453 * 100)
    palliative = current("JSNA_PALLIATIVE_REGISTER", "E84004", breakdown="all", **year)
    assert (palliative.numerator, palliative.denominator) == (24, 8541)
    hypertension = current("JSNA_HYPERTENSION_PREVALENCE", "E84068", breakdown="all", **year)
    assert hypertension.denominator == 15710
    # Additive: PCN rows are derived as a ratio of sums over the member practices in force in 2020/21.
    pcn = Area.objects.get(level="pcn", name="Harrow East PCN")
    members = PracticeMembership.objects.filter(pcn=pcn).values_list("practice__code", flat=True)
    practices = Observation.objects.filter(
        indicator__code="JSNA_DIABETES_PREVALENCE", area__code__in=members, is_current=True, **year
    )
    derived = current("JSNA_DIABETES_PREVALENCE", pcn.code, breakdown="all", **year)
    assert derived.is_derived
    assert derived.numerator == sum(p.numerator for p in practices)
    # The borough value the plan prints for 2020/21 is the source's, kept over a derived one.
    assert current("JSNA_DIABETES_PREVALENCE", "E09000015", breakdown="all", **year).value == 10.1


def loaded_prevalence(path: Path, first_year: int) -> tuple[Extract, dict]:
    """The QOF prevalence file run through the pipeline, checked loaded, with its QOF year's observation keys."""
    extract = run(path)
    assert extract.format == "qof_prevalence"
    assert extract.status == Extract.Status.LOADED, extract.errors
    year = {"period_start": dt.date(first_year, 4, 1), "period_end": dt.date(first_year + 1, 3, 31), "breakdown": "all"}
    return extract, year


def counts(indicator: str, area: str, year: dict) -> tuple[int, int]:
    row = current(indicator, area, **year)
    return row.numerator, row.denominator


def test_the_2019_20_prevalence_file_with_its_patient_list_size_column_loads():
    """2019/20 names the denominator PATIENT_LIST_SIZE (later PRACTICE_LIST_SIZE) and has CVDPP on a 30-74 list."""
    extract, year = loaded_prevalence(PREVALENCE_1920, 2019)
    assert counts("JSNA_DIABETES_PREVALENCE", "E84004", year) == (746, 7001)  # E84004,DM,746,17OV,7001
    assert counts("JSNA_HYPERTENSION_PREVALENCE", "E84024", year) == (3033, 20171)  # E84024,HYP,3033,TOTAL,20171
    assert extract.rows_inserted >= 30  # 10 practices x 3 indicators, plus PCN roll-ups
    untracked = next(w["message"] for w in extract.warnings if w["code"] == "untracked_indicator")
    assert "CVDPP (2)" in untracked


def test_the_2018_19_prevalence_file_with_its_indicator_group_code_column_loads():
    """Up to 2018/19 the group column is INDICATOR_GROUP_CODE. PCNs began in July 2019, so the year's practice
    values load with no PCN or borough value derived from them."""
    extract, year = loaded_prevalence(PREVALENCE_1819, 2018)
    assert counts("JSNA_DIABETES_PREVALENCE", "E84004", year) == (735, 6966)  # E84004,DM,735,17OV,6966
    assert counts("JSNA_HYPERTENSION_PREVALENCE", "Y05080", year) == (358, 2512)  # Y05080,HYP,358,TOTAL,2512
    assert extract.rows_inserted == 87  # 29 practices x 3 indicators
    assert not Observation.objects.filter(is_derived=True, is_current=True, **year).exists()


def test_the_2022_23_prevalence_file_with_its_registers_written_as_decimals_loads():
    """The 2022/23 file writes REGISTER as a decimal ("758.0"): read as the whole count it is, for the year."""
    extract, year = loaded_prevalence(PREVALENCE_2223, 2022)
    assert counts("JSNA_DIABETES_PREVALENCE", "E84004", year) == (758, 6608)  # E84004,DM,758.0,17OV,6608
    assert counts("JSNA_PALLIATIVE_REGISTER", "Y05080", year) == (2, 3070)  # Y05080,PC,2.0,TOTAL,3070
    # 28 of our 29 practices of 2022/23 are in the file (E84713 is not): each PCN and the borough is either
    # derived over its members or held back for coverage, and the warnings name the missing practice.
    missing = [w["message"] for w in extract.warnings if w["code"] == "rollup_members_missing"]
    assert missing and all("E84713" in m for m in missing)
    assert current("JSNA_DIABETES_PREVALENCE", "U84846", **year).is_derived


def test_qof_prevalence_without_a_year_in_its_name_is_refused_saying_how_to_name_it():
    extract = run(PREVALENCE, name="prevalence.csv")
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["qof_year_unknown"]
    assert "PREVALENCE_2223.csv" in extract.errors[0]["message"]


def test_qof_achievement_reads_the_long_layout_and_reports_nothing_tracked():
    """ACHIEVEMENT_YYZZ.csv (long: PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE). No real copy was found (see
    SOURCES.md), so this is the published layout with values of our practices; no indicator of ours is a QOF
    achievement measure, so the pipeline refuses it as nothing loaded, naming what was skipped."""
    rows = ["PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE"]
    for code, numerator, denominator in (("HYP008", 900, 1200), ("HYP009", 150, 200)):
        for measure, value in (("ACHIEVED_POINTS", 10), ("NUMERATOR", numerator), ("DENOMINATOR", denominator)):
            rows.append(f"E84068,{code},{measure},{value}")
    content = ("\n".join(rows) + "\n").encode()
    extract = run(PREVALENCE, name="ACHIEVEMENT_2223.csv", content=content)
    assert extract.format == "qof_achievement"
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"]
    assert "HYP008 (3), HYP009 (3)" in extract.warnings[0]["message"]
    table = read_table(content, sniff(content))
    table.file_name = "ACHIEVEMENT_2223.csv"
    output = convert_achievement(table, Mapping(achievement={"X_HYP_TARGET": ("HYP008", "HYP009")}), {"E84068"})
    [row] = output.frame.to_dict("records")
    assert (row["numerator"], row["denominator"], row["period_start"]) == ("1050", "1400", "2022-04-01")


def test_qof_achievement_by_region_with_its_three_region_columns_reads_the_same():
    """From 2022/23 achievement is published per NHS England region, with REGION_ODS_CODE, REGION_ONS_CODE and
    REGION_NAME before the four columns, and PCAS among the measures (as public code reading the London files for
    2022/23 and 2024/25 shows; no real copy was found). The year comes from the name (_2425: April 2024)."""
    rows = ["REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME,PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE"]
    for practice in ("E84068", "F83001"):  # ours, and one in another borough
        for code, numerator, denominator in (("HYP008", 600, 800), ("HYP009", 100, 150)):
            for measure, value in (("NUMERATOR", numerator), ("DENOMINATOR", denominator), ("PCAS", 12)):
                rows.append(f"Y56,E40000003,LONDON,{practice},{code},{measure},{value}")
    content = ("\n".join(rows) + "\n").encode()
    extract = run(PREVALENCE, name="ACHIEVEMENT_LONDON_2425.csv", content=content)
    assert extract.format == "qof_achievement"
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"]
    table = read_table(content, sniff(content))
    table.file_name = "ACHIEVEMENT_LONDON_2425.csv"
    output = convert_achievement(table, Mapping(achievement={"X_HYP_TARGET": ("HYP008", "HYP009")}), {"E84068"})
    [row] = output.frame.to_dict("records")
    assert (row["org_code"], row["numerator"], row["denominator"]) == ("E84068", "700", "950")
    assert (row["period_start"], row["period_end"]) == ("2024-04-01", "2025-03-31")


# ------------------------------------------------------------------------------------------------ geography


def test_geography_lookup_is_checked_against_our_memberships_and_changes_nothing():
    before = sorted(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end"))
    assert detect_reader(table_of(GEOGRAPHY)).name == "nhs_geography"
    extract = run(GEOGRAPHY)
    assert extract.format == "nhs_geography"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert sorted(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end")) == before
    messages = [w["message"] for w in extract.warnings if w["code"] == "geography_difference"]
    # Practices the 2020/21 lookup puts in our PCNs that are not ours (Roxbourne in Healthsense, and others).
    assert any(m.startswith("E84022 ('Roxbourne Medical Centre') is in U84846") for m in messages)
    assert any(m.startswith("E84062 ") and "Harrow Collaborative" in m for m in messages)
    assert any(m.startswith("E84658 ") for m in messages) and any(m.startswith("E84693 ") for m in messages)
    assert "1 of our practices are not in the lookup (Y05080)" in messages[-1]  # First Choice: not in 2020/21
    # The other 28 agree, matched by PCN name (our codes are local) or by ODS code once they are set.
    assert extract.rows_unchanged == 28
    assert extract.warnings[-1]["message"].startswith("Checked 28 of our practices against the lookup: 28 agree")


def test_a_practice_the_lookup_puts_in_another_pcn_is_reported_not_moved():
    content = GEOGRAPHY.read_bytes().replace(b"U84846,Healthsense PCN,E84068", b"U60450,Health Alliance PCN,E84068")
    extract = run(GEOGRAPHY, content=content, name="MAPPING_NHS_GEOGRAPHIES_2021.csv")
    assert extract.status == Extract.Status.LOADED, extract.errors
    moved = [w for w in extract.warnings if w["message"].startswith("E84068: ")]
    assert len(moved) == 1 and "puts it in U60450 ('Health Alliance PCN'); we hold U84846" in moved[0]["message"]
    assert extract.rows_unchanged == 27
    assert PracticeMembership.objects.get(practice__code="E84068", end__isnull=True).pcn.code == "U84846"


@pytest.mark.parametrize("path", [GEOGRAPHY_2223, PRACTICE_MAP_2026], ids=["qof_2022-23", "practice_map_2026-08"])
def test_the_icb_era_lookups_are_read_and_checked_the_same_way(path):
    """The QOF lookup of 2022/23 (NAT_, REGION_, ICB_, SUB_ICB_ columns) and NHS Digital's practice map of August
    2026 (practice postcodes, the GP IT supplier's name in SUPPLIER_NAME): organisations, not patients; both
    are checked against our memberships and change nothing."""
    before = sorted(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end"))
    assert detect_reader(table_of(path)).name == "nhs_geography"
    extract = run(path)
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.format == "nhs_geography"
    assert sorted(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end")) == before
    messages = [w["message"] for w in extract.warnings if w["code"] == "geography_difference"]
    # Both put E84617 in Health Alliance (U60450) where we hold Harrow Collaborative: reported, not moved.
    assert any(m.startswith("E84617: the lookup puts it in U60450") for m in messages)
    checked, agree = map(
        int, re.match(r"Checked (\d+) of our practices .*: (\d+) agree", extract.warnings[-1]["message"]).groups()
    )
    assert checked >= 27 and agree == checked - 1 == extract.rows_unchanged


def test_the_practice_map_as_published_in_a_zip_loads_as_the_file_inside():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gp-reg-pat-prac-map.csv", PRACTICE_MAP_2026.read_bytes())
    extract = run(PRACTICE_MAP_2026, name="gp-reg-pat-prac-map.zip", content=packed.getvalue())
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert (extract.format, extract.member) == ("nhs_geography", "gp-reg-pat-prac-map.csv")


def test_the_national_files_through_the_ingest_command_dry_run():
    for path, name, expected in (
        (PREVALENCE, "as qof_prevalence:", "0 superseded"),
        (REGISTRATIONS_2026, "as gp_registrations:", "33 inserted"),  # 27 practices, 5 PCNs, the borough
        (GEOGRAPHY, "as nhs_geography:", "28 unchanged"),
    ):
        out, err = StringIO(), StringIO()
        call_command("ingest", str(path), "--dry-run", stdout=out, stderr=err)
        assert out.getvalue().startswith("Valid (dry run, no data changed)"), err.getvalue()
        assert name in out.getvalue() and expected in out.getvalue()
    assert not Observation.objects.filter(indicator__code="REF_REGISTERED_PATIENTS").exists()


def test_an_achievement_file_of_indicators_we_do_not_track_is_refused_naming_them(tmp_path):
    """QOF achievement in its published long layout (no real file was found; SOURCES.md): none of our indicators
    is a QOF achievement measure, so the command exits 1, names each skipped indicator code with its row count,
    and says nothing was loaded, instead of calling an empty load a success."""
    path = tmp_path / "ACHIEVEMENT_2223.csv"
    path.write_text(
        "PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\n"
        "E84068,HYP008,NUMERATOR,900\nE84068,HYP008,DENOMINATOR,1200\nE84068,HYP008,PCAS,40\n"
        "E84068,DM012,ACHIEVED_POINTS,4\nA81001,AF006,REGISTER,310\n"
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert "AF006 (1), DM012 (1), HYP008 (3)" in err.getvalue() and "[untracked_indicator]" in err.getvalue()
    assert "[nothing_loaded]" in err.getvalue() and "Nothing loaded from ACHIEVEMENT_2223.csv" in err.getvalue()
    assert Extract.objects.latest("pk").status == Extract.Status.REFUSED
