"""One vocabulary: breakdowns and their categories named in one module, months in ``periods``, and the observation
columns derived from the model, so the names shown and the columns loaded cannot drift apart."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes import vocabulary
from outcomes.actions import observations as load
from outcomes.ingest.readers import base as readers
from outcomes.models import (
    COVERAGE_COLUMNS,
    KEY_COLUMNS,
    NUMBER_COLUMNS,
    VALUE_COLUMNS,
    Observation,
    observation_columns,
)
from outcomes.models.choices import Breakdown
from outcomes.periods import month_end, month_start, month_starts

D = dt.date


def test_the_model_choices_are_the_vocabulary_and_every_category_list_has_a_named_breakdown() -> None:
    assert dict(Breakdown.choices) == vocabulary.BREAKDOWN_NAMES
    assert set(vocabulary.BREAKDOWN_CATEGORIES) <= set(vocabulary.BREAKDOWN_NAMES)
    assert set(vocabulary.BREAKDOWN_TITLES) == set(vocabulary.BREAKDOWN_NAMES) - {"all"}


@pytest.mark.parametrize(
    ("breakdown", "category", "words"),
    [("ethnicity", "not_stated", "Ethnicity not stated"), ("imd_quintile", "5", "IMD quintile 5 (least deprived)")],
)
def test_group_labels_come_from_the_vocabulary(breakdown: str, category: str, words: str) -> None:
    assert vocabulary.group_label(breakdown, category) == words
    assert vocabulary.breakdown_label("imd_quintile") == "deprivation (IMD quintile)"


def test_observation_columns_are_the_models_fields_less_bookkeeping() -> None:
    stored = [f.attname for f in Observation._meta.concrete_fields]
    assert observation_columns() == tuple(
        c for c in stored if c not in {"id", "extract_id", "is_current", "superseded_by_id"}
    )
    assert (*KEY_COLUMNS, *VALUE_COLUMNS) == observation_columns()
    assert KEY_COLUMNS == ("indicator_id", "area_id", "period_start", "period_end", "breakdown", "category")
    assert NUMBER_COLUMNS == ("numerator", "denominator", "value", "lower_ci", "upper_ci")
    assert set(COVERAGE_COLUMNS) < set(VALUE_COLUMNS)
    # The pure readers name the numbers as the model does; the COPY path covers every column with a kind.
    assert readers.NUMBER_COLUMNS == NUMBER_COLUMNS
    assert [name for name, _ in load.COLUMN_KINDS] == list(observation_columns())
    assert dict(load.COLUMN_KINDS)["covered_practices"] == "int4"
    assert dict(load.COLUMN_KINDS)["indicator_id"] == "int8"


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [(D(2024, 2, 10), D(2024, 2, 1), D(2024, 2, 29)), (D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31))],
)
def test_month_helpers(day: dt.date, first: dt.date, last: dt.date) -> None:
    assert month_start(day) == first
    assert month_end(day) == last
    assert month_starts(day, 3)[-1] == first
    assert month_starts(D(2026, 1, 15), 3) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]
