"""Generate and load deterministic demo data (labelled as such) through the normal load path."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.history import change_source
from outcomes import actions
from outcomes.demo import DemoStructure, Practice, generate
from outcomes.models import NUMBER_COLUMNS, Area, Extract, Indicator, Observation, PracticeMembership
from outcomes.rollup import interval_function

HARROW = "E09000015"
PCN_RATES = {"HRW-PCN-HS": 10.3, "HRW-PCN-HA": 11.2, "HRW-PCN-HE": 12.81, "HRW-PCN-HCN": 11.9, "HRW-PCN-SP": 11.0}
NWL_BOROUGHS = [
    ("E09000002", "Brent"),
    ("E09000009", "Ealing"),
    ("E09000013", "Hammersmith and Fulham"),
    ("E09000017", "Hillingdon"),
    ("E09000018", "Hounslow"),
    ("E09000020", "Kensington and Chelsea"),
    ("E09000033", "Westminster"),
]


def list_size(code: str) -> int:
    """A stable pseudo list size for a practice (4,000 to 20,000), from its code."""
    digest = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    return 4000 + digest % 16000


class Command(BaseCommand):
    help = "Load generated demo data: monthly series with breakdowns, rolled up to PCN and borough."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=["harrow", "nwl"], default="harrow")
        parser.add_argument("--seed", type=int, default=20221)
        parser.add_argument("--end", default="2026-09-30", help="Last month of the series (ISO date).")
        parser.add_argument("--months", type=int, default=None, help="Default 48 (harrow) or 120 (nwl).")

    @change_source("command: load_demo_data")
    def handle(self, *args, scale: str, seed: int, end: str, months: int | None, **options) -> None:
        if not Area.objects.filter(code=HARROW).exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        if scale == "nwl":
            self.create_nwl_areas()
        structure = self.structure()
        frame = generate(
            structure, seed=seed, end=dt.date.fromisoformat(end), months=months or (120 if scale == "nwl" else 48)
        )
        self.load(frame, scale)
        self.rebase_demo_shift()

    def rebase_demo_shift(self) -> None:
        """The demo's ACSC step change (April 2025) recorded as an SPC rebase for one PCN, so its chart shows both."""
        from outcomes.models import SpcRebase

        SpcRebase.objects.get_or_create(
            indicator=Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS"),
            area=Area.objects.get(code="HRW-PCN-HS"),
            starts=dt.date(2025, 4, 1),
            defaults={"reason": "Integrated diabetes team live in the PCN from April 2025 (demo)."},
        )

    def structure(self) -> DemoStructure:
        memberships = PracticeMembership.objects.filter(end__isnull=True).select_related("practice", "pcn")
        practices = tuple(Practice(m.practice.code, m.pcn.code, list_size(m.practice.code)) for m in memberships)
        pcns = Area.objects.filter(level="pcn").select_related("parent")
        rng = np.random.default_rng(7)
        return DemoStructure(
            practices=practices,
            pcn_borough={p.code: p.parent.code for p in pcns},
            pcn_rate={p.code: PCN_RATES.get(p.code, float(rng.uniform(8.0, 11.5))) for p in pcns},
            borough=HARROW,
            icb="QRV",
            region="E12000007",
            country="E92000001",
        )

    @transaction.atomic
    def create_nwl_areas(self) -> None:
        """The rest of North West London: 7 more boroughs, 40 PCNs, about 320 practices (synthetic codes)."""
        icb = Area.objects.get(code="QRV")
        rng = np.random.default_rng(11)
        for b_index, (code, name) in enumerate(NWL_BOROUGHS):
            borough = actions.upsert_area(code=code, name=name, level="borough", parent=icb, sort_order=20 + b_index)
            for p_index in range(rng.integers(5, 7) if b_index else 6):
                pcn = actions.upsert_area(
                    code=f"NWL-PCN-{b_index}{p_index}",
                    name=f"{name} PCN {p_index + 1}",
                    level="pcn",
                    parent=borough,
                    sort_order=200 + 10 * b_index + p_index,
                )
                for g_index in range(int(rng.integers(6, 10))):
                    practice = actions.upsert_area(
                        code=f"Y9{b_index}{p_index}{g_index:02d}",
                        name=f"{name} practice {p_index + 1}.{g_index + 1}",
                        level="practice",
                        parent=pcn,
                        sort_order=2000,
                    )
                    if not PracticeMembership.objects.filter(practice=practice).exists():
                        actions.set_practice_membership(practice=practice, pcn=pcn, start=dt.date(2019, 7, 1))

    def load(self, frame: pd.DataFrame, scale: str) -> None:
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=set(frame["indicator_code"]))}
        areas = dict(Area.objects.values_list("code", "pk"))
        for code, rows in frame.groupby("indicator_code", sort=True):
            indicator = indicators[code]
            rows = rows.copy()
            computed = rows["value"].isna() & rows["denominator"].notna()
            rows.loc[computed, "value"] = (
                rows.loc[computed, "numerator"] / rows.loc[computed, "denominator"] * indicator.multiplier
            )
            rows["lower_ci"] = np.nan
            rows["upper_ci"] = np.nan
            interval = interval_function(indicator.interval_method, indicator.multiplier)
            if interval is not None and computed.any():
                lower, upper = interval(
                    rows.loc[computed, "numerator"].to_numpy(float), rows.loc[computed, "denominator"].to_numpy(float)
                )
                rows.loc[computed, "lower_ci"] = lower
                rows.loc[computed, "upper_ci"] = upper
            records = [
                {
                    "indicator_id": indicator.pk,
                    "area_id": areas[r["org_code"]],
                    "period_start": r["period_start"],
                    "period_end": r["period_end"],
                    "breakdown": r["breakdown"],
                    "category": r["category"],
                    **{k: None if pd.isna(r[k]) else float(r[k]) for k in NUMBER_COLUMNS},
                    "note": "Demo data",
                }
                for r in rows.to_dict("records")
            ]
            with transaction.atomic():
                content = (
                    f"{code}:{scale}:{len(records)}:{pd.util.hash_pandas_object(rows, index=False).sum()}".encode()
                )
                extract = actions.create_extract(
                    file_name=f"demo/{code}.csv", content=content, format="demo", source=Extract.Source.DEMO
                )
                result = actions.load_observations(extract=extract, rows=records)
                result += actions.derive_rollups(indicator=indicator, extract=extract)
                actions.finish_extract(
                    extract=extract, status=Extract.Status.LOADED, result=result, rows_read=len(records)
                )
            self.stdout.write(
                f"{code}: {result.inserted} inserted, {result.superseded} superseded, {result.unchanged} unchanged"
            )
        self.stdout.write(f"Current observations: {Observation.objects.filter(is_current=True).count()}")
