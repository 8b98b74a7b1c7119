"""Two extracts touching the same keys at once cannot both win: one current row per key, the other kept as
history. PostgreSQL only (SQLite's test database is in memory and serialises writers anyway)."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL"
)
MONTHS = pd.period_range("2001-01", "2001-12", freq="M")
HEADER = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator\n"


def extract_with(numerator: int) -> Extract:
    rows = "".join(
        f"OUT5_ACSC_ADMISSIONS,{code},{start},{end},all,all,{numerator},1000\n"
        for code in ("E84068", "E84024", "E84009")
        for start, end in zip(MONTHS.start_time.date, MONTHS.end_time.date, strict=True)
    )
    return actions.receive_extract(
        file_name=f"n{numerator}.csv", content=(HEADER + rows).encode(), format="generic", source="command"
    )


def test_concurrent_extracts_for_the_same_keys_leave_one_current_row_each(reference_db):
    first, second = extract_with(11), extract_with(12)
    barrier = threading.Barrier(2)
    outcomes = {}

    def load(extract: Extract) -> None:
        try:
            barrier.wait()
            outcomes[extract.pk] = pipeline.run_extract(extract.pk).extract.status
        finally:
            connection.close()

    threads = [threading.Thread(target=load, args=(e,)) for e in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert set(outcomes.values()) == {Extract.Status.LOADED}
    rows = Observation.objects.filter(
        indicator__code="OUT5_ACSC_ADMISSIONS", period_start__year=2001, area__level="practice"
    )
    assert rows.filter(is_current=True).count() == 36
    winner = rows.filter(is_current=True).values_list("extract_id", flat=True).distinct()
    assert winner.count() == 1  # one extract's values throughout, not a mixture
    loser = ({first.pk, second.pk} - set(winner)).pop()
    history = rows.filter(extract_id=loser)
    assert history.count() == 36 and not history.filter(is_current=True).exists()
    assert set(history.values_list("superseded_by_id", flat=True)) == set(winner)
