"""Load partners and workstreams from ``fixtures/`` (idempotent: matched by code)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.conf import settings
from django.db import transaction

from outcomes.models import Area

from . import actions

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def load_partners(path: Path | None = None) -> int:
    spec = tomllib.loads((path or FIXTURES / "partners.toml").read_text(encoding="utf-8"))
    for item in spec["partner"]:
        actions.upsert_partner(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            short_name=item.get("short_name", ""),
            pcn=Area.objects.get(code=item["pcn"]) if item.get("pcn") else None,
        )
    return len(spec["partner"])


@transaction.atomic
def load_workstreams(path: Path | None = None) -> int:
    spec = tomllib.loads((path or FIXTURES / "workstreams.toml").read_text(encoding="utf-8"))
    for item in spec["workstream"]:
        actions.upsert_workstream(
            code=item["code"],
            name=item["name"],
            objective=item["objective"],
            description=item["description"],
            activities=item.get("activities", []),
            outputs=item.get("outputs", []),
            sro_name=item["sro"],
            management_lead_name=item.get("management_lead"),
            clinical_lead_name=item.get("clinical_lead"),
            partner_codes=item.get("partners", []),
            indicator_codes=item.get("indicators", []),
            sort_order=item.get("sort_order", 0),
        )
    return len(spec["workstream"])


@transaction.atomic
def load_insight(path: Path | None = None) -> tuple[int, int]:
    """Insight themes and the plan's Appendix A record; an entry is matched by theme, date and source."""
    from .models import CommunityInsight, Workstream

    spec = tomllib.loads((path or FIXTURES / "insight.toml").read_text(encoding="utf-8"))
    themes = {t["code"]: actions.upsert_insight_theme(code=t["code"], name=t["name"]) for t in spec["theme"]}
    for item in spec.get("insight", []):
        theme, heard_on = themes[item["theme"]], dt.date.fromisoformat(item["heard_on"])
        codes = item.get("workstreams", [])
        workstreams = list(Workstream.objects.filter(code__in=codes))
        if len(workstreams) != len(set(codes)):
            raise ValueError(f"Insight for {item['theme']} names an unknown workstream: {codes}")
        existing = CommunityInsight.objects.filter(theme=theme, heard_on=heard_on, source=item["source"]).first()
        if existing is None:
            actions.record_insight(
                theme=theme,
                heard_on=heard_on,
                source=item["source"],
                what_we_heard=item["what_we_heard"],
                what_we_did=item.get("what_we_did", ""),
                status=item.get("status", "heard"),
                workstreams=workstreams,
            )
    return len(themes), len(spec.get("insight", []))
