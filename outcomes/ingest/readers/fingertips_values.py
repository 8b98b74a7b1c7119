"""The values of a Fingertips export, read one cell at a time: its periods ("2019/20", "Jan - Mar 2024", rolling
windows), its category types (IMD quintiles, ethnic groups) as our breakdowns, their categories read through the
shared table of spellings (``outcomes.ingest.labels``), and its counts checked against its values. Pure; the
reader (``fingertips``) applies them row by row. See docs/formats/fingertips.md.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

from ..labels import ethnic_group, imd_quintile

MONTHS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}


# ------------------------------------------------------------------------------------------------ periods


def _end_of_month(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _full_year(start_year: int, two_digits: str) -> int:
    year = start_year - start_year % 100 + int(two_digits)
    return year + 100 if year < start_year else year


def parse_period(text: str, sortable: str, span: str = "", year_type: str | None = None) -> tuple[dt.date, dt.date]:
    """(first day, last day) of a Fingertips time period; ValueError with a reason when it cannot be read.

    ``text`` is "Time period" ("2019", "2019/20", "2017 - 19", "2016/17 - 18/19", "2019/20 Q1", "Jan 2020");
    ``sortable`` is "Time period Sortable" (20190000: its first four digits are the first year of the period
    and must agree with the text); ``span`` is "Time period range" ("1y", "3y"), checked when present.
    """
    label = text.strip()
    academic = year_type == "academic" or "academic" in label.lower()
    label = re.sub(r"\(?\s*academic( year)?\s*\)?", "", label, flags=re.IGNORECASE).strip()
    years: int | None = None
    if m := re.fullmatch(r"(\d{4})", label):
        start, end = dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
        years = 1
    elif m := re.fullmatch(r"(\d{4})/(\d{2})", label):
        first = int(m[1])
        if _full_year(first, m[2]) != first + 1:
            raise ValueError(f"'{text}' is not a run of two consecutive years")
        start, end = (
            (dt.date(first, 9, 1), dt.date(first + 1, 8, 31))
            if academic
            else (dt.date(first, 4, 1), dt.date(first + 1, 3, 31))
        )
        years = 1
    elif m := re.fullmatch(r"(\d{4})\s*-\s*(\d{2}|\d{4})", label):
        first = int(m[1])
        last = int(m[2]) if len(m[2]) == 4 else _full_year(first, m[2])
        if last <= first:
            raise ValueError(f"'{text}' ends before it starts")
        start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
        years = last - first + 1
    elif m := re.fullmatch(r"(\d{4})/(\d{2})\s*-\s*(\d{2}|\d{4})/(\d{2})", label):
        first = int(m[1])
        last_start = int(m[3]) if len(m[3]) == 4 else _full_year(first, m[3])
        if (
            _full_year(first, m[2]) != first + 1
            or _full_year(last_start, m[4]) != last_start + 1
            or last_start <= first
        ):
            raise ValueError(f"'{text}' is not a run of whole years")
        start, end = (
            (dt.date(first, 9, 1), dt.date(last_start + 1, 8, 31))
            if academic
            else (dt.date(first, 4, 1), dt.date(last_start + 1, 3, 31))
        )
        years = last_start - first + 1
    elif m := re.fullmatch(r"(\d{4})/(\d{2})\s*Q([1-4])", label):
        first, quarter = int(m[1]), int(m[3])
        month = 4 + 3 * (quarter - 1)  # financial quarters: Q1 = April to June
        year = first + (month - 1) // 12
        month = (month - 1) % 12 + 1
        start, end = dt.date(year, month, 1), _end_of_month(year, month + 2)
    elif m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\s+(\d{4})", label):
        month = MONTHS.get(m[1].lower())
        if month is None:
            raise ValueError(f"'{text}' is not a month")
        start, end = dt.date(int(m[2]), month, 1), _end_of_month(int(m[2]), month)
    else:
        raise ValueError(f"the time period '{text}' is not a form this reader knows")
    sortable = sortable.strip()
    if not re.fullmatch(r"\d{8}", sortable):
        raise ValueError(f"'Time period Sortable' should be eight digits (e.g. 20190000), not '{sortable[:20]}'")
    label_year = int(re.match(r"\D*(\d{4})", label)[1])  # the year the label starts with (a FY for quarters)
    if int(sortable[:4]) != label_year:
        raise ValueError(f"'Time period Sortable' {sortable} does not start in the same year as '{text}'")
    m = re.fullmatch(r"(\d+)\s*y(ears?)?", span.strip().lower()) if span and years is not None else None
    if m and int(m[1]) != years:
        raise ValueError(f"'Time period range' says {span.strip()} but '{text}' spans {years} year(s)")
    return start, end


# ------------------------------------------------------------------------------------------------ categories


def breakdown_of(category_type: str, category: str) -> tuple[str, str] | str:
    """(breakdown, category) in our terms, or the reason the category row is skipped."""
    kind = category_type.lower()
    if "deprivation" in kind:
        if "decile" in kind:
            return "IMD deciles (we hold quintiles; deciles are not combined)"
        if "quintile" not in kind:
            return "a deprivation grouping other than quintiles"
        if "in england" not in kind:
            return "local deprivation quintiles (ours are national IMD quintiles)"
        quintile = imd_quintile(category)
        return ("imd_quintile", quintile) if quintile else f"an unrecognised quintile '{category[:40]}'"
    if "ethnic" in kind:
        found = ethnic_group(category, detailed=False)  # a detailed group's value is its own, not its group's
        return ("ethnicity", found[0]) if found else f"an ethnic group we do not hold ('{category[:40]}')"
    return "a category type we do not map"


# ------------------------------------------------------------------------------------------------ numbers


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)\s*$", text.strip())
    return min(len(m[1]), 6) if m else 0


def counts_consistent(value: str, count: str, denominator: str, multiplier: float) -> bool:
    """Whether value == count / denominator x multiplier to the value's own precision (validate's rule)."""
    v, n, d = _number(value), _number(count), _number(denominator)
    if v is None or n is None or d is None or d <= 0 or n < 0:
        return False
    computed = n / d * multiplier
    tolerance = max(0.5 * 10.0 ** (-_decimals(value)) * 1.0001, 1e-9 * abs(computed))
    return abs(v - computed) <= tolerance


def _clean_count(text: str) -> str:
    """A count or denominator as the export wrote it, exactly: whole numbers without '.0', others untouched
    (Fingertips publishes denominators such as 46608551.5; rounding them would break value = count/denominator)."""
    v = _number(text)
    if v is None:
        return ""
    return f"{int(v)}" if v.is_integer() and abs(v) < 1e15 else text.strip().replace(",", "")


# ------------------------------------------------------------------------------------------------ reader
