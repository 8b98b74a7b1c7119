"""Vectorised parsing of cell text: numbers, suppression markers, dates, and formula-like text.

Each parser returns the parsed values plus a per-row reason code (empty string when the cell is fine), so a
validator can turn every bad cell into a Problem with its line and column in one pass.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

#: Markers that mean "suppressed for disclosure control": stored as suppressed, never as zero.
SUPPRESSION_MARKERS = frozenset({"*", "[c]", "[x]", "..", "[low]", "suppressed"})
MAX_MAGNITUDE = 1e15

# ASCII digits only ([0-9], never \d): Python's \d also matches Arabic-Indic and fullwidth digits, which
# pandas then read as blank (a number silently lost) or float() as a number no one typed in that script.
_THOUSANDS = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
_DECIMAL_COMMA = r"^[+-]?[0-9]+,([0-9]{1,2}|[0-9]{4,})$"
_PLAIN = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_FORMULA = r"^\s*[=+\-@]|^[\t\r]"  # also after leading spaces: a spreadsheet skips them
#: A cell of dashes alone ("-", a common mark for "none" in published tables) runs as nothing in a spreadsheet.
_DASHES = frozenset({"-", "--", "---"})
_MARKUP = r"</?[A-Za-z!?]"  # an HTML/XML tag, comment or declaration, as a browser sees one ("<5", "a < b" are not)


_FACTORIZED: ContextVar[dict | None] = ContextVar("factorized", default=None)


@contextmanager
def columns_factorized_once():
    """Within this block, each column's distinct values are found once however many parsers read it.

    Validation runs a dozen parsers over the same few columns; each would otherwise factorise a million
    strings again. A column is recognised by its array's memory (the entry keeps the array alive, so the
    address cannot be reused while the block lasts); the cache goes when the block ends."""
    token = _FACTORIZED.set({})
    try:
        yield
    finally:
        _FACTORIZED.reset(token)


def _factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cache = _FACTORIZED.get()
    values = series.to_numpy(copy=False)
    key = None
    if cache is not None and isinstance(values, np.ndarray) and values.dtype == object:
        key = (values.__array_interface__["data"][0], values.shape, values.strides)
        if key in cache:
            return cache[key][1], cache[key][2]
    codes, uniques = pd.factorize(series.astype(str), sort=False)
    if key is not None:
        cache[key] = (values, codes, uniques)
    return codes, uniques


def distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(per-row codes, distinct values as text) of a column, shared with the parsers inside
    ``columns_factorized_once``."""
    return _factorize(series)


def on_distinct(function):
    """Run a per-cell parser on the distinct values only and spread the results back over the rows.

    Extract columns repeat heavily (codes, dates, small counts), so this turns a million string operations
    into a few thousand; results are identical to running on every row.
    """

    def wrapper(series: pd.Series, *args):
        codes, uniques = _factorize(series)
        results = function(pd.Series(uniques, dtype=object), *args)

        def spread(result: pd.Series) -> pd.Series:
            if isinstance(result.dtype, pd.CategoricalDtype):  # labels: spread their codes, not a million strings
                labels = pd.Categorical.from_codes(result.cat.codes.to_numpy()[codes], dtype=result.dtype)
                return pd.Series(labels, index=series.index)
            return pd.Series(result.to_numpy()[codes], index=series.index, dtype=result.dtype)

        if isinstance(results, tuple):
            return tuple(spread(r) for r in results)
        return spread(results)

    wrapper.__doc__ = function.__doc__
    wrapper.__name__ = function.__name__
    return wrapper


def strip(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip()


@on_distinct
def is_blank(series: pd.Series) -> pd.Series:
    """Empty or only spaces."""
    return strip(series) == ""


@on_distinct
def is_formula(series: pd.Series) -> pd.Series:
    """Text a spreadsheet would run as a formula (=, +, -, @ first, or after spaces; a tab or carriage return
    first) that is not simply a signed number."""
    text = series.astype(str)
    return text.str.match(_FORMULA) & ~text.str.strip().str.match(_PLAIN) & ~text.str.strip().isin(_DASHES)


@on_distinct
def is_markup(series: pd.Series) -> pd.Series:
    """Text holding an HTML/XML tag: free text and names are shown on pages, in board packs and in exports."""
    return series.astype(str).str.contains(_MARKUP, regex=True)


#: Invisible characters that have no place in a note or a name: C0 controls but tab and line breaks, DEL, C1
#: controls, and the bidirectional overrides that can make text display other than it reads.
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


@on_distinct
def has_control_character(series: pd.Series) -> pd.Series:
    """Text holding an invisible control or direction-override character (pasted from another system)."""
    return series.astype(str).str.contains(_CONTROL, regex=True)


@on_distinct
def text_length(series: pd.Series) -> pd.Series:
    """Characters in each cell as written (surrounding spaces excluded)."""
    return series.astype(str).str.strip().str.len()


@on_distinct
def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, suppressed, reason). Blank -> NaN; markers -> suppressed; thousands separators, a trailing %,
    and decimal commas are understood; anything else is reason ``not_a_number``; |x| >= 1e15 is ``overflow``.
    ``reason`` is ``decimal_comma``/``percent_sign`` (warnings) or an error code."""
    text = strip(series)
    lower = text.str.lower()
    suppressed = lower.isin(SUPPRESSION_MARKERS)
    percent = text.str.endswith("%")
    body = text.where(~percent, text.str[:-1].str.strip())
    thousands = body.str.match(_THOUSANDS)
    decimal_comma = body.str.match(_DECIMAL_COMMA)
    cleaned = body.where(~thousands, body.str.replace(",", "", regex=False))
    cleaned = cleaned.where(~decimal_comma, cleaned.str.replace(",", ".", regex=False))
    blank = text == ""
    numeric = cleaned.str.match(_PLAIN)
    values = pd.to_numeric(cleaned.where(numeric & ~blank & ~suppressed), errors="coerce")
    reason = pd.Series("", index=series.index, dtype=object)
    reason[~blank & ~suppressed & ~numeric] = "not_a_number"
    # pandas reads "1e400" as NaN, not infinity: a number written in full that gives no value is out of range too
    unread = numeric & ~blank & ~suppressed & values.isna()
    overflow = (numeric & ~np.isfinite(values.fillna(0))) | (values.abs() >= MAX_MAGNITUDE) | unread
    reason[overflow] = "overflow"
    values[overflow] = np.nan
    reason[(reason == "") & decimal_comma & numeric] = "decimal_comma"
    reason[(reason == "") & percent & numeric] = "percent_sign"
    return values.astype(float), suppressed, reason.astype("category")  # a few labels: compared as codes


ISO = r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}$"  # year first: 2019-04-01, 2019/04/01, 2019-4-1
#: A time of midnight after a date, as pandas, SQL Server and Excel write a date held as a date-time
#: ("2019-04-01 00:00:00", "2019-04-01 00:00:00.000", "01/04/2019 00:00", "2019-04-01T00:00:00Z"): the date is read.
MIDNIGHT = r"[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$"
#: ... and any other time of day, which a period's first or last day does not have.
TIME_OF_DAY = r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?$"
UK = r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}$"
TWO_DIGIT_YEAR = r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}$"
NAMED_MONTH = r"^[0-9]{1,2}[ -][A-Za-z]{3,9}[ -][0-9]{4}$"


@on_distinct
def date_formats(series: pd.Series) -> pd.Series:
    """The format family of each cell: iso, uk, named, two_digit_year, blank or unknown."""
    text = strip(series).str.replace(MIDNIGHT, "", regex=True)
    out = pd.Series("unknown", index=series.index, dtype=object)
    out[text == ""] = "blank"
    out[text.str.match(ISO)] = "iso"
    out[text.str.match(UK)] = "uk"
    out[text.str.match(NAMED_MONTH)] = "named"
    out[text.str.match(TWO_DIGIT_YEAR)] = "two_digit_year"
    timed = (out == "unknown") & text.str.contains(TIME_OF_DAY, regex=True)
    dated = text[timed].str.replace(TIME_OF_DAY, "", regex=True)
    out[timed & dated.reindex(text.index, fill_value="").str.match(f"{ISO}|{UK}|{NAMED_MONTH}")] = "time_of_day"
    return out.astype("category")


def parse_dates(series: pd.Series, formats: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """(dates as datetime64, reason). UK dates are day-first; a UK-style date whose second part is over 12 is
    reason ``month_first`` (it reads as a US date); impossible dates are ``bad_date``."""
    return _parse_dates(series)


@on_distinct
def _parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    formats = date_formats(series)
    text = strip(series).str.replace(MIDNIGHT, "", regex=True)
    parsed = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    reason = pd.Series("", index=series.index, dtype=object)
    iso = formats == "iso"
    parsed[iso] = pd.to_datetime(text[iso].str.replace("/", "-", regex=False), format="%Y-%m-%d", errors="coerce")
    uk = formats == "uk"
    if uk.any():
        parts = text[uk].str.split(r"[/.-]", expand=True, regex=True).astype(int)
        month_first = (parts[1] > 12) & (parts[0] <= 12)
        reason[month_first[month_first].index] = "month_first"
        normal = text[uk].str.replace(r"[.-]", "/", regex=True)
        parsed[uk] = pd.to_datetime(normal, format="%d/%m/%Y", errors="coerce")
    named = formats == "named"
    if named.any():
        normal = text[named].str.replace("-", " ", regex=False)
        first = pd.to_datetime(normal, format="%d %b %Y", errors="coerce")
        second = pd.to_datetime(normal, format="%d %B %Y", errors="coerce")
        parsed[named] = first.fillna(second)
    reason[formats == "two_digit_year"] = "two_digit_year"
    reason[formats == "time_of_day"] = "time_of_day"
    reason[formats == "unknown"] = "bad_date"
    reason[(formats.isin(["iso", "uk", "named"])) & parsed.isna() & (reason == "")] = "bad_date"
    return parsed, reason.astype("category")


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (dates as ISO, whole floats without .0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
