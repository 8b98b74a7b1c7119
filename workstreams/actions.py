"""Writes for the governance side: keyword-only, transactional."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from outcomes.models import Area, Indicator

from .models import Partner, Person, Workstream

PLACEHOLDER_NAME = "To be confirmed"


@transaction.atomic
def upsert_partner(*, code: str, name: str, kind: str, short_name: str = "", pcn: Area | None = None) -> Partner:
    partner = Partner.objects.filter(code=code).first() or Partner(code=code)
    partner.name, partner.kind, partner.short_name, partner.pcn_area = name, kind, short_name, pcn
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def person_named(*, name: str) -> Person:
    """The person record for a name; "To be confirmed" is the shared placeholder for unnamed roles."""
    person, _ = Person.objects.get_or_create(name=name, defaults={"is_placeholder": name == PLACEHOLDER_NAME})
    return person


@transaction.atomic
def upsert_workstream(
    *,
    code: str,
    name: str,
    objective: int,
    description: str,
    activities: Iterable[str],
    outputs: Iterable[str],
    sro_name: str,
    management_lead_name: str | None,
    clinical_lead_name: str | None,
    partner_codes: Iterable[str],
    indicator_codes: Iterable[str],
    sort_order: int = 0,
    keep_assigned_leads: bool = True,
) -> Workstream:
    """Create or update a workstream from its definition.

    With ``keep_assigned_leads`` an SRO or lead already assigned through the site is not reset to the
    fixture's placeholder: the definition file seeds roles, the board's later edits win.
    """
    workstream = Workstream.objects.filter(code=code).first() or Workstream(code=code)
    workstream.name, workstream.objective, workstream.description = name, objective, description
    workstream.activities = "\n".join(activities)
    workstream.outputs = "\n".join(outputs)
    workstream.sort_order = sort_order
    for attr, person_name in (
        ("sro", sro_name),
        ("management_lead", management_lead_name),
        ("clinical_lead", clinical_lead_name),
    ):
        current = getattr(workstream, attr, None) if getattr(workstream, f"{attr}_id") else None
        fixture_person = person_named(name=person_name) if person_name else None
        if (
            keep_assigned_leads
            and current is not None
            and not current.is_placeholder
            and (fixture_person is None or fixture_person.is_placeholder)
        ):
            continue
        setattr(workstream, attr, fixture_person)
    workstream.full_clean()
    workstream.save()
    partner_codes, indicator_codes = list(partner_codes), list(indicator_codes)
    partners = list(Partner.objects.filter(code__in=partner_codes))
    indicators = list(Indicator.objects.filter(code__in=indicator_codes))
    missing = (set(partner_codes) - {p.code for p in partners}) | (set(indicator_codes) - {i.code for i in indicators})
    if missing:
        raise ValueError(f"Workstream {code} refers to unknown codes: {', '.join(sorted(missing))}")
    workstream.partners.set(partners)
    workstream.indicators.set(indicators)
    return workstream
