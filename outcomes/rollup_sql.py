"""``rollup.group_sums`` as one PostgreSQL query, so a million practice rows are summed where they are stored.

The query joins the current practice rows to the memberships in force on each period's last day (``end``
exclusive) and groups by PCN and by the PCN's borough in one pass (GROUPING SETS). The result, one row per
PCN or borough and key (with the ids of the practices summed, for coverage), is what ``rollup.ratio_of_sums``
turns into values, intervals and suppression, as it does for the pandas sums on other databases.

The same rows must give the same bits whatever order the table returns them in, so that a re-load finds its
derived rows identical, not changed in the last bit. Sums of whole numbers below 2**53 are exact in any order,
and counts are whole, so the query first adds in whatever order the plan gives (a hash aggregate) and checks
that every value was whole. Only if one was not (weighted or survey-estimated counts) does it add again in a
fixed order (by area id), with a sort inside every group: nearly half the time of the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

import numpy as np
import pandas as pd
from django.db import connection

from .rollup import SUM_COLUMNS

SUMS = """
WITH practice AS (
    SELECT o.area_id, o.period_start, o.period_end, o.breakdown, o.category, {measures},
           m.pcn_id, pcn.parent_id AS borough_id
    FROM outcomes_observation o
    JOIN outcomes_area practice ON practice.id = o.area_id AND practice.level = 'practice'
    JOIN outcomes_practicemembership m
      ON m.practice_id = o.area_id AND m.start <= o.period_end AND (m."end" IS NULL OR m."end" > o.period_end)
    LEFT JOIN outcomes_area pcn ON pcn.id = m.pcn_id AND pcn.level = 'pcn'
    WHERE o.indicator_id = %(indicator)s AND o.is_current {period_filter}
)
SELECT CASE WHEN GROUPING(pcn_id) = 0 THEN pcn_id ELSE borough_id END AS area_id,
       period_start, period_end, breakdown, category,
       {sums},
       count(*) FILTER (WHERE incomplete), count(*), array_agg(area_id), {whole}
FROM practice
GROUP BY GROUPING SETS ((pcn_id, period_start, period_end, breakdown, category),
                        (borough_id, period_start, period_end, breakdown, category))
HAVING GROUPING(pcn_id) = 0 OR borough_id IS NOT NULL
"""


#: (the sums, whether every value added was whole) for SUMS
ANY_ORDER = {
    "sums": "sum(numerator), sum(denominator)",
    "whole": "bool_and(numerator = floor(numerator) AND denominator = floor(denominator)) IS NOT FALSE",
}
FIXED_ORDER = {"sums": "sum(numerator ORDER BY area_id), sum(denominator ORDER BY area_id)", "whole": "true"}
#: What is summed: a ratio's numerator and denominator, or (a count indicator) the value, over 1 per practice.
RATIO = "o.numerator, o.denominator, (o.suppressed OR o.numerator IS NULL OR o.denominator IS NULL) AS incomplete"
COUNT = "o.value AS numerator, 1.0 AS denominator, (o.suppressed OR o.value IS NULL) AS incomplete"
EXACT_BELOW = 2.0**53  # every whole float up to here is exact, so is every partial sum of non-negative ones

#: The query joins many rows to a few hundred memberships and areas: hash joins at any size. Within a load's
#: transaction the table's statistics predate the rows just written, and the planner, thinking the indicator
#: has a handful of rows, would otherwise probe the memberships once per practice row (three times slower).
#: The grouping sorts stay in memory.
PLANNER_SETTINGS = {"enable_nestloop": "off", "work_mem": "256MB"}


@contextmanager
def _settings(cursor, settings: dict[str, str]):
    """Settings for the statements inside only (an error rolls them back with the transaction or savepoint)."""
    previous = {}
    for name, value in settings.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        previous[name] = cursor.fetchone()[0]
    yield
    for name, value in previous.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _exact(frame: pd.DataFrame) -> bool:
    """Whether every sum added whole numbers only and stayed below 2**53 (counts are never negative)."""
    sums = frame[["numerator", "denominator"]].astype(float)
    return bool(frame["whole"].all()) and bool((sums.fillna(0) < EXACT_BELOW).all().all())


def group_sums(indicator_id: int, period_ends: Iterable | None = None, *, count: bool = False) -> pd.DataFrame:
    """SUM_COLUMNS for the indicator's current practice rows (only the periods ending on ``period_ends``);
    ``count``: of a count indicator's values (``rollup.ratio_of_sums(count=True)``)."""
    params: dict = {"indicator": indicator_id}
    period_filter = ""
    if period_ends is not None:
        params["period_ends"] = sorted(set(period_ends))
        period_filter = "AND o.period_end = ANY(%(period_ends)s::date[])"
    columns = [*SUM_COLUMNS, "whole"]
    with connection.cursor() as cursor, _settings(cursor, PLANNER_SETTINGS):
        measures = COUNT if count else RATIO
        cursor.execute(SUMS.format(period_filter=period_filter, measures=measures, **ANY_ORDER), params)
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
        if not _exact(frame):
            cursor.execute(SUMS.format(period_filter=period_filter, measures=measures, **FIXED_ORDER), params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    frame = frame.drop(columns="whole")
    for column in ("numerator", "denominator"):
        frame[column] = frame[column].astype(float)  # None (all members' values missing) -> NaN
    for column in ("area_id", "incomplete", "practices"):
        frame[column] = frame[column].astype(np.int64)
    frame["covered"] = [tuple(sorted(ids)) for ids in frame["covered"]]
    return frame
