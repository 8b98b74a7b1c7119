"""The draft definition pre-filled from a Fingertips export (issue 12.6): pure, from the parsed table."""

from __future__ import annotations

from pathlib import Path

from outcomes.ingest.fingertips_proposal import level_of, propose
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

ROOT = Path(__file__).resolve().parents[4]


def _table(path: Path):
    content = path.read_bytes()
    return read_table(content, sniff(content))


def test_a_real_qof_export_gives_a_percentage_reported_annually_at_the_levels_it_holds():
    proposal = propose(_table(ROOT / "tests/data/real-files/fingertips_91547_excerpt.csv"), 91547)
    assert proposal.name == "Smoking prevalence in adults (15+) - current smokers (QOF)"
    assert (proposal.unit, proposal.multiplier, proposal.interval_method) == ("percent", 100, "wilson")
    assert set(proposal.levels) >= {"practice", "borough", "icb", "region", "country"}
    assert (proposal.sex, proposal.age, proposal.frequency, proposal.period_months) == (
        "Persons",
        "15+ yrs",
        "annual",
        12,
    )
    assert proposal.code().startswith("FT_91547_SMOKING_PREVALENCE_IN_ADULTS_15_") and len(proposal.code()) <= 64
    assert proposal.notes == []


def test_life_expectancy_without_counts_is_years_over_three_year_periods_and_names_its_sex():
    proposal = propose(_table(ROOT / "fixtures/samples/fingertips_example.csv"), 90366)
    assert proposal.unit == "years" and proposal.period_months == 36
    assert set(proposal.sexes) == {"Male", "Female"} and proposal.sex in {"Male", "Female"}
    assert proposal.code().endswith(f"_{proposal.sex.upper()}")


def test_an_export_that_does_not_show_the_unit_says_so_and_an_absent_id_gives_nothing():
    table = _table(ROOT / "fixtures/samples/fingertips_example.csv")
    proposal = propose(table, 93553)  # a deprivation score, with no counts
    assert proposal.unit == "" and any("choose the unit" in n for n in proposal.notes)
    assert propose(table, 1) is None


def test_area_types_map_to_our_levels():
    assert level_of("Counties & UAs (from Apr 2023)") == "borough"
    assert level_of("ICB sub-locations") == "icb" and level_of("GPs") == "practice"
    assert level_of("England") == "country" and level_of("Regions (statistical)") == "region"
    assert level_of("MSOA") is None
