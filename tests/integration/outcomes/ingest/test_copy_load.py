"""The PostgreSQL bulk path: what goes in by binary COPY (or its text fallback) comes out exactly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from outcomes import actions
from outcomes.actions import observations as load
from outcomes.actions import pgcopy
from outcomes.models import Area, Extract, Indicator, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
D = dt.date
ORDER = ["period_start", "area_id"]


def _frame(notes: list[str]) -> pd.DataFrame:
    """One row per note, keys spread over practices and months (years before any demo data)."""
    areas = list(Area.objects.filter(level="practice").order_by("pk").values_list("pk", flat=True))
    n = len(notes)
    months = [i // len(areas) for i in range(n)]
    numerator = np.array([1 / 3, 0.1 + 0.2, 5e-324, 1e300, 7.0, np.nan] * n)[:n]
    derived = [bool(i % 3 == 0) for i in range(n)]
    return pd.DataFrame(
        {
            "indicator_id": Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS").pk,
            "area_id": [areas[i % len(areas)] for i in range(n)],
            "period_start": [D(1800 + m // 12, m % 12 + 1, 1) for m in months],
            "period_end": [D(1800 + m // 12, m % 12 + 1, 28) for m in months],
            "breakdown": "all",
            "category": "all",
            "numerator": numerator,
            "denominator": 1000.0,
            "value": numerator * 1000,
            "lower_ci": np.nan,
            "upper_ci": np.nan,
            "suppressed": False,
            "is_derived": derived,
            "note": notes[:n],
            # a derived row's coverage (int4, float8 and text over COPY); zero and blank on the others
            "covered_practices": [i % 5 if d else 0 for i, d in enumerate(derived)],
            "member_practices": [5 if d else 0 for d in derived],
            "coverage_share": [(i % 5) / 5 if d else np.nan for i, d in enumerate(derived)],
            "coverage_basis": ["denominator" if d else "" for d in derived],
            "missing_practices": ["F84001,F84002" if d and i % 5 < 4 else "" for i, d in enumerate(derived)],
        }
    )


TRICKY = ["\\N", "a\rb", "x\r\ny", "\\.", "NULL", "", "  ", "\r", "\n"]


def _loaded(extract: Extract) -> pd.DataFrame:
    rows = Observation.objects.filter(extract=extract).values(*load.COLUMNS)
    return pd.DataFrame.from_records(rows).sort_values(ORDER).reset_index(drop=True)


def _assert_same(loaded: pd.DataFrame, frame: pd.DataFrame) -> None:
    expected = frame.sort_values(ORDER).reset_index(drop=True)
    for column in load.COLUMNS:
        got, want = loaded[column], expected[column]
        if column in (*load.NUMBER_COLUMNS, "coverage_share"):
            got, want = got.astype(float).to_numpy(), want.astype(float).to_numpy()
            assert np.array_equal(np.isnan(got), np.isnan(want)), column
            assert (got[~np.isnan(got)] == want[~np.isnan(want)]).all(), column  # bit for bit, no rounding
        else:
            assert got.tolist() == want.tolist(), column


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
@pytest.mark.parametrize(
    "notes",
    [
        ["", "tab\there", "back\\slash", 'quote " and, comma', "line\nbreak", "£ é 漢"] * 3,  # binary COPY
        [f"note {i}" for i in range(pgcopy.MAX_GROUPS + 1)],  # too varied for binary: the CSV fallback
        # The fallback with texts CSV could mistake: the NULL marker itself, a lone CR (a row end to PostgreSQL
        # unless quoted), CR LF, the end-of-data marker, empty.
        [*TRICKY, *(f"note {i}" for i in range(pgcopy.MAX_GROUPS + 1))],
        TRICKY * 3,
    ],
    ids=["binary", "text-fallback", "text-fallback-tricky", "binary-tricky"],
)
def test_copy_load_stores_every_value_exactly(notes):
    frame = _frame(notes)
    binary = pgcopy.encode(frame, load.COLUMN_KINDS) is not None
    assert binary == (len(set(notes)) < pgcopy.MAX_GROUPS)
    extract = actions.create_extract(file_name="c.csv", content=b"c", format="generic", source="command")
    result = actions.load_observations(extract=extract, rows=frame)
    assert result == actions.LoadResult(inserted=len(frame))
    _assert_same(_loaded(extract), frame)
    again = actions.create_extract(file_name="c.csv", content=b"c", format="generic", source="command")
    assert actions.load_observations(extract=again, rows=frame) == actions.LoadResult(unchanged=len(frame))


def test_chunk_reader_returns_the_bytes_in_order_whatever_the_read_size():
    chunks = [b"abc", b"", b"defgh", b"i"]
    for size in (1, 2, 4, 100, -1):
        reader = pgcopy.ChunkReader(iter(chunks))
        got = b""
        while block := reader.read(size):
            got += block
        assert got == b"abcdefghi"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_only_pairs_with_a_current_row_of_the_same_key_are_compared_with_current_rows():
    existing = Observation.objects.filter(is_current=True, breakdown="all").order_by("pk").first()
    row = {c: getattr(existing, c) for c in ("indicator_id", "area_id", "period_start", "period_end")}
    pair = (row["indicator_id"], row["area_id"])
    same_period = Observation.objects.filter(is_current=True, **row).values("area_id")
    other_area = Area.objects.exclude(pk__in=same_period).order_by("pk").first().pk  # no row for this period
    with connection.cursor() as cursor:
        assert load._pairs_with_current(cursor, pd.DataFrame([row])) == {pair}
        assert load._pairs_with_current(cursor, pd.DataFrame([{**row, "area_id": other_area}, row])) == {pair}
        later_end = {**row, "period_end": existing.period_end + dt.timedelta(days=1)}
        assert not load._pairs_with_current(cursor, pd.DataFrame([later_end]))  # another period, so another key
        assert not load._pairs_with_current(cursor, pd.DataFrame([{**row, "area_id": other_area}]))
        # A current row whose period lies between the frame's periods for that indicator and area is no match.
        day = dt.timedelta(days=1)
        around = [
            {**row, "period_start": existing.period_start - 40 * day, "period_end": existing.period_start - 10 * day},
            {**row, "period_start": existing.period_end + 10 * day, "period_end": existing.period_end + 40 * day},
        ]
        assert not load._pairs_with_current(cursor, pd.DataFrame(around))
        assert load._pairs_with_current(cursor, pd.DataFrame([*around, row])) == {pair}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_a_load_mixing_new_pairs_with_existing_keys_inserts_supersedes_and_leaves_alone_as_it_should():
    first = actions.create_extract(file_name="m1.csv", content=b"m", format="generic", source="command")
    frame = _frame(["a", "b", "c", "d"])
    actions.load_observations(extract=first, rows=frame)
    # The same rows again (one changed, three identical), and the same rows for four other areas: new pairs.
    others = Area.objects.exclude(pk__in=frame["area_id"].unique()).order_by("pk").values_list("pk", flat=True)
    again = frame.copy()
    again.loc[0, "numerator"] = again.loc[0, "numerator"] + 1
    again.loc[0, "value"] = None
    elsewhere = frame.assign(area_id=list(others[: len(frame)]))
    second = actions.create_extract(file_name="m2.csv", content=b"m", format="generic", source="command")
    result = actions.load_observations(extract=second, rows=pd.concat([again, elsewhere], ignore_index=True))
    assert result == actions.LoadResult(inserted=len(elsewhere) + 1, superseded=1, unchanged=len(frame) - 1)
    assert Observation.objects.filter(extract=second, is_current=True).count() == len(elsewhere) + 1
    assert Observation.objects.filter(extract=first, is_current=False, superseded_by=second).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_dates_outside_the_range_of_pandas_timestamps_are_stored():
    frame = _frame(["x", "y"]).assign(
        period_start=[D(1500, 1, 1), D(2300, 1, 1)], period_end=[D(1500, 1, 31), D(2300, 1, 31)]
    )
    assert pgcopy.encode(frame, load.COLUMN_KINDS) is not None
    extract = actions.create_extract(file_name="d.csv", content=b"d", format="generic", source="command")
    actions.load_observations(extract=extract, rows=frame)
    _assert_same(_loaded(extract), frame)


def test_rows_are_stored_in_the_order_of_the_observation_key():
    """Key order is what makes the unique index cheap to fill (load.key_order). Rows of one layout (the same
    texts and NULLs) keep it exactly, as the ids show; pgcopy's own tests cover mixed layouts."""
    frame = _frame(["n"] * 300).assign(numerator=2.0, value=2.0, **load.COVERAGE_DEFAULTS)  # one layout
    frame = frame.sample(frac=1, random_state=4)
    order = load.key_order(frame)
    expected = frame.iloc[order][list(load.KEY_COLUMNS)]
    assert expected.equals(frame.sort_values(list(load.KEY_COLUMNS))[list(load.KEY_COLUMNS)])
    extract = actions.create_extract(file_name="k.csv", content=b"k", format="generic", source="command")
    actions.load_observations(extract=extract, rows=frame)
    if connection.vendor == "postgresql":
        stored = Observation.objects.filter(extract=extract).order_by("pk").values_list(*load.KEY_COLUMNS)
        assert list(stored) == list(expected.itertuples(index=False, name=None))
