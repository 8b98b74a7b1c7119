"""Reference data: complete, faithful to the plan, and safe to load again."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from outcomes.models import Area, Extract, Indicator, Observation, PracticeMembership, Target
from workstreams.models import Partner, Person, Workstream

pytestmark = pytest.mark.django_db

MODELS = [Area, PracticeMembership, Indicator, Target, Observation, Extract, Partner, Person, Workstream]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_loading_reference_data_twice_creates_no_duplicates():
    before = counts()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=out)
    assert counts() == before
    assert "observations: 0 inserted, 0 superseded" in out.getvalue()


def test_the_area_hierarchy_of_the_plan():
    harrow = Area.objects.get(code="E09000015")
    assert [a.code for a in (harrow.parent, harrow.parent.parent, harrow.parent.parent.parent)] == [
        "QRV",
        "E12000007",
        "E92000001",
    ]
    pcns = Area.objects.filter(parent=harrow, level="pcn")
    assert pcns.count() == 5
    practices = Area.objects.filter(level="practice", parent__in=pcns)
    assert practices.count() == 29
    assert PracticeMembership.objects.filter(practice__in=practices, end__isnull=True).count() == 29
    assert set(Area.objects.get(code="U51050").member_practices.values_list("practice__code", flat=True)) == {
        "E84014",
        "E84039",
        "E84075",
    }


def test_the_five_outcome_measures_carry_the_plan_baselines_and_targets():
    outcomes = Indicator.objects.filter(partnership_outcome__isnull=False)
    assert set(outcomes.values_list("partnership_outcome", flat=True)) == {1, 2, 3, 4, 5}
    for code in (
        "OUT1_TOOTH_DECAY",
        "OUT2_GP_ACCESS",
        "OUT3_CARE_EXPERIENCE",
        "OUT4_STAFF_TURNOVER",
        "OUT4_STAFF_SATISFACTION",
        "OUT5_ACSC_ADMISSIONS",
    ):
        assert outcomes.filter(code=code).exists(), code
    tooth = Target.objects.get(indicator__code="OUT1_TOOTH_DECAY")
    assert tooth.kind == "relative_change" and tooth.relative_unit == "points" and tooth.baseline_value == 42.4
    # the plan's ambiguous "5%" is settled in the reference data, in words a board member reads
    assert "5 percentage points" in tooth.interpretation and "37.4%" in tooth.interpretation
    assert "relative_unit" not in tooth.interpretation
    turnover = Target.objects.get(indicator__code="OUT4_STAFF_TURNOVER")
    assert (turnover.kind, turnover.lower, turnover.upper) == ("band", 10.0, 18.4)
    acsc = Target.objects.get(indicator__code="OUT5_ACSC_ADMISSIONS")
    assert acsc.kind == "comparator" and acsc.comparator_area.code == "QRV" and acsc.applies_to_each_child
    baseline = Observation.objects.get(
        indicator__code="OUT5_ACSC_ADMISSIONS", area__code="E09000015", period_end="2022-03-31", is_current=True
    )
    assert baseline.value == 11.47


def test_every_jsna_indicator_has_a_life_stage_and_the_plan_values():
    jsna = Indicator.objects.filter(is_jsna=True)
    assert jsna.count() >= 30
    assert not jsna.filter(life_stage="").exists()
    falls = Observation.objects.get(  # the plan's year (the demo world adds later years)
        indicator__code="JSNA_FALLS_65_PLUS", area__code="E09000015", period_end="2021-03-31", is_current=True
    )
    assert falls.value == 2380.0
    assert "significantly above London and England" in falls.indicator.comparison_note


def test_the_diabetes_table_is_loaded_as_real_practice_observations():
    rows = Observation.objects.filter(
        indicator__code="PERF_DIABETES_9CP", area__level="practice", period_end="2022-03-31", is_current=True
    )
    assert rows.count() == 29
    ridgeway = rows.get(area__code="E84068")
    assert (ridgeway.denominator, ridgeway.numerator) == (1382, 625)
    harrow = Observation.objects.get(
        indicator__code="PERF_DIABETES_9CP", area__code="E09000015", period_end="2022-03-31", is_current=True
    )
    # The plan: Harrow overall 23% (rounded); the table sums to 4,988 of 20,831.
    assert (harrow.numerator, harrow.denominator) == (4988, 20831)
    assert round(harrow.value) == 24 and harrow.is_derived


def test_every_workstream_has_an_objective_and_an_sro_record():
    assert Workstream.objects.count() >= 16
    assert set(Workstream.objects.values_list("objective", flat=True)) == {1, 2, 3}
    placeholder = Person.objects.get(name="To be confirmed")
    assert placeholder.is_placeholder
    # The plan names no SROs (the fixture says "To be confirmed"); the demo world gives every workstream it does not
    # lead by name a clearly invented "Demo SRO (partner)", so none is left with the placeholder.
    from workstreams.demo import LEADS

    assert not Workstream.objects.filter(sro=placeholder).exists()
    assert set(Workstream.objects.filter(sro__name__startswith="Demo SRO (").values_list("code", flat=True)) == set(
        Workstream.objects.exclude(code__in=LEADS).values_list("code", flat=True)
    )


def test_a_target_edited_on_the_site_survives_reloading_until_its_file_changes():
    """The board's reading of the tooth-decay target, recorded in the admin, is not lost at the next deployment;
    a new reviewed definition in the file still wins."""
    import tomllib

    from django.conf import settings

    from outcomes import reference

    target = Target.objects.get(indicator__code="OUT1_TOOTH_DECAY")
    target.interpretation = "JMB, 12 Nov 2026: read as 5 percentage points."
    target.relative_unit = "points"
    target.save()
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", stdout=quiet)
    kept = Target.objects.get(indicator__code="OUT1_TOOTH_DECAY")
    assert kept.pk == target.pk and kept.relative_unit == "points"
    assert kept.interpretation.startswith("JMB, 12 Nov 2026")

    source = Path(settings.BASE_DIR) / "fixtures" / "indicators" / "OUT1_TOOTH_DECAY.toml"
    spec = tomllib.loads(source.read_text(encoding="utf-8"))
    spec["targets"][0]["source_text"] = "Revised: " + spec["targets"][0]["source_text"]
    reference.load_targets(target.indicator, spec["targets"], {a.code: a for a in Area.objects.all()})
    revised = Target.objects.get(indicator__code="OUT1_TOOTH_DECAY")
    assert revised.pk == target.pk and revised.source_text.startswith("Revised: ")
    assert revised.interpretation != kept.interpretation  # the file's newer reviewed reading wins


def test_a_target_dropped_from_its_file_is_deactivated_not_deleted():
    from outcomes import reference

    target = Target.objects.get(indicator__code="OUT5_ACSC_ADMISSIONS")
    areas = {a.code: a for a in Area.objects.all()}
    reference.load_targets(target.indicator, [], areas)
    target.refresh_from_db()
    assert not target.is_active
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", stdout=quiet)
    target.refresh_from_db()
    assert target.is_active and Target.objects.filter(indicator__code="OUT5_ACSC_ADMISSIONS").count() == 1
