"""The database refuses observations that point at nothing, on every write path, though the references are
checked per statement by triggers rather than per row by foreign key constraints (docs/adr/0006)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from outcomes import actions
from outcomes.models import Area, Extract, Indicator, Observation

# The triggers are made by migrations 0006 and 0008: make test-fast, which builds its database from the models, skips
# these tests.
pytestmark = [pytest.mark.django_db, pytest.mark.world("reference"), pytest.mark.migrations]
D = dt.date
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers")
MISSING = 987_654_321


@pytest.fixture
def extract() -> Extract:
    return actions.create_extract(file_name="r.csv", content=b"r", format="generic", source=Extract.Source.COMMAND)


@pytest.fixture
def row() -> dict:
    return {
        "indicator": Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS"),
        "area": Area.objects.filter(level="practice").order_by("pk").first(),
        "period_start": D(1901, 1, 1),
        "period_end": D(1901, 1, 31),
        "numerator": 3.0,
        "denominator": 1000.0,
        "value": 3.0,
    }


@pytest.mark.parametrize("column", ["area_id", "indicator_id", "extract_id", "superseded_by_id"])
def test_an_insert_pointing_at_nothing_is_refused(extract, row, column):
    fields = {**row, "extract": extract, column: MISSING}
    if column == "superseded_by_id":
        fields["is_current"] = False
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Observation.objects.create(**fields)
    if connection.vendor == "postgresql":  # the statement trigger names the reference and the missing key
        assert f"{column} -> " in str(refused.value) and f"key ({MISSING}) is not present" in str(refused.value)


@pytest.mark.parametrize("column", ["area_id", "indicator_id", "extract_id", "superseded_by_id"])
def test_an_update_pointing_at_nothing_is_refused(extract, row, column):
    observation = Observation.objects.create(extract=extract, **row)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Observation.objects.filter(pk=observation.pk).update(**{column: MISSING})
    if connection.vendor == "postgresql":
        assert f"{column} -> " in str(refused.value) and f"key ({MISSING}) is not present" in str(refused.value)
    observation.refresh_from_db()
    assert observation.area == row["area"] and observation.superseded_by is None


def test_the_bulk_load_refuses_an_unknown_area_and_writes_nothing(extract, row):
    good = {
        "indicator_id": row["indicator"].pk,
        "area_id": row["area"].pk,
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "numerator": 3.0,
        "denominator": 1000.0,
        "value": 3.0,
    }
    rows = pd.DataFrame([good, {**good, "area_id": MISSING}])
    with pytest.raises(IntegrityError), transaction.atomic():
        actions.load_observations(extract=extract, rows=rows)
    assert not Observation.objects.filter(extract=extract).exists()


@postgres_only
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("outcomes_area", "area_id"),
        ("outcomes_indicator", "indicator_id"),
        ("outcomes_extract", "extract_id"),
        ("outcomes_extract", "superseded_by_id"),
    ],
)
def test_a_referenced_row_cannot_be_deleted_or_renumbered(extract, row, table, column):
    observation = Observation.objects.create(extract=extract, **row)
    if column == "superseded_by_id":
        replacing = actions.create_extract(file_name="s.csv", content=b"s", format="generic", source="command")
        Observation.objects.filter(pk=observation.pk).update(is_current=False, superseded_by=replacing)
    referenced = Observation.objects.filter(pk=observation.pk).values_list(column, flat=True).get()
    with connection.cursor() as cursor:
        for sql in (f"DELETE FROM {table} WHERE id = %s", f"UPDATE {table} SET id = -id WHERE id = %s"):
            with pytest.raises(IntegrityError, match="still referenced"), transaction.atomic():
                cursor.execute(sql, [referenced])
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [referenced])
        assert cursor.fetchone()[0] == 1


@postgres_only
def test_unreferenced_rows_can_still_be_deleted_and_referenced_rows_edited(extract, row):
    Observation.objects.create(extract=extract, **row)
    spare = actions.create_extract(file_name="x.csv", content=b"x", format="generic", source="command")
    Extract.objects.filter(pk=spare.pk).delete()
    assert not Extract.objects.filter(pk=spare.pk).exists()
    Extract.objects.filter(pk=extract.pk).update(note="edited")  # not a change of id: no check, no refusal
    assert Extract.objects.get(pk=extract.pk).note == "edited"


@postgres_only
def test_a_load_locks_the_rows_it_references_until_it_commits(extract, row):
    """As a foreign key check would: another session cannot delete the area under an uncommitted load."""
    Observation.objects.create(extract=extract, **row)
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)  # rolled back below, whatever happens
        with other.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
            with pytest.raises(OperationalError, match="lock timeout"):
                cursor.execute("DELETE FROM outcomes_area WHERE id = %s", [row["area"].pk])
    finally:
        other.rollback()
        other.close()
