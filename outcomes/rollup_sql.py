"""``rollup.group_sums`` as one PostgreSQL query, so a million practice rows are summed where they are stored.

The query joins the current practice rows to the memberships in force on each period's last day (``end``
exclusive) and groups by PCN and by the PCN's borough in one pass (GROUPING SETS). The result, one row per
PCN or borough and key, is what ``rollup.ratio_of_sums`` turns into values, intervals and suppression, as it
does for the pandas sums on other databases. Sums add the practices in a fixed order (by area id), so the
same rows give the same bits whatever order the table returns them in; a re-load then finds its derived
rows identical, not changed in the last bit.
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
    SELECT o.area_id, o.period_start, o.period_end, o.breakdown, o.category, o.numerator, o.denominator,
           (o.suppressed OR o.numerator IS NULL OR o.denominator IS NULL) AS incomplete,
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
       sum(numerator ORDER BY area_id), sum(denominator ORDER BY area_id),
       count(*) FILTER (WHERE incomplete), count(*)
FROM practice
GROUP BY GROUPING SETS ((pcn_id, period_start, period_end, breakdown, category),
                        (borough_id, period_start, period_end, breakdown, category))
HAVING GROUPING(pcn_id) = 0 OR borough_id IS NOT NULL
"""


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


def group_sums(indicator_id: int, period_ends: Iterable | None = None) -> pd.DataFrame:
    """SUM_COLUMNS for the indicator's current practice rows (only the periods ending on ``period_ends``)."""
    params: dict = {"indicator": indicator_id}
    period_filter = ""
    if period_ends is not None:
        params["period_ends"] = sorted(set(period_ends))
        period_filter = "AND o.period_end = ANY(%(period_ends)s::date[])"
    with connection.cursor() as cursor, _settings(cursor, PLANNER_SETTINGS):
        cursor.execute(SUMS.format(period_filter=period_filter), params)
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=SUM_COLUMNS)
    for column in ("numerator", "denominator"):
        frame[column] = frame[column].astype(float)  # None (all members' values missing) -> NaN
    for column in ("area_id", "incomplete", "practices"):
        frame[column] = frame[column].astype(np.int64)
    return frame
