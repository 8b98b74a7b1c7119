"""Load partners and workstreams from ``fixtures/`` (idempotent: matched by code)."""

from __future__ import annotations

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
