"""Roll-ups: practice rows to PCN and borough as a ratio of sums, with coverage of the members in force (ADR 0003).

A derived value whose coverage is below ROLLUP_MIN_COVERAGE is held back unless an analyst accepted it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .. import coverage, rollup, rollup_sql
from ..coverage_weights import practice_weights
from ..ingest.problems import Problem
from ..models import Area, CoverageAcceptance, Extract, Indicator, Observation, PracticeMembership
from ..rollup import interval_function, ratio_of_sums
from ..signals import extract_loaded
from .observations import LoadResult, load_observations, lock_indicators

log = logging.getLogger(__name__)

DERIVED_KEY = ["area_id", "period_start", "period_end", "breakdown", "category"]

PRACTICE_ROW_FIELDS = [
    "area_id",
    "period_start",
    "period_end",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "suppressed",
]


def _current_practice_rows(indicator: Indicator, period_ends: Iterable | None) -> pd.DataFrame:
    """Current practice rows of an indicator as a frame (one query; COPY on PostgreSQL for large reads)."""
    rows = Observation.objects.filter(indicator=indicator, area__level="practice", is_current=True)
    if period_ends is not None:
        rows = rows.filter(period_end__in=sorted(set(period_ends)))
    query = rows.values_list(*PRACTICE_ROW_FIELDS)
    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(list(query), columns=PRACTICE_ROW_FIELDS)
    sql, params = query.query.sql_with_params()
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY ({cursor.mogrify(sql, params).decode()}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    frame = pd.read_csv(buffer, names=PRACTICE_ROW_FIELDS, header=None)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").dt.date
    frame["suppressed"] = frame["suppressed"].map({"t": True, "f": False}).astype(bool)
    return frame


@transaction.atomic
def derive_rollups(
    *,
    indicator: Indicator,
    extract: Extract,
    period_ends: Iterable | None = None,
    on_warning: Callable[[Problem], None] | None = None,
) -> LoadResult:
    """Roll an additive indicator's practice rows up to PCN and borough (ratio of sums, membership in force).

    Only the periods in ``period_ends`` are recomputed when given (those an extract touched). Keys for which
    the source itself supplied a PCN or borough row are left to the source. On PostgreSQL the sums are one
    query (``rollup_sql``); elsewhere pandas sums the practice rows. Each derived row records its coverage of
    the members in force; one below ROLLUP_MIN_COVERAGE is held back (a suppressed row saying why) unless an
    analyst accepted it (``accept_coverage``). ``on_warning`` hears, per period, which members are missing
    and which values were held back.
    """
    if not indicator.is_additive:
        return LoadResult()
    # The indicator's load lock before the sums are read, not only before they are written: otherwise a roll-up
    # racing an extract's commit could compare stale sums with the extract's fresh derived rows and supersede them.
    lock_indicators([indicator.pk])
    sums = _group_sums(indicator, period_ends)
    if sums.empty:
        return LoadResult()
    derived = ratio_of_sums(
        sums,
        multiplier=indicator.multiplier,
        interval=interval_function(indicator.interval_method, indicator.multiplier),
    )
    derived = _with_coverage(indicator, derived, sums, on_warning)
    source_rows = Observation.objects.filter(
        indicator=indicator, is_current=True, is_derived=False, area_id__in=set(derived["area_id"].tolist())
    )
    if period_ends is not None:
        source_rows = source_rows.filter(period_end__in=sorted(set(period_ends)))
    supplied = list(source_rows.values_list(*DERIVED_KEY))
    if supplied:
        keys = pd.MultiIndex.from_frame(derived[DERIVED_KEY])
        derived = derived[~keys.isin(pd.MultiIndex.from_tuples(supplied, names=DERIVED_KEY))]
    rows = derived.assign(indicator_id=indicator.pk, is_derived=True, suppressed=derived["suppressed"].astype(bool))
    return load_observations(extract=extract, rows=rows)


def _with_coverage(
    indicator: Indicator,
    derived: pd.DataFrame,
    sums: pd.DataFrame,
    on_warning: Callable[[Problem], None] | None,
) -> pd.DataFrame:
    """``derived`` with its coverage columns; values below the threshold and not accepted held back."""
    period_ends = sorted(set(sums["period_end"]))
    memberships = pd.DataFrame.from_records(
        PracticeMembership.objects.values("practice_id", "pcn_id", "start", "end"),
        columns=["practice_id", "pcn_id", "start", "end"],
    )
    pcn_parent = dict(Area.objects.filter(level="pcn").values_list("pk", "parent_id"))
    members = coverage.members_by_group(memberships, pcn_parent, period_ends)
    practice_ids = set().union(*members.values()) if members else set()
    weights, basis = practice_weights(indicator, period_ends, practice_ids)
    codes = dict(Area.objects.filter(pk__in=practice_ids).values_list("pk", "code"))
    derived = derived.join(coverage.coverage(sums, members, weights, basis, codes))
    accepted = {
        (area_id, period_end): share
        for area_id, period_end, share in CoverageAcceptance.objects.filter(
            indicator=indicator, period_end__in=period_ends
        ).values_list("area_id", "period_end", "coverage_share")
    }
    threshold = float(getattr(settings, "ROLLUP_MIN_COVERAGE", 0.95))
    share = derived["coverage_share"].to_numpy(float)
    exempt = np.array(
        [
            (a, e) in accepted and s >= accepted[(a, e)] - 1e-9
            for a, e, s in zip(derived["area_id"], derived["period_end"], share, strict=True)
        ],
        dtype=bool,
    )
    held = (share < threshold) & ~exempt
    if held.any():
        derived.loc[held, ["numerator", "denominator", "value", "lower_ci", "upper_ci"]] = np.nan
        derived.loc[held, "suppressed"] = True
        derived.loc[held, "note"] = [
            (f"{coverage.HELD_BACK}{coverage.caveat(c, m, s, b)}, below {threshold:.0%}")[:255]
            for c, m, s, b in derived.loc[
                held, ["covered_practices", "member_practices", "coverage_share", "coverage_basis"]
            ].itertuples(index=False)
        ]
    if exempt.any():
        derived.loc[exempt & (share < 1), "note"] = (
            derived.loc[exempt & (share < 1), "note"] + "; partial coverage accepted by an analyst"
        )
    if on_warning is not None:
        for problem in _coverage_warnings(indicator, derived, held, codes):
            on_warning(problem)
    return derived


def _coverage_warnings(indicator: Indicator, derived: pd.DataFrame, held: np.ndarray, codes) -> list[Problem]:
    """Per period: the members missing (from the widest group's headline row), and what was held back."""
    problems = []
    partial = derived[derived["member_practices"] > derived["covered_practices"]]
    for period_end, rows in partial.groupby("period_end", sort=True):
        widest = rows.sort_values(["member_practices", "breakdown", "category"], ascending=[False, True, True]).iloc[0]
        missing = set().union(*(set(m.split(",")) for m in rows["missing_practices"] if m))
        widest_caveat = coverage.caveat(
            widest.covered_practices, widest.member_practices, widest.coverage_share, widest.coverage_basis
        )
        problems.append(
            Problem(
                None,
                None,
                "rollup_members_missing",
                f"{indicator.code}, period ending {period_end:%d %b %Y}: no rows from {len(missing)} member "
                f"practice{'s' if len(missing) != 1 else ''}: {coverage.shorten_codes(','.join(sorted(missing)))}. "
                f"The widest roll-up {widest_caveat[0].lower()}{widest_caveat[1:]}.",
                "warning",
            )
        )
    held_rows = derived[held & (derived["breakdown"] == "all").to_numpy() & (derived["category"] == "all").to_numpy()]
    if not held_rows.empty:
        names = dict(Area.objects.filter(pk__in=set(held_rows["area_id"])).values_list("pk", "code"))
        for period_end, rows in held_rows.groupby("period_end", sort=True):
            areas = ", ".join(sorted(names.get(a, str(a)) for a in rows["area_id"]))
            problems.append(
                Problem(
                    None,
                    None,
                    "rollup_held_back",
                    f"{indicator.code}, period ending {period_end:%d %b %Y}: not derived for {areas}: coverage "
                    "below the threshold. An analyst can accept it, with a reason, on this extract's page.",
                    "warning",
                )
            )
    return problems


@transaction.atomic
def accept_coverage(
    *, indicator: Indicator, area: Area, period_end: dt.date, reason: str, user: Any, extract: Extract
) -> CoverageAcceptance:
    """Accept a held-back PCN or borough value for one period, with the reason, and derive it now.

    The acceptance holds for the coverage it was given at (the current held-back row's share); the roll-up of
    the indicator for that period is re-run and the derived rows are written as part of ``extract``."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Give a reason for accepting a value below the coverage threshold.")
    held = (
        Observation.objects.filter(
            indicator=indicator,
            area=area,
            period_end=period_end,
            is_current=True,
            is_derived=True,
            note__startswith=coverage.HELD_BACK,
        )
        .order_by("breakdown", "category")
        .first()
    )
    if held is None:
        raise ValueError("Nothing is held back for coverage for that indicator, area and period.")
    acceptance, _ = CoverageAcceptance.objects.update_or_create(
        indicator=indicator,
        area=area,
        period_end=period_end,
        defaults={
            "coverage_share": held.coverage_share or 0.0,
            "covered_practices": held.covered_practices,
            "member_practices": held.member_practices,
            "reason": reason,
            "accepted_by": user,
        },
    )
    derive_rollups(indicator=indicator, extract=extract, period_ends=[period_end])
    # The pages' data version moves with the extract's completion time.
    Extract.objects.filter(pk=extract.pk).update(completed_at=timezone.now())
    transaction.on_commit(lambda: extract_loaded.send(sender=Extract, extract=extract))
    log.info("Coverage accepted for %s %s %s by %s", indicator.code, area.code, period_end, user)
    return acceptance


def _group_sums(indicator: Indicator, period_ends: Iterable | None, *, in_database: bool | None = None) -> pd.DataFrame:
    """Per PCN and borough and key: the members' sums and how many were incomplete (rollup.SUM_COLUMNS).

    ``in_database`` (default: on PostgreSQL) sums with one query; otherwise pandas sums the practice rows."""
    if connection.vendor == "postgresql" if in_database is None else in_database:
        return rollup_sql.group_sums(indicator.pk, period_ends)
    practice_rows = _current_practice_rows(indicator, period_ends)
    if practice_rows.empty:
        return pd.DataFrame(columns=rollup.SUM_COLUMNS)
    memberships = pd.DataFrame.from_records(
        PracticeMembership.objects.values("practice_id", "pcn_id", "start", "end"),
        columns=["practice_id", "pcn_id", "start", "end"],
    )
    pcn_parent = dict(Area.objects.filter(level="pcn").values_list("pk", "parent_id"))
    return rollup.group_sums(practice_rows, memberships, pcn_parent)
