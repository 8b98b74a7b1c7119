"""The database itself enforces the observation rules, whatever code writes to it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from outcomes import actions
from outcomes.models import Extract, Observation, Target
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.world("empty")]
D = dt.date


def care_experience():
    """An annual borough percentage, as OUT3_CARE_EXPERIENCE is, and Harrow."""
    indicator = factories.IndicatorFactory(
        code="OUT3_CARE_EXPERIENCE", frequency="annual", levels=["borough"], is_additive=False
    )
    return indicator, factories.BoroughFactory(code="E09000015", name="Harrow")


@pytest.fixture
def extract():
    return actions.create_extract(file_name="t.csv", content=b"x", format="generic", source=Extract.Source.COMMAND)


@pytest.fixture
def key():
    indicator, harrow = care_experience()
    return {
        "indicator": indicator,
        "area": harrow,
        "period_start": D(2030, 4, 1),
        "period_end": D(2031, 3, 31),
    }


def test_only_one_current_row_per_key_is_allowed_by_the_database(extract, key):
    Observation.objects.create(extract=extract, value=60.0, **key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(extract=extract, value=61.0, **key)
    # A superseded row for the same key is allowed: that is how history is kept.
    Observation.objects.create(extract=extract, value=59.0, is_current=False, superseded_by=extract, **key)
    assert Observation.objects.filter(**key).count() == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"numerator": -1.0, "denominator": 10.0, "value": 1.0},
        {"numerator": 1.0, "denominator": 0.0, "value": 1.0},
        {"suppressed": True, "value": 5.0},
        {"value": 5.0, "lower_ci": 6.0, "upper_ci": 4.0},
        {"value": 5.0, "is_current": False},  # superseded without the extract that replaced it
    ],
)
def test_impossible_observations_are_refused_by_the_database(extract, key, bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(extract=extract, **key, **bad)


def test_period_must_not_end_before_it_starts(extract, key):
    key["period_end"] = D(2030, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(extract=extract, value=1.0, **key)


def test_load_inserts_then_supersedes_then_leaves_identical_rows_alone(key):
    row = {
        "indicator_id": key["indicator"].pk,
        "area_id": key["area"].pk,
        "period_start": key["period_start"],
        "period_end": key["period_end"],
        "numerator": 600.0,
        "denominator": 1000.0,
        "value": 60.0,
    }
    first = actions.create_extract(file_name="a.csv", content=b"a", format="generic", source="command")
    assert actions.load_observations(extract=first, rows=[row]) == actions.LoadResult(inserted=1)
    second = actions.create_extract(file_name="b.csv", content=b"b", format="generic", source="command")
    changed = {**row, "numerator": 610.0, "value": 61.0}
    assert actions.load_observations(extract=second, rows=[changed]) == actions.LoadResult(inserted=1, superseded=1)
    third = actions.create_extract(file_name="b.csv", content=b"b", format="generic", source="command")
    assert actions.load_observations(extract=third, rows=[changed]) == actions.LoadResult(unchanged=1)
    history = Observation.objects.filter(indicator=key["indicator"], area=key["area"], period_start=key["period_start"])
    old = history.get(is_current=False)
    assert old.value == 60.0 and old.extract == first and old.superseded_by == second
    assert history.get(is_current=True).value == 61.0


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("absolute", {}),
        ("relative_change", {"value": 5.0}),
        ("comparator", {}),
        ("band", {"lower": 20.0, "upper": 10.0}),
        ("baseline", {}),
    ],
)
def test_targets_missing_what_their_kind_needs_are_refused(kind, fields):
    indicator, harrow = care_experience()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            indicator=indicator,
            area=harrow,
            kind=kind,
            source_text="x",
            **fields,
        )
