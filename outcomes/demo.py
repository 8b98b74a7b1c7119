"""Deterministic demo data shaped by the plan's figures (pure numpy/pandas, no Django).

Everything here is invented, seeded and labelled as demo data; it exists so the dashboards have realistic
shapes to show: the plan's baselines and comparators (ACSC 11.47 against NWL 9.89, PCNs 10.3 to 12.81; GP
access 68%/14% against NWL 71%/12%; diabetes 9 care processes 23% against 36%), ethnic and deprivation
gaps, monthly series long enough for SPC, and one real shift (ACSC admissions fall by about a tenth from
April 2025, when the integrated diabetes teams are in place) so the charts show special cause.

Additive indicators are generated for practices only; the loader rolls them up to PCN and borough as a
ratio of sums, as it would a real extract. Category counts within a breakdown are a multinomial split of
the practice's total, so every breakdown sums to the headline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .demo_jsna import jsna_records
from .periods import month_end, month_starts
from .vocabulary import BREAKDOWN_CATEGORIES

COLUMNS = [
    "indicator_code",
    "org_code",
    "period_start",
    "period_end",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "value",
]
#: Supplied 95% limits (life expectancy, standardised rates, scores): NaN where the loader derives them.
INTERVAL_COLUMNS = ["lower_ci", "upper_ci"]

AGE_SHARES = {"0-4": 0.06, "5-17": 0.15, "18-44": 0.38, "45-64": 0.25, "65-74": 0.08, "75+": 0.08}
ACSC_AGE_RR = {"0-4": 0.4, "5-17": 0.3, "18-44": 0.35, "45-64": 1.0, "65-74": 2.5, "75+": 5.5}
SEX_SHARES = {"female": 0.5, "male": 0.5}
ACSC_SEX_RR = {"female": 0.95, "male": 1.05}
ETHNICITY = BREAKDOWN_CATEGORIES["ethnicity"]
ETHNICITY_BASE_SHARES = np.array([0.45, 0.08, 0.05, 0.33, 0.05, 0.04])
ACSC_ETHNICITY_RR = dict(zip(ETHNICITY, (1.25, 1.35, 1.0, 0.85, 1.0, 0.9), strict=True))
IMD = ("1", "2", "3", "4", "5")
IMD_BASE_SHARES = np.array([0.08, 0.17, 0.25, 0.27, 0.23])
ACSC_IMD_RR = dict(zip(IMD, (1.5, 1.25, 1.0, 0.85, 0.7), strict=True))
ACCESS_GAP = {  # percentage-point gaps in "good" access experience by group (GPPS-like)
    "age": {"18-44": -4.0, "45-64": -1.0, "65-74": 4.0, "75+": 5.0},
    "ethnicity": {"asian": -2.0, "black": -3.0, "mixed": -1.0, "white": 3.0, "other": -4.0},
    "imd_quintile": {"1": -6.0, "2": -3.0, "3": 0.0, "4": 2.0, "5": 3.0},
}


@dataclass(frozen=True)
class Practice:
    code: str
    pcn: str
    list_size: int


@dataclass(frozen=True)
class DemoStructure:
    """The areas to generate for. ``pcn_rate`` is each PCN's ACSC rate per 1,000 before the shift."""

    practices: tuple[Practice, ...]
    pcn_borough: dict[str, str]
    pcn_rate: dict[str, float]
    borough: str
    icb: str
    region: str
    country: str


def _frame(records: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=COLUMNS)


class _Generator:
    def __init__(self, structure: DemoStructure, seed: int, end: dt.date, months: int) -> None:
        self.s = structure
        self.rng = np.random.default_rng(seed)
        self.months = month_starts(end, months)
        self.end = end
        n = len(structure.practices)
        # Practice character, fixed for the run: ethnic and deprivation mix, and a performance effect.
        self.ethnicity_mix = self.rng.dirichlet(ETHNICITY_BASE_SHARES * 40, size=n)
        self.imd_mix = self.rng.dirichlet(IMD_BASE_SHARES * 30, size=n)
        self.effect = self.rng.normal(0.0, 1.0, size=n)

    # ---------------------------------------------------------------- additive, monthly, with breakdowns
    def acsc(self) -> pd.DataFrame:
        """OUT5: emergency ACSC admissions per 1,000 weighted population-years, by practice and month."""
        records = []
        shift_from = dt.date(2025, 4, 1)
        for p_index, practice in enumerate(self.s.practices):
            base = self.s.pcn_rate[practice.pcn] * float(np.exp(0.06 * self.effect[p_index]))
            shares = {
                "age": AGE_SHARES,
                "sex": SEX_SHARES,
                "ethnicity": dict(zip(ETHNICITY, self.ethnicity_mix[p_index], strict=True)),
                "imd_quintile": dict(zip(IMD, self.imd_mix[p_index], strict=True)),
            }
            rrs = {"age": ACSC_AGE_RR, "sex": ACSC_SEX_RR, "ethnicity": ACSC_ETHNICITY_RR, "imd_quintile": ACSC_IMD_RR}
            for month in self.months:
                person_years = practice.list_size / 12
                seasonal = 1 + 0.08 * np.cos(2 * np.pi * (month.month - 1) / 12)
                rate = base * seasonal * (0.9 if month >= shift_from else 1.0)
                total = int(self.rng.poisson(rate * person_years / 1000))
                key = ("OUT5_ACSC_ADMISSIONS", practice.code, month, month_end(month))
                records.append((*key, "all", "all", total, person_years, None))
                for dimension, share in shares.items():
                    cats = list(share)
                    weights = np.array([share[c] * rrs[dimension][c] for c in cats])
                    split = self.rng.multinomial(total, weights / weights.sum())
                    for cat, count in zip(cats, split, strict=True):
                        records.append((*key, dimension, cat, int(count), person_years * share[cat], None))
        return _frame(records)

    def monthly_proportion(
        self, code: str, start: float, end: float, spread: float, per_1000: float, every: int = 1
    ) -> pd.DataFrame:
        """An additive proportion by practice for each ``every``-month period, moving from ``start`` to ``end`` (%)."""
        records = []
        ends = self.months[every - 1 :: every]
        for p_index, practice in enumerate(self.s.practices):
            denominator = max(20, round(practice.list_size * per_1000 / 1000))
            for m_index, month in enumerate(ends):
                level = start + (end - start) * m_index / max(1, len(ends) - 1)
                p = float(np.clip((level + spread * self.effect[p_index]) / 100, 0.01, 0.99))
                numerator = int(self.rng.binomial(denominator, p))
                first = (pd.Timestamp(month) - pd.DateOffset(months=every - 1)).date()
                records.append(
                    (code, practice.code, first, month_end(month), "all", "all", numerator, denominator, None)
                )
        return _frame(records)

    def diabetes(self) -> pd.DataFrame:
        """9 care processes in the 15 months to each month end, by practice (monthly snapshots)."""
        frame = self.monthly_proportion("PERF_DIABETES_9CP", 24.0, 41.0, 8.0, per_1000=85)
        frame["period_start"] = [(pd.Timestamp(m) - pd.DateOffset(months=14)).date() for m in frame["period_start"]]
        return frame

    # ------------------------------------------------------------- supplied at every level (non-additive)
    def survey(
        self,
        code: str,
        years: list[int],
        levels: list[float],
        comparators: dict[str, list[float]],
        respondents: int,
        sign: float = 1.0,
        breakdowns: bool = True,
        fieldwork: tuple[int, int] = (1, 3),
    ) -> pd.DataFrame:
        """An annual survey percentage, supplied for practices, PCNs and the borough, plus comparators."""
        records = []
        for y_index, year in enumerate(years):
            start = dt.date(year, fieldwork[0], 1)
            end = month_end(dt.date(year, fieldwork[1], 1))
            level = levels[y_index]
            pcn_sums: dict[str, list[float]] = {}
            for p_index, practice in enumerate(self.s.practices):
                n = int(self.rng.integers(respondents // 2, respondents))
                p = float(np.clip((level + sign * 4.0 * self.effect[p_index]) / 100, 0.01, 0.99))
                x = int(self.rng.binomial(n, p))
                records.append((code, practice.code, start, end, "all", "all", x, n, None))
                sums = pcn_sums.setdefault(practice.pcn, [0.0, 0.0])
                sums[0] += x
                sums[1] += n
            for pcn, (x, n) in pcn_sums.items():
                records.append((code, pcn, start, end, "all", "all", x, n, None))
            total_x = sum(v[0] for v in pcn_sums.values())
            total_n = sum(v[1] for v in pcn_sums.values())
            records.append((code, self.s.borough, start, end, "all", "all", total_x, total_n, None))
            if breakdowns:
                for dimension, gaps in ACCESS_GAP.items():
                    for category, gap in gaps.items():
                        n = int(total_n * (0.12 if dimension != "imd_quintile" else 0.2))
                        p = float(np.clip((level + sign * gap) / 100, 0.01, 0.99))
                        records.append(
                            (
                                code,
                                self.s.borough,
                                start,
                                end,
                                dimension,
                                category,
                                int(self.rng.binomial(n, p)),
                                n,
                                None,
                            )
                        )
            for area, values in comparators.items():
                records.append((code, area, start, end, "all", "all", None, None, values[y_index]))
        return _frame(records)

    def borough_series(
        self,
        code: str,
        starts: list[dt.date],
        ends: list[dt.date],
        values: list[float],
        denominator: float,
        area: str | None = None,
    ) -> pd.DataFrame:
        records = []
        for start, end, value in zip(starts, ends, values, strict=True):
            numerator = int(self.rng.binomial(int(denominator), value / 100))
            records.append((code, area or self.s.borough, start, end, "all", "all", numerator, denominator, None))
        return _frame(records)

    def turnover(self) -> pd.DataFrame:
        """OUT4: voluntary turnover in the 12 months to each month end, by partner and in total."""
        partners = {"lnwuht": 2600, "cnwl": 900, "clch": 700, "harrow-council": 1800, "harrow-health": 400}
        records = []
        for m_index, month in enumerate(self.months):
            level = 19.5 - 3.5 * m_index / max(1, len(self.months) - 1)
            start = (pd.Timestamp(month) - pd.DateOffset(months=11)).date()
            end = month_end(month)
            total_x = total_n = 0
            for p_index, (partner, headcount) in enumerate(partners.items()):
                p = (level + (p_index - 2) * 1.2) / 100
                x = int(self.rng.binomial(headcount, p))
                records.append(
                    ("OUT4_STAFF_TURNOVER", self.s.borough, start, end, "partner", partner, x, headcount, None)
                )
                total_x += x
                total_n += headcount
            records.append(("OUT4_STAFF_TURNOVER", self.s.borough, start, end, "all", "all", total_x, total_n, None))
        return _frame(records)

    def nwl_monthly(self, code: str, values: list[float], multiplier: float, denominator: float) -> pd.DataFrame:
        """An NWL comparator series for a monthly indicator (supplied by the ICB, not derived)."""
        records = []
        for month, value in zip(self.months, values, strict=True):
            numerator = round(value * denominator / multiplier)
            records.append((code, self.s.icb, month, month_end(month), "all", "all", numerator, denominator, None))
        return _frame(records)


def jsna_frame(structure: DemoStructure, rng: np.random.Generator, end: dt.date) -> pd.DataFrame:
    """Several yearly periods of every JSNA series (``demo_jsna``) for Harrow, London and England."""
    records = jsna_records((structure.borough, structure.region, structure.country), rng, end)
    return pd.DataFrame.from_records(records, columns=[*COLUMNS, *INTERVAL_COLUMNS])


def generate(structure: DemoStructure, *, seed: int = 20221, end: dt.date, months: int = 48) -> pd.DataFrame:
    """All demo rows, in the generic long format (codes, not ids)."""
    g = _Generator(structure, seed, end, months)
    n = len(g.months)
    ramp = np.linspace(0, 1, n)
    frames = [
        g.acsc(),
        g.diabetes(),
        g.monthly_proportion("C20_SMI_HEALTH_CHECKS", 48.0, 63.0, 7.0, per_1000=9, every=3),
        g.monthly_proportion("PERF_CERVICAL_SCREENING", 49.0, 53.0, 4.0, per_1000=180, every=3),
        g.monthly_proportion("PERF_BREAST_SCREENING", 54.0, 58.0, 12.0, per_1000=60, every=3),
        g.turnover(),
        g.nwl_monthly("OUT5_ACSC_ADMISSIONS", list(9.89 - 0.4 * ramp), 1000, 2_100_000 / 12),
        g.nwl_monthly("PERF_DIABETES_9CP", list(36.0 + 9.0 * ramp), 100, 150_000),
        g.survey(
            "OUT2_GP_ACCESS",
            [2022, 2023, 2024, 2025, 2026],
            [66.0, 64.5, 67.0, 69.0, 70.5],
            {structure.icb: [70.0, 69.0, 70.5, 71.5, 72.0], structure.region: [73.0, 71.0, 72.5, 74.0, 75.0]},
            respondents=260,
        ),
        g.survey(
            "OUT2_GP_ACCESS_POOR",
            [2022, 2023, 2024, 2025, 2026],
            [15.0, 16.0, 14.0, 13.0, 12.5],
            {structure.icb: [12.5, 13.0, 12.0, 11.5, 11.0], structure.region: [9.0, 10.0, 9.0, 8.0, 7.5]},
            respondents=260,
            sign=-0.5,
        ),
        g.borough_series(
            "OUT3_CARE_EXPERIENCE",
            [dt.date(y, 4, 1) for y in (2022, 2023, 2024, 2025)],
            [dt.date(y + 1, 3, 31) for y in (2022, 2023, 2024, 2025)],
            [61.0, 62.5, 64.0, 66.5],
            1200,
        ),
        g.borough_series(
            "OUT4_STAFF_SATISFACTION",
            [dt.date(y, 4, 1) for y in (2022, 2023, 2024, 2025)],
            [dt.date(y + 1, 3, 31) for y in (2022, 2023, 2024, 2025)],
            [58.0, 57.0, 60.5, 62.0],
            3100,
        ),
        _frame(
            [
                (
                    "OUT1_TOOTH_DECAY",
                    structure.borough,
                    dt.date(2021, 9, 1),
                    dt.date(2022, 8, 31),
                    "all",
                    "all",
                    241,
                    580,
                    None,
                ),
                (
                    "OUT1_TOOTH_DECAY",
                    structure.borough,
                    dt.date(2023, 9, 1),
                    dt.date(2024, 8, 31),
                    "all",
                    "all",
                    236,
                    592,
                    None,
                ),
                (
                    "OUT1_TOOTH_DECAY",
                    structure.region,
                    dt.date(2021, 9, 1),
                    dt.date(2022, 8, 31),
                    "all",
                    "all",
                    None,
                    None,
                    25.6,
                ),
                (
                    "OUT1_TOOTH_DECAY",
                    structure.region,
                    dt.date(2023, 9, 1),
                    dt.date(2024, 8, 31),
                    "all",
                    "all",
                    None,
                    None,
                    24.1,
                ),
                (
                    "OUT1_TOOTH_DECAY",
                    structure.country,
                    dt.date(2021, 9, 1),
                    dt.date(2022, 8, 31),
                    "all",
                    "all",
                    None,
                    None,
                    23.7,
                ),
                (
                    "OUT1_TOOTH_DECAY",
                    structure.country,
                    dt.date(2023, 9, 1),
                    dt.date(2024, 8, 31),
                    "all",
                    "all",
                    None,
                    None,
                    22.4,
                ),
            ]
        ),
    ]
    frames.append(jsna_frame(structure, np.random.default_rng(seed + 1), end))
    numbers = dict.fromkeys(["numerator", "denominator", "value", *INTERVAL_COLUMNS], float)
    columns = [*COLUMNS, *INTERVAL_COLUMNS]
    return pd.concat([f.reindex(columns=columns).astype(numbers) for f in frames], ignore_index=True)
