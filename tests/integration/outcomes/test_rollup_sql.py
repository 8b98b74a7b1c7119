"""Roll-ups in the database: PostgreSQL's one-query sums equal pandas' sums of the same rows, and on every
database derived rows leave alone the keys a source supplied itself."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from outcomes import actions
from outcomes.actions.rollups import _group_sums
from outcomes.models import Area, Extract, Indicator, Observation, PracticeMembership
from outcomes.rollup import SUM_COLUMNS

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
D = dt.date
KEY = ["area_id", "period_start", "period_end", "breakdown", "category"]


def _extract(name: str) -> Extract:
    return actions.create_extract(file_name=name, content=name.encode(), format="generic", source="command")


def _practice_rows(indicator: Indicator, period_end: dt.date, practices: list[Area], *, suppress: int = -1) -> list:
    return [
        {
            "indicator_id": indicator.pk,
            "area_id": practice.pk,
            "period_start": period_end.replace(day=1),
            "period_end": period_end,
            "numerator": None if i == suppress else float(3 + i) + 0.1 * i,  # not whole: summation order shows
            "denominator": None if i == suppress else 1000.0 + i,
            "value": None if i == suppress else (3 + 1.1 * i) / (1000 + i) * indicator.multiplier,
            "suppressed": i == suppress,
        }
        for i, practice in enumerate(practices)
    ]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[SUM_COLUMNS].sort_values(KEY).reset_index(drop=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query sums are PostgreSQL's")
def test_database_sums_equal_pandas_sums_with_a_move_and_a_suppressed_practice():
    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    practices = list(Area.objects.filter(level="practice", memberships__end__isnull=True).order_by("code")[:12])
    moving = practices[0]
    here = PracticeMembership.objects.get(practice=moving, end__isnull=True)
    other_pcn = Area.objects.filter(level="pcn").exclude(pk=here.pcn_id).order_by("code").first()
    actions.set_practice_membership(practice=moving, pcn=here.pcn, start=here.start, end=D(2040, 1, 1))
    actions.set_practice_membership(practice=moving, pcn=other_pcn, start=D(2040, 1, 1))
    extract = _extract("sums.csv")
    for period_end, suppress in ((D(2039, 12, 31), -1), (D(2040, 1, 31), 3)):  # before and after the move
        actions.load_observations(
            extract=extract, rows=_practice_rows(indicator, period_end, practices, suppress=suppress)
        )
    period_ends = [D(2039, 12, 31), D(2040, 1, 31)]

    settings = "SELECT current_setting('enable_nestloop'), current_setting('work_mem')"
    with connection.cursor() as cursor:
        cursor.execute(settings)
        before = cursor.fetchone()
        in_database = _sorted(_group_sums(indicator, period_ends, in_database=True))
        cursor.execute(settings)
        assert cursor.fetchone() == before  # the query's planner settings do not outlive it
    in_pandas = _sorted(_group_sums(indicator, period_ends, in_database=False))

    assert len(in_database) > 0
    pd.testing.assert_frame_equal(
        in_database.drop(columns=["numerator", "denominator"]),
        in_pandas.drop(columns=["numerator", "denominator"]),
        check_dtype=False,
    )
    for column in ("numerator", "denominator"):  # the same up to the order of addition
        complete = in_database["incomplete"] == 0
        assert np.allclose(in_database.loc[complete, column], in_pandas.loc[complete, column], rtol=1e-14, atol=0)
    counts = in_database[in_database["breakdown"] == "all"].set_index(["area_id", "period_end"])["practices"]
    for pcn, change in ((other_pcn.pk, 1), (here.pcn_id, -1)):  # the membership in force on the last day
        assert counts.get((pcn, D(2040, 1, 31)), 0) == counts.get((pcn, D(2039, 12, 31)), 0) + change
    assert (in_database.loc[in_database["period_end"] == D(2040, 1, 31), "incomplete"] > 0).any()


def test_rollups_leave_a_key_the_source_supplied_to_the_source_and_derive_the_rest(settings):
    settings.ROLLUP_MIN_COVERAGE = 0  # one PCN's practices only: the borough's coverage is partial, and accepted
    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    pcn = Area.objects.filter(level="pcn", member_practices__end__isnull=True).order_by("code").first()
    practices = list(Area.objects.filter(memberships__pcn=pcn, memberships__end__isnull=True).order_by("code"))
    period_end = D(2041, 3, 31)
    extract = _extract("supplied.csv")
    actions.load_observations(extract=extract, rows=_practice_rows(indicator, period_end, practices))
    supplied = {
        "indicator_id": indicator.pk,
        "area_id": pcn.pk,
        "period_start": period_end.replace(day=1),
        "period_end": period_end,
        "numerator": 1.0,
        "denominator": 10.0,
        "value": 100.0,
    }
    actions.load_observations(extract=extract, rows=[supplied])

    result = actions.derive_rollups(indicator=indicator, extract=extract, period_ends=[period_end])
    again = actions.derive_rollups(indicator=indicator, extract=_extract("again.csv"), period_ends=[period_end])

    rows = Observation.objects.filter(indicator=indicator, period_end=period_end, is_current=True)
    source_row = rows.get(area=pcn)
    assert not source_row.is_derived and source_row.value == 100.0  # not overwritten by a derived value
    borough = rows.get(area=pcn.parent)
    assert borough.is_derived and borough.denominator == sum(1000.0 + i for i in range(len(practices)))
    assert borough.covered_practices == len(practices) < borough.member_practices
    assert result.inserted >= 1 and again == actions.LoadResult(unchanged=result.inserted)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the loads' advisory locks are PostgreSQL's")
def test_a_roll_up_holds_the_indicator_s_load_lock_before_it_reads_the_sums(monkeypatch):
    """Otherwise a roll-up racing an extract's commit could supersede the extract's fresh derived rows with sums
    of the practice rows as they were before it (the lock is what serialises loads of one indicator)."""
    from outcomes import rollup_sql
    from outcomes.actions.observations import ADVISORY_NAMESPACE

    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    held = []
    real = rollup_sql.group_sums

    def spy(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND granted AND classid = %s AND objid = %s",
                [ADVISORY_NAMESPACE, indicator.pk],
            )
            held.append(cursor.fetchone()[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(rollup_sql, "group_sums", spy)
    actions.derive_rollups(indicator=indicator, extract=_extract("rollup.csv"))
    assert held == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query sums are PostgreSQL's")
def test_whole_counts_are_summed_in_any_order_and_other_values_in_a_fixed_order():
    """Whole numbers add exactly in any order, so only sums with a fraction need the slower ordered aggregate;
    either way the sums are the same bits as pandas' (which adds in a fixed order too)."""
    from django.test.utils import CaptureQueriesContext

    from outcomes import rollup_sql

    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    practices = list(Area.objects.filter(level="practice", memberships__end__isnull=True).order_by("code")[:9])
    whole_end, fraction_end = D(2042, 1, 31), D(2042, 2, 28)
    whole = [
        {**row, "numerator": float(7 * i + 2), "denominator": float(2**40 + i)}
        for i, row in enumerate(_practice_rows(indicator, whole_end, practices))
    ]
    extract = _extract("whole.csv")
    actions.load_observations(extract=extract, rows=whole)
    actions.load_observations(extract=extract, rows=_practice_rows(indicator, fraction_end, practices))

    for period_end, ordered in ((whole_end, False), (fraction_end, True)):
        with CaptureQueriesContext(connection) as queries:
            in_database = _sorted(rollup_sql.group_sums(indicator.pk, [period_end]))
        assert any("ORDER BY area_id" in q["sql"] for q in queries.captured_queries) == ordered
        in_pandas = _sorted(_group_sums(indicator, [period_end], in_database=False))
        assert len(in_database) > 0
        if not ordered:
            pd.testing.assert_frame_equal(in_database, in_pandas, check_dtype=False)  # bit for bit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query sums are PostgreSQL's")
def test_a_count_indicators_values_sum_the_same_in_the_database_and_in_pandas():
    """List sizes (a count indicator): the database sums the values, as pandas does, each breakdown apart."""
    indicator = Indicator.objects.get(code="REF_REGISTERED_PATIENTS")
    practices = list(Area.objects.filter(level="practice", memberships__end__isnull=True).order_by("code")[:6])
    end = D(2040, 3, 31)
    rows = [
        {
            "indicator_id": indicator.pk,
            "area_id": practice.pk,
            "period_start": end.replace(day=1),
            "period_end": end,
            "breakdown": breakdown,
            "category": category,
            "value": value,
        }
        for i, practice in enumerate(practices)
        for breakdown, category, value in (("all", "all", 5000.0 + i), ("sex", "female", 2600.0 + i))
    ]
    actions.load_observations(extract=_extract("lists.csv"), rows=rows)
    in_database = _sorted(_group_sums(indicator, [end], in_database=True))
    in_pandas = _sorted(_group_sums(indicator, [end], in_database=False))
    pd.testing.assert_frame_equal(in_database, in_pandas, check_dtype=False)
    totals = in_database[in_database["category"] == "all"]
    borough = totals[totals["practices"] == totals["practices"].max()].iloc[0]
    assert borough["numerator"] == sum(5000 + i for i in range(6)) and borough["denominator"] == 6
