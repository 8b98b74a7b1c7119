"""The JSNA indicators' demo years for Harrow, London and England: annual series shaped by the plan's figures, with
counts drawn so that intervals and the recent trend behave as real data would. Every number here is invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class JsnaSeries:
    """One JSNA indicator's demo years for Harrow, London and England.

    ``kind`` says how a value arises: "proportion" and "rate" draw a count from the ``sizes`` (denominators:
    people, births, population) so the loader derives the value and its interval; "supplied" gives a value with
    a 95% interval of +/- ``half_widths`` (life expectancy, standardised rates, scores, gaps); "value" gives a value
    alone (counts and shares published without an interval). Levels are in display units; ``None`` comparators
    mean the indicator has none (counts).
    """

    code: str
    first_start: dt.date
    kind: str
    harrow: tuple[float, ...]
    london: tuple[float, ...] | None = None
    england: tuple[float, ...] | None = None
    sizes: tuple[float, float, float] = (0.0, 0.0, 0.0)
    multiplier: float = 100.0
    half_widths: tuple[float, float, float] = (0.0, 0.0, 0.0)
    months: int = 12  # the length of one period (36 for three-year pooled figures)


def _d(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


#: Shaped by the plan's JSNA figures (the first demo year follows the plan's own year, which stays as printed) and
#: by the published London and England levels of the time; every number here is invented for the demo.
JSNA_SERIES: tuple[JsnaSeries, ...] = (
    # Start Well
    JsnaSeries(
        "JSNA_INFANT_MORTALITY",
        _d(2019, 1),
        "rate",
        (3.6, 3.4, 3.3, 3.1),
        (3.3, 3.2, 3.2, 3.3),
        (3.9, 3.9, 4.0, 4.1),
        (10200, 330000, 1820000),
        1000,
        months=36,
    ),
    JsnaSeries(
        "JSNA_OBESITY_RECEPTION",
        _d(2020, 9),
        "proportion",
        (11.8, 10.6, 9.9, 9.4, 9.0),
        (12.4, 10.8, 10.1, 9.7, 9.5),
        (14.4, 10.1, 9.2, 9.6, 9.3),
        (2900, 95000, 560000),
    ),
    JsnaSeries(
        "JSNA_OBESITY_YEAR6",
        _d(2020, 9),
        "proportion",
        (24.8, 23.9, 23.0, 22.6, 22.1),
        (27.4, 25.8, 24.8, 24.1, 23.9),
        (25.5, 23.4, 22.7, 22.1, 22.2),
        (3000, 98000, 620000),
    ),
    JsnaSeries(
        "JSNA_SCHOOL_READINESS",
        _d(2021, 9),
        "proportion",
        (65.1, 66.4, 67.3, 68.0),
        (67.1, 67.8, 69.1, 69.6),
        (65.2, 67.2, 67.7, 68.3),
        (3100, 104000, 610000),
    ),
    JsnaSeries(
        "JSNA_GCSE_ATTAINMENT",
        _d(2019, 9),
        "supplied",
        (53.4, 55.9, 51.2, 50.6, 51.4),
        (53.2, 54.6, 49.7, 49.9, 50.5),
        (50.2, 50.9, 46.3, 46.4, 45.9),
        half_widths=(0.6, 0.1, 0.05),
    ),
    JsnaSeries(
        "JSNA_GENERAL_FERTILITY",
        _d(2019, 1),
        "rate",
        (57.8, 56.1, 56.9, 55.2, 53.6),
        (58.0, 55.8, 55.9, 53.5, 52.0),
        (58.3, 55.3, 56.3, 54.2, 52.8),
        (55000, 2050000, 10600000),
        1000,
    ),
    # Live Well
    JsnaSeries(
        "JSNA_DIABETES_PREVALENCE",
        _d(2021, 4),
        "proportion",
        (10.3, 10.5, 10.8, 11.0, 11.2),
        (6.9, 7.0, 7.2, 7.3, 7.4),
        (7.1, 7.3, 7.5, 7.6, 7.7),
        (232000, 8100000, 48900000),
    ),
    JsnaSeries(
        "JSNA_HYPERTENSION_PREVALENCE",
        _d(2021, 4),
        "proportion",
        (13.5, 13.6, 13.8, 13.9, 14.0),
        (11.0, 11.0, 11.1, 11.2, 11.3),
        (13.9, 14.0, 14.4, 14.6, 14.8),
        (291000, 10500000, 62400000),
    ),
    JsnaSeries("JSNA_HYPERTENSION_DIAGNOSED", _d(2021, 4), "value", (35600, 36300, 37100, 37900, 38600)),
    JsnaSeries(
        "JSNA_HYPERTENSION_POORLY_CONTROLLED",
        _d(2021, 4),
        "proportion",
        (21.5, 20.4, 19.6, 18.8, 18.1),
        (23.0, 22.1, 21.2, 20.6, 20.1),
        (20.8, 20.0, 19.1, 18.5, 18.0),
        (36500, 1150000, 8800000),
    ),
    JsnaSeries(
        "JSNA_OVERWEIGHT_ADULTS",
        _d(2020, 4),
        "proportion",
        (57.9, 58.7, 59.2, 58.8, 59.5),
        (56.0, 56.3, 56.9, 56.7, 57.1),
        (63.5, 63.8, 64.0, 64.5, 64.3),
        (520, 16000, 170000),
    ),
    JsnaSeries(
        "JSNA_PHYSICALLY_ACTIVE",
        _d(2020, 11),
        "proportion",
        (59.0, 60.5, 61.8, 61.2, 62.0),
        (64.9, 65.4, 66.1, 66.4, 66.8),
        (65.9, 67.3, 67.1, 67.3, 67.4),
        (520, 16000, 170000),
    ),
    JsnaSeries(
        "JSNA_SMOKING_LTMHC",
        _d(2020, 4),
        "proportion",
        (19.8, 19.0, 18.1, 17.5, 16.4),
        (24.1, 23.2, 22.4, 21.9, 21.0),
        (25.8, 25.1, 24.3, 23.6, 22.9),
        (610, 21000, 150000),
    ),
    JsnaSeries(
        "JSNA_SMOKING_MOST_DEPRIVED",
        _d(2020, 1),
        "proportion",
        (22.5, 21.0, 19.5, 18.8, 17.9),
        (20.9, 19.8, 18.7, 18.1, 17.6),
        (24.2, 23.0, 21.5, 20.9, 20.1),
        (300, 9000, 60000),
    ),
    JsnaSeries(
        "JSNA_STI_15_24",
        _d(2021, 1),
        "rate",
        (820.0, 905.0, 880.0, 850.0, 832.0),
        (1650.0, 1710.0, 1690.0, 1640.0, 1600.0),
        (1050.0, 1110.0, 1090.0, 1060.0, 1040.0),
        (28500, 1050000, 6600000),
        100000,
    ),
    JsnaSeries(
        "JSNA_U75_CANCER_MORTALITY",
        _d(2019, 1),
        "supplied",
        (100.5, 97.3, 95.9, 94.0, 92.1),
        (113.0, 111.2, 110.1, 108.9, 107.5),
        (125.1, 122.4, 121.6, 120.3, 118.9),
        half_widths=(9.0, 1.5, 0.6),
        multiplier=100000,
    ),
    JsnaSeries(
        "JSNA_UNEMPLOYMENT",
        _d(2021, 10),
        "proportion",
        (4.6, 4.2, 4.5, 4.9, 5.1),
        (5.2, 4.6, 4.8, 5.6, 5.9),
        (3.9, 3.6, 3.8, 4.1, 4.2),
        (900, 48000, 320000),
    ),
    JsnaSeries(
        "JSNA_EMPLOYMENT_GAP_LD",
        _d(2020, 4),
        "supplied",
        (68.2, 67.5, 66.9, 66.0, 65.8),
        (66.5, 66.1, 65.7, 65.2, 64.9),
        (70.6, 70.3, 70.1, 69.9, 69.8),
        half_widths=(2.6, 0.6, 0.2),
    ),
    JsnaSeries(
        "JSNA_EMPLOYMENT_GAP_SMH",
        _d(2020, 4),
        "supplied",
        (60.1, 61.0, 60.2, 59.3, 58.4),
        (62.3, 62.0, 61.5, 61.1, 60.8),
        (66.1, 65.8, 65.5, 65.3, 65.0),
        half_widths=(2.8, 0.7, 0.2),
    ),
    JsnaSeries(
        "JSNA_POP_65_PLUS",
        _d(2021, 1),
        "value",
        (16.3, 16.5, 16.8, 17.0, 17.2),
        (12.3, 12.4, 12.6, 12.8, 12.9),
        (18.6, 18.8, 19.0, 19.2, 19.3),
    ),
    JsnaSeries(
        "JSNA_PALLIATIVE_REGISTER",
        _d(2021, 4),
        "proportion",
        (0.22, 0.25, 0.27, 0.30, 0.33),
        (0.33, 0.35, 0.36, 0.38, 0.39),
        (0.47, 0.49, 0.50, 0.52, 0.53),
        (291000, 10500000, 62400000),
    ),
    JsnaSeries(
        "JSNA_NEET_16_17",
        _d(2021, 1),
        "proportion",
        (2.3, 2.1, 2.4, 2.2, 2.0),
        (3.6, 3.3, 3.6, 3.8, 3.9),
        (4.7, 4.7, 5.2, 5.4, 5.6),
        (6400, 205000, 1260000),
    ),
    # Age Well
    JsnaSeries(
        "JSNA_DEMENTIA_PREVALENCE_65",
        _d(2021, 1),
        "proportion",
        (3.95, 4.02, 4.10, 4.15, 4.22),
        (3.86, 3.91, 3.97, 4.01, 4.05),
        (3.97, 4.00, 4.06, 4.11, 4.16),
        (45500, 1150000, 10800000),
    ),
    JsnaSeries(
        "JSNA_FALLS_65_PLUS",
        _d(2021, 4),
        "supplied",
        (2310.0, 2250.0, 2290.0, 2205.0, 2150.0),
        (2050.0, 2010.0, 2080.0, 2030.0, 1990.0),
        (2100.0, 2040.0, 2130.0, 2070.0, 2020.0),
        half_widths=(110.0, 18.0, 7.0),
        multiplier=100000,
    ),
    JsnaSeries(
        "JSNA_LIFE_EXPECTANCY_FEMALE",
        _d(2019, 1),
        "supplied",
        (85.3, 85.5, 85.9, 86.1),
        (84.3, 84.2, 84.6, 84.9),
        (82.8, 82.8, 83.0, 83.1),
        half_widths=(0.5, 0.1, 0.05),
        months=36,
    ),
    JsnaSeries(
        "JSNA_LIFE_EXPECTANCY_MALE",
        _d(2019, 1),
        "supplied",
        (81.6, 81.8, 82.4, 82.6),
        (80.3, 80.1, 80.6, 80.9),
        (78.9, 78.7, 79.0, 79.3),
        half_widths=(0.5, 0.1, 0.05),
        months=36,
    ),
)


def jsna_records(areas_by_role: tuple[str, str, str], rng: np.random.Generator, end: dt.date) -> list[tuple]:
    """Several yearly periods of every JSNA series for Harrow, London and England (periods ending after ``end``
    are left out), as records of the demo's generic columns with the interval (``outcomes.demo.COLUMNS`` and
    ``INTERVAL_COLUMNS``); ``areas_by_role`` is (Harrow, London, England). Counts are drawn around the levels, so
    the intervals and the recent trend behave as real data."""
    borough, region, country = areas_by_role
    records = []
    for series in JSNA_SERIES:
        areas = (
            (borough, series.harrow, 0),
            (region, series.london, 1),
            (country, series.england, 2),
        )
        for year in range(len(series.harrow)):
            start = (pd.Timestamp(series.first_start) + pd.DateOffset(years=year)).date()
            stop = (pd.Timestamp(start) + pd.DateOffset(months=series.months) - pd.Timedelta(days=1)).date()
            if stop > end:
                continue
            for org, levels, index in areas:
                if levels is None:
                    continue
                level = levels[year]
                values = [series.code, org, start, stop, "all", "all", None, None, None, None, None]
                if series.kind in ("proportion", "rate"):
                    size = series.sizes[index]
                    expected = level / series.multiplier * size
                    if series.kind == "proportion":
                        count = rng.binomial(int(size), min(max(level / series.multiplier, 0.0), 1.0))
                    else:
                        count = rng.poisson(expected)
                    values[6:8] = [int(count), size]
                elif series.kind == "supplied":
                    half = series.half_widths[index]
                    value = level + rng.normal(0.0, half / 8)
                    values[8:11] = [round(value, 2), round(value - half, 2), round(value + half, 2)]
                else:
                    values[8] = level
                records.append(tuple(values))
    return records
