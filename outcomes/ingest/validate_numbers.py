"""The number columns of an observation extract: parsed (suppression markers kept apart from zero), then the
counts, the value's arithmetic against them and the confidence interval checked, row by row.

Part of ``validate``; ``of_indicator(name)`` gives each row's indicator's attribute (unit, multiplier), missing
for rows whose indicator is unknown, so those rows are judged on their numbers alone.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..problems import Problem
from .cells import is_blank, on_distinct, parse_numbers
from .parsed import LINE
from .readers.base import NUMBER_COLUMNS
from .rowchecks import Rows, column_name


def check_numbers(rows: Rows, of_indicator: Callable[[str], pd.Series]) -> tuple[dict[str, pd.Series], pd.Series]:
    """The number columns parsed, then the counts, the value's arithmetic and its interval checked. Returns
    the parsed numbers (the value computed where the file gave none) and which rows are suppressed."""
    numbers, suppressed = _parse_number_columns(rows)
    _check_counts(rows, of_indicator, numbers)
    numbers["value"] = _check_value(rows, of_indicator, numbers)
    _check_interval(rows, numbers)
    return numbers, suppressed


def _parse_number_columns(rows: Rows) -> tuple[dict[str, pd.Series], pd.Series]:
    """Each number column parsed (suppression markers as suppressed, never zero); a row is suppressed when its
    numerator or value is, or when both are left blank on purpose."""
    f = rows.frame
    numbers, suppressed_any = {}, pd.Series(False, index=f.index)
    reasons: dict[str, pd.Series] = {}
    for canonical in NUMBER_COLUMNS:
        values, suppressed, reason = parse_numbers(f[canonical])
        numbers[canonical] = values
        reasons[canonical] = reason
        if canonical in ("numerator", "value"):
            suppressed_any |= suppressed
        rows.add(
            reason == "not_a_number",
            canonical,
            "not_a_number",
            lambda i, canonical=canonical: (
                "This is not a number. A dash is not read as a value: leave the cell blank for none, or write * or "
                "[c] for a count suppressed at source."
                if str(f.at[i, canonical]).strip() in ("-", "--", "---")
                else "This is not a number."
            ),
        )
        rows.add(reason == "overflow", canonical, "overflow", "This number is too large to be a real value.")
        rows.add(
            reason == "decimal_comma", canonical, "decimal_comma", "Read a decimal comma as a decimal point.", "warning"
        )
    _check_dots_beside_decimal_commas(rows, reasons)
    blank_value = numbers["numerator"].isna() & numbers["value"].isna() & ~suppressed_any
    explicit_blank = is_blank(f["numerator"]) & is_blank(f["value"])
    return numbers, suppressed_any | (blank_value & explicit_blank)


#: The largest count believable: ten billion, more than the world's people and more than a decade of England's
#: prescription items. Person-years pooled over five years for England are about 0.3 billion, so no real count
#: comes near; a count beyond it is a typing or column error (99,999,999,999 registered patients).
MAX_COUNT = 1e10

#: What an indicator's unit measures, in a message.
UNIT_NAMES = {"rate": "a rate", "count": "a count", "years": "years", "score": "a score"}
#: "1.520" or "12.345.678": a number whose dots could be thousands separators (as in a file of decimal commas);
#: "80,125" or "1,250": one whose commas could be decimal commas (as elsewhere in that file).
_DOTTED_THOUSANDS = r"^\s*[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+\s*$"  # a leading 0 ("0,125") is no thousand
_COMMA_THOUSANDS = r"^\s*[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+\s*$"


def _check_dots_beside_decimal_commas(rows: Rows, reasons: dict[str, pd.Series]) -> None:
    """In a file that writes decimals with a comma ("69,1"), a dot is a thousands separator as often as not
    ("1.520" = 1520, where it would load as 1.52: a count a thousand times too small), and a comma before three
    digits may be a decimal comma as much as a thousands separator ("80,125" years, read as 80125). Such a number
    is refused as ambiguous rather than guessed."""
    commas = [canonical for canonical, reason in reasons.items() if (reason == "decimal_comma").any()]
    if not commas:
        return
    f = rows.frame
    first = int(f.loc[(reasons[commas[0]] == "decimal_comma").idxmax(), LINE])
    for canonical in reasons:
        rows.add(
            f[canonical].astype(str).str.match(f"{_DOTTED_THOUSANDS}|{_COMMA_THOUSANDS}"),
            canonical,
            "ambiguous_number",
            lambda i, canonical=canonical: (
                f"This file writes decimals with a comma (line {first}), so '{str(f.at[i, canonical]).strip()}' "
                "could be a number with a thousands separator or a decimal point. Write numbers without thousands "
                "separators."
            ),
        )


def _check_counts(rows: Rows, of_indicator: Callable[[str], pd.Series], numbers: dict[str, pd.Series]) -> None:
    """Counts are not negative, a denominator is not zero, a numerator has its denominator (or a value), and a
    proportion's numerator does not exceed its denominator."""
    num, den, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    rows.add(num < 0, "numerator", "negative_count", "A count cannot be negative.")
    for canonical in ("numerator", "denominator"):
        rows.add(
            numbers[canonical].notna() & _percent_signed(rows.frame[canonical]),
            canonical,
            "percent_sign",
            "A count is a number of people or events, not a percentage. Write the count alone.",
        )
    rows.add(den < 0, "denominator", "negative_count", "A count cannot be negative.")
    for canonical in ("numerator", "denominator"):
        rows.add(
            numbers[canonical] > MAX_COUNT,
            canonical,
            "implausible_count",
            f"This count is more than {MAX_COUNT:,.0f}: more people or events than there are. Check the column "
            "and the number.",
        )
    rows.add(
        (den == 0) & num.notna(),
        "denominator",
        "zero_denominator",
        "The denominator is zero, so no value can be computed.",
    )
    # A numerator needs its denominator to be checked, given an interval and summed up the hierarchy, except
    # for an indicator that is itself a count (its value given); without a value nothing can be computed.
    needs_denominator = num.notna() & (of_indicator("unit").ne("count") | value.isna())
    if "denominator" not in rows.columns and needs_denominator.any():
        # The column is absent (a generic file without it): one error naming it, not one per row.
        first = int(rows.frame.loc[needs_denominator.idxmax(), LINE])
        rows.problems.add(
            Problem(
                1,
                "denominator",
                "missing_column",
                f"The column 'denominator' is missing, but {int(needs_denominator.sum()):,} rows give a numerator "
                f"(the first on line {first}): a count needs its denominator to be checked, given an interval and "
                "added up to PCN and borough. Add the column, or leave the numerator blank and give the value.",
            )
        )
    else:
        missing = num.notna() & den.isna() & value.isna()
        if missing.any() and "denominator" in rows.frame.columns:  # one written but not a number has its own error
            missing &= rows.frame["denominator"].where(missing, "").astype(str).str.strip().eq("")
        rows.add(missing, "denominator", "missing_value", "A numerator needs a denominator (or give the value).")
    rows.add(
        of_indicator("unit").eq("percent") & (num > den),
        "numerator",
        "numerator_above_denominator",
        "For a proportion the numerator cannot exceed the denominator.",
    )
    _warn_fractional_counts(rows, num)


def counted(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def _warn_fractional_counts(rows: Rows, num: pd.Series) -> None:
    """One warning for numerators that are not whole numbers: a count of people or events is whole, so a
    fraction is a sign of a wrong column (a rate in the count), unless the counts are weighted or modelled (GP
    Patient Survey, some Fingertips indicators), which load as they are."""
    fractional = num.notna() & (num != np.floor(num))
    if not fractional.any():
        return
    first = int(rows.frame.loc[fractional.idxmax(), LINE])
    rows.problems.add(
        Problem(
            first,
            column_name(rows.columns, "numerator"),
            "fractional_count",
            f"{counted(int(fractional.sum()), 'row gives', 'rows give')} a numerator that is not a whole number (the "
            "first on this line). "
            "A count of people or events is whole: check the column holds counts, not rates. Weighted or modelled "
            "counts are loaded as they are.",
            "warning",
        )
    )


def _check_value(rows: Rows, of_indicator: Callable[[str], pd.Series], numbers: dict[str, pd.Series]) -> pd.Series:
    """A value given beside its counts matches them to the decimals it was written with. Returns the value, or
    where the file gave none, the one the counts give."""
    num, den, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    multiplier = of_indicator("multiplier").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = num / den.where(den > 0) * multiplier
    decimals = _decimals(rows.frame["value"])
    tolerance = np.maximum(0.5 * 10.0 ** (-decimals) * 1.0001, 1e-9 * computed.abs())
    rows.add(
        value.notna() & computed.notna() & ((value - computed).abs() > tolerance),
        "value",
        "value_inconsistent",
        lambda i: (
            f"The value {value[i]:g} does not match numerator / denominator x {multiplier[i]:g} = {computed[i]:.4g}."
        ),
    )
    # A value given alone is checked against its unit as counts are: a proportion lies between 0 and 100 (or its
    # multiplier), and a rate or a count is not negative (a value of 150% or -5% had loaded).
    unit = of_indicator("unit")
    rows.add(
        value.notna() & unit.eq("percent") & ((value < 0) | (value > multiplier + 1e-9)),
        "value",
        "value_out_of_range",
        lambda i: f"A proportion lies between 0 and {multiplier[i]:g}; this value is {value[i]:g}.",
    )
    rows.add(
        value.notna() & unit.isin(["rate", "count"]) & (value < 0),
        "value",
        "value_out_of_range",
        lambda i: f"A {unit[i]} cannot be negative; this value is {value[i]:g}.",
    )
    rows.add(
        value.notna() & unit.eq("years") & (value < 0),
        "value",
        "value_out_of_range",
        lambda i: f"A number of years cannot be negative; this value is {value[i]:g}.",
    )
    # A percent sign says the number is a percentage: right for a proportion, wrong for anything else.
    rows.add(
        value.notna() & _percent_signed(rows.frame["value"]) & unit.notna() & unit.ne("percent"),
        "value",
        "percent_sign",
        lambda i: (
            "This value is written as a percentage, but the indicator is measured in "
            f"{UNIT_NAMES.get(unit[i], unit[i])}. Write the number alone."
        ),
    )
    _warn_fractions(rows, of_indicator, value, num)
    return value.where(value.notna(), computed)


def _warn_fractions(rows: Rows, of_indicator: Callable[[str], pd.Series], value: pd.Series, num: pd.Series) -> None:
    """One warning per percentage indicator whose values, given without counts, all lie between 0 and 1: a
    spreadsheet formatted as percentages stores 69.1% as 0.691, which would load as 0.691%. Only a warning, as a
    rare condition's prevalence can be under 1% everywhere."""
    given = value.notna() & num.isna() & of_indicator("unit").eq("percent") & of_indicator("multiplier").eq(100)
    if not given.any():
        return
    codes = of_indicator("code")[given]
    for code, values in value[given].groupby(codes, sort=True):
        if values.max() <= 1 and values.min() >= 0 and (values > 0).any():
            first = int(rows.frame.loc[values.index[0], LINE])
            rows.problems.add(
                Problem(
                    first,
                    column_name(rows.columns, "value"),
                    "values_look_like_fractions",
                    f"Every value of {code} in this file lies between 0 and 1 ({counted(len(values), 'row', 'rows')}; "
                    "the first on this line), and is read as a percentage (0.691 as 0.691%). If they are fractions "
                    "(0.691 for 69.1%, as a spreadsheet formatted as percentages stores them), multiply them by 100.",
                    "warning",
                )
            )


def _check_interval(rows: Rows, numbers: dict[str, pd.Series]) -> None:
    """The limits are in order and the value lies within them."""
    lower, upper, value = numbers["lower_ci"], numbers["upper_ci"], numbers["value"]
    rows.add(
        lower.notna() & upper.notna() & (lower > upper),
        "lower_ci",
        "interval_order",
        "The lower limit is above the upper limit.",
    )
    outside = value.notna() & ((lower.notna() & (lower > value + 1e-9)) | (upper.notna() & (upper < value - 1e-9)))
    rows.add(outside, "value", "value_outside_interval", "The value lies outside its own confidence interval.")


@on_distinct
def _percent_signed(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.endswith("%")


@on_distinct
def _decimals(series: pd.Series) -> pd.Series:
    """How many decimals a value was written with: rounding in the source sets the tolerance."""
    return series.astype(str).str.extract(r"[.,](\d+)\s*%?\s*$")[0].str.len().astype(float).fillna(0).clip(upper=6)
