"""NHS England (formerly NHS Digital) "Patients Registered at a GP Practice" -> REF_REGISTERED_PATIENTS.

The monthly list sizes that are the denominators of most practice rates, read from the files as downloaded:

- ``gp-reg-pat-prac-all.csv`` (totals: one row per practice, ``SEX`` and ``AGE`` both ``ALL``);
- ``gp-reg-pat-prac-sing-age-female.csv`` / ``-male.csv`` (single years of age ``0`` ... ``95+``, and ``ALL``);
- ``gp-reg-pat-prac-quin-age.csv`` (five-year bands ``0_4`` ... ``95+`` in ``AGE_GROUP_5``, by sex);
- the CCG-era (``CCG_CODE``) and Sub-ICB-era (``SUB_ICB_LOCATION_CODE``) headers alike, and the older wide
  layout with ``TOTAL_ALL`` / ``TOTAL_MALE`` / ``TOTAL_FEMALE`` columns.

Each practice of ours gives the persons total (breakdown ``all``), the totals by sex, and by our age bands
(0-4, 5-17, 18-44, 45-64, 65-74, 75+) where the file's ages fit them exactly (single years do; five-year bands
do not, as 15-19 straddles 17/18, so a quinary file gives no age breakdown, with one warning); a practice's ages
must add up to its total for each sex (or, with no total, cover 0 to 95+), so a missing age never leaves a band
short. The period is the month before ``EXTRACT_DATE`` (the list as at 1 January is the list at the end of
December), with the date in the note; an extract date that is not the 1st of a month is refused (a retyped or
month-first date). See docs/formats/registrations.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict

import pandas as pd

from ...problems import Problem
from ...vocabulary import AGE_BAND_YEARS
from ..headers import find_roles, normalise
from ..labels import sex_code
from ..parsed import LINE, Table
from . import practice_codes
from .base import CANONICAL, Reader, ReaderOutput, register

INDICATOR = "REF_REGISTERED_PATIENTS"
ROLES = {
    "practice": ("code", "org_code", "practice_code", "gp_practice_code"),
    "extract_date": ("extract_date",),
    "type": ("type", "org_type"),
    "sex": ("sex",),
    "age": ("age", "age_group_5", "age_group"),
    "count": ("number_of_patients",),
    "total_all": ("total_all",),
    "total_male": ("total_male",),
    "total_female": ("total_female",),
    "postcode": ("postcode",),
}
#: TYPE / ORG_TYPE labels of rows that are not practices (national, region, ICB, sub-ICB, CCG, STP and PCN totals).
NON_PRACTICE = r"PCN|CCG|ICB|STP|REGION|NATIONAL|ENGLAND|COUNTRY"
#: Said when every row is another organisation's: the publication's summary file, not its practice file.
NO_PRACTICE_ROWS = (
    " The file holds no practice rows: load the practice file of the same publication instead (for ages, "
    "gp-reg-pat-prac-sing-age-male.csv and -female.csv or gp-reg-pat-prac-quin-age.csv, not the -regions file)."
)
MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}


def _roles(header: list[str]) -> dict[str, str]:
    return find_roles(header, ROLES)


def parse_extract_date(text: str) -> dt.date:
    """``01JAN2021`` (as published), ``01-JAN-2021``, ``2021-01-01`` or ``01/01/2021``; ValueError otherwise."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{1,2})[-\s]?([A-Za-z]{3})[A-Za-z]*[-\s]?(\d{4})", text):
        month = MONTHS.get(m[2].upper())
        if month is None:
            raise ValueError(text)
        return dt.date(int(m[3]), month, int(m[1]))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*| .*)?", text):
        return dt.date.fromisoformat(text[:10])
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    raise ValueError(text)


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def not_first_of_month(text: str, extracted: dt.date, others: int = 0) -> str | None:
    """Why an extract date that is not the 1st is refused, else None. NHS Digital extracts the lists as at the 1st
    of each month (every file seen: 01JAN2021, 2026-04-01, 01Aug2026); any other day is a date retyped or
    re-saved, most often month first (04/01/2026 for 1 April), which would load the wrong month."""
    if extracted.day == 1:
        return None
    text = text.strip()
    where = f" (here and on {others:,} more {'line' if others == 1 else 'lines'})" if others else ""
    said = f"NHS Digital's extract date is the first of a month (the list as at the 1st); '{text}'{where} is "
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text) and extracted.month == 1 and extracted.day <= 12:
        meant = dt.date(extracted.year, extracted.day, 1)
        return (
            f"{said}{_day(extracted)}, read day first. If it is {_day(meant)} written month first, write it as "
            f"{meant:%d/%m/%Y} or {meant.isoformat()}."
        )
    first = extracted.replace(day=1)
    return (
        f"{said}{_day(extracted)}. Load the file as published, dated the 1st ({first.isoformat()} or "
        f"{first:%d/%m/%Y} for the list as at {_day(first)})."
    )


def period_of(extracted: dt.date) -> tuple[dt.date, dt.date]:
    """The month a list extracted on ``extracted`` closes: the last whole month before it (01JAN2021 -> December
    2020). The list as at the 1st is the list at the end of the month before, and that month is over when the
    file is published, so the current month's file is never refused as a period in the future."""
    end = extracted.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def age_span(text: str) -> tuple[int, int] | None:
    """``ALL`` -> None; ``37`` -> (37, 37); ``15_19`` / ``15-19`` -> (15, 19); ``95+`` -> (95, 999)."""
    label = text.strip().upper().replace(" ", "")
    if m := re.fullmatch(r"(\d{1,3})", label):
        return int(m[1]), int(m[1])
    if m := re.fullmatch(r"(\d{1,3})[_\-](\d{1,3})", label):
        return int(m[1]), int(m[2])
    if m := re.fullmatch(r"(\d{1,3})(\+|_?PLUS|ANDOVER|_AND_OVER)", label):
        return int(m[1]), 999
    raise ValueError(text)


def band_of(span: tuple[int, int]) -> str | None:
    return next((band for band, (lo, hi) in AGE_BAND_YEARS.items() if lo <= span[0] and span[1] <= hi), None)


def _first_year(label: str) -> int:
    return int(re.match(r"\d+", label)[0])


def _label(lo: int, hi: int) -> str:
    return f"{lo}+" if hi >= 999 else str(lo) if lo == hi else f"{lo}-{hi}"


def _listed(labels: list[str]) -> str:
    return ", ".join(labels[:5]) + (" ..." if len(labels) > 5 else "")


def missing_ages(spans: list[tuple[int, int]]) -> list[str]:
    """The ages from 0 to the open-ended last group (95+) that no span covers, as labels (``30``, ``20-24``)."""
    missing, expected = [], 0
    for lo, hi in sorted(spans):
        if lo > expected:
            missing.append(_label(expected, lo - 1))
        expected = max(expected, hi + 1)
    if expected < 1000:
        missing.append(_label(expected, 999))
    return missing


def unaccounted_ages(
    code: str, found: dict[tuple[str, tuple[int, int] | None], tuple[int, int]], columns: dict[str, str]
) -> list[Problem]:
    """Why a practice's ages cannot be banded: per sex, the ages must add up to the file's total (``AGE=ALL``), or,
    with no total, cover every age from 0 to 95+. A missing age would otherwise make its band silently short."""
    problems = []
    for sex in sorted({sex for sex, span in found if span is not None}):
        ages = {span: found[(sex, span)] for s, span in found if s == sex and span is not None}
        who = f"{code}, {'all persons' if sex == 'all' else sex}"
        if (sex, None) in found:
            total, line = found[(sex, None)]
            added = sum(number for number, _ in ages.values())
            if added != total:
                gap = f" (no row for age {_listed(missing)})" if (missing := missing_ages(list(ages))) else ""
                problems.append(
                    Problem(
                        line,
                        columns["count"],
                        "ages_do_not_add_up",
                        f"{who}: the ages add up to {added:,} patients but the total (AGE ALL) is {total:,}{gap}: an "
                        "age is missing or counted twice, so the age bands would be wrong.",
                    )
                )
        elif missing := missing_ages(list(ages)):
            problems.append(
                Problem(
                    min(line for _, line in ages.values()),
                    columns["age"],
                    "ages_missing",
                    f"{who}: no row for age {_listed(missing)} and no total (AGE ALL) to check against: every "
                    "age from 0 to 95+ must be given, or the age bands would be short.",
                )
            )
    return problems


def _count(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if re.fullmatch(r"\d+", text) else None


@register
class RegistrationsReader(Reader):
    name = "gp_registrations"
    label = "Patients Registered at a GP Practice (NHS England, monthly)"
    expected = {
        "practice": ROLES["practice"],
        "extract_date": ROLES["extract_date"],
        "count": ROLES["count"] + ROLES["total_all"],
    }

    def matches(self, table: Table) -> bool:
        roles = _roles(table.header)
        return {"practice", "extract_date"} <= set(roles) and ("count" in roles or "total_all" in roles)

    def _postcode(self, table: Table) -> frozenset[str]:
        """The POSTCODE column, when it can only be the practices' own: one postcode per practice code. Home
        postcodes (one per patient) would differ between a practice's rows, and then nothing is exempt."""
        if not self.matches(table):
            return frozenset()
        headers = frozenset(h for h in table.header if normalise(h) == "postcode")
        practice = _roles(table.header)["practice"]
        if not headers or practice not in table.frame.columns:
            return frozenset()
        columns = [c for c in table.frame.columns if c.split("\u0000")[0] in headers]
        # One postcode however it is spaced or cased ("HA9 9HA", "HA99HA", "ha9 9ha" are the practice's one)
        spelt = table.frame[columns].apply(
            lambda column: column.astype(str).str.replace(r"\s+", "", regex=True).str.upper()
        )
        spelt[practice] = table.frame[practice]
        per_practice = spelt.groupby(practice, sort=False)[columns].nunique(dropna=False)
        return headers if per_practice.le(1).all().all() else frozenset()

    def pii_exempt_columns(self, table: Table) -> frozenset[str]:
        """The practice's own postcode (its address, as the file publishes it), on every row of the practice:
        exempt only when each practice has one postcode (see ``_postcode``)."""
        headers = self._postcode(table)
        return frozenset(c for c in table.frame.columns if c.split("\u0000")[0] in headers)

    def pii_exempt_headers(self, table: Table) -> frozenset[str]:
        return self._postcode(table)

    def read(self, table: Table) -> ReaderOutput:
        return convert(table, practice_codes.our_practices())


def _empty(columns: dict[str, str], problems: list[Problem]) -> ReaderOutput:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [LINE, *CANONICAL]})
    return ReaderOutput(frame=frame, columns=columns, problems=problems)


def convert(table: Table, practices: set[str]) -> ReaderOutput:
    """Canonical rows of REF_REGISTERED_PATIENTS for ``practices``; pure (no database)."""
    roles = _roles(table.header)
    columns = {
        "indicator_code": f"({INDICATOR})",
        "org_code": roles.get("practice", "CODE"),
        "period_start": roles.get("extract_date", "EXTRACT_DATE"),
        "period_end": roles.get("extract_date", "EXTRACT_DATE"),
        "breakdown": " / ".join(roles[r] for r in ("sex", "age") if r in roles) or "(totals)",
        "category": " / ".join(roles[r] for r in ("sex", "age") if r in roles) or "(totals)",
        "value": roles.get("count", roles.get("total_all", "NUMBER_OF_PATIENTS")),
    }
    missing = [r for r in ("practice", "extract_date") if r not in roles]
    if "count" not in roles and "total_all" not in roles:
        missing.append("count")
    if "count" in roles and "sex" not in roles:
        missing.append("sex")
    if missing:
        return _empty(
            columns,
            [
                Problem(1, ROLES[r][0].upper(), "missing_column", f"The column '{ROLES[r][0].upper()}' is missing.")
                for r in missing
            ],
        )
    raw = table.frame
    cell = {role: raw[name].astype(str) for role, name in roles.items()}
    problems: list[Problem] = []
    keep = pd.Series(True, index=raw.index)
    if "type" in roles:
        kind = cell["type"].str.strip().str.upper()
        # Rows labelled as another kind of organisation (PCN codes look like practice codes: U84846) are skipped;
        # GP rows, and rows under a label not seen before, are read (only our practices' codes are kept anyway).
        other = kind.str.contains(NON_PRACTICE) & ~kind.isin({"GP", "GP_PRACTICE", "PRACTICE"})
        if other.any():
            problems.append(
                Problem(
                    None,
                    roles["type"],
                    "other_organisations",
                    f"{int(other.sum()):,} rows for organisations other than practices "
                    f"({', '.join(sorted(kind[other].unique())[:5])}) were skipped: PCN and borough totals are "
                    "rolled up from the practices." + (NO_PRACTICE_ROWS if other.all() else ""),
                    "warning",
                )
            )
        keep &= ~other
    ours, selected = practice_codes.select(cell["practice"][keep], raw[LINE][keep], practices, roles["practice"])
    problems += selected
    index = ours[ours].index

    # (practice, period) -> {(sex, age span or None): (count, line)}
    counts: dict[tuple[str, dt.date], dict[tuple[str, tuple | None], tuple[int, int]]] = defaultdict(dict)
    not_first: dict[str, list[int]] = {}  # an extract date that is not the 1st -> the lines giving it
    for i in index:
        line = int(raw.at[i, LINE])
        try:
            extracted = parse_extract_date(cell["extract_date"][i])
        except ValueError:
            problems.append(
                Problem(line, roles["extract_date"], "bad_date", "This is not an extract date (e.g. 01JAN2021).")
            )
            continue
        if extracted.day != 1:
            not_first.setdefault(cell["extract_date"][i].strip(), []).append(line)
            continue
        key = (cell["practice"][i], extracted)
        if "count" in roles:
            sex = sex_code(cell["sex"][i])
            if sex is None:
                problems.append(Problem(line, roles["sex"], "bad_category", "The sex should be ALL, MALE or FEMALE."))
                continue
            span = None
            if "age" in roles and cell["age"][i].strip().upper() not in ("ALL", ""):
                try:
                    span = age_span(cell["age"][i])
                except ValueError:
                    problems.append(Problem(line, roles["age"], "bad_category", "This is not an age or age band."))
                    continue
            number = _count(cell["count"][i])
            if number is None:
                problems.append(Problem(line, roles["count"], "not_a_number", "This is not a count of patients."))
                continue
            if (sex, span) in counts[key]:
                first = counts[key][(sex, span)][1]
                problems.append(
                    Problem(
                        line,
                        roles["practice"],
                        "duplicate_row",
                        f"The same practice, month, sex and age as line {first}.",
                    )
                )
                continue
            counts[key][(sex, span)] = (number, line)
        else:  # the older wide layout: TOTAL_ALL, TOTAL_MALE, TOTAL_FEMALE
            for role, sex in (("total_all", "all"), ("total_male", "male"), ("total_female", "female")):
                if role in roles:
                    number = _count(cell[role][i])
                    if number is None:
                        problems.append(Problem(line, roles[role], "not_a_number", "This is not a count of patients."))
                        continue
                    counts[key][(sex, None)] = (number, line)

    for text, lines in not_first.items():
        reason = not_first_of_month(text, parse_extract_date(text), len(lines) - 1)
        problems.append(Problem(lines[0], roles["extract_date"], "extract_date_not_first", reason))

    rows: list[dict[str, object]] = []
    unbanded: set[str] = set()
    for (code, extracted), found in counts.items():
        start, end = period_of(extracted)
        note = f"Registered at {extracted.day} {extracted:%B %Y} (EXTRACT_DATE)"
        line = min(line for _, line in found.values())
        if unaccounted := unaccounted_ages(code, found, roles):
            problems += unaccounted
            continue

        cells: list[tuple[str, str, int]] = []

        by_sex: dict[str, int] = {}
        ages: dict[str, dict[tuple, int]] = defaultdict(dict)
        for (sex, span), (number, _) in found.items():
            if span is None:
                by_sex[sex] = number
            else:
                ages[sex][span] = number
        for sex, spans in ages.items():
            by_sex.setdefault(sex, sum(spans.values()))
        if "all" not in by_sex and {"male", "female"} <= set(by_sex):
            by_sex["all"] = by_sex["male"] + by_sex["female"]
        if "all" in by_sex:
            cells.append(("all", "all", by_sex["all"]))
        for sex in ("female", "male"):
            if sex in by_sex:
                cells.append(("sex", sex, by_sex[sex]))
        # Age bands of persons: from SEX=ALL ages, else male + female ages over the same spans.
        persons = ages.get("all")
        if persons is None and ages.get("male") and set(ages.get("male", {})) == set(ages.get("female", {})):
            persons = {s: ages["male"][s] + ages["female"][s] for s in ages["male"]}
        if persons:
            bands: dict[str, int] = defaultdict(int)
            misfit = [s for s in persons if band_of(s) is None]
            if misfit:
                unbanded.update(f"{lo}-{hi}" if hi < 999 else f"{lo}+" for lo, hi in misfit)
            else:
                for span, number in persons.items():
                    bands[band_of(span)] += number
                for band in AGE_BAND_YEARS:
                    if band in bands:
                        cells.append(("age", band, bands[band]))
        rows += [
            {
                LINE: line,
                "indicator_code": INDICATOR,
                "org_code": code,
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "breakdown": breakdown,
                "category": category,
                "numerator": "",
                "denominator": "",
                "value": str(number),
                "lower_ci": "",
                "upper_ci": "",
                "note": note,
            }
            for breakdown, category, number in cells
        ]
    if unbanded:
        problems.append(
            Problem(
                None,
                roles.get("age"),
                "age_bands_not_ours",
                f"The file's age groups ({', '.join(sorted(unbanded, key=_first_year)[:4])}) "
                f"do not fit our age bands ({', '.join(AGE_BAND_YEARS)}), so no age breakdown was loaded; "
                "the single-year-of-age files give one.",
                "warning",
            )
        )
    if not rows:
        return _empty(columns, problems)
    return ReaderOutput(frame=pd.DataFrame(rows, columns=[LINE, *CANONICAL]), columns=columns, problems=problems)
