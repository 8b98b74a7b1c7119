"""Our PCN areas take their ODS codes; the local codes become aliases; memberships start when ODS says (ADR 0017)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

# Frozen copy of outcomes.pcn_codes (a migration must not change when that module does; a test checks they agree).
FORMER_PCN_CODES = {
    "HRW-PCN-HS": "U84846",  # Healthsense PCN
    "HRW-PCN-HA": "U60450",  # Health Alliance PCN
    "HRW-PCN-HE": "U51050",  # Harrow East PCN
    "HRW-PCN-HCN": "U10339",  # Harrow Collaborative Network
    "HRW-PCN-SP": "U89806",  # Sphere PCN
}
FORMER_START = dt.date(2019, 7, 1)  # the start our fixtures invented
ODS_START = dt.date(2019, 10, 1)  # the start ODS publishes for every original PCN membership
NOTE = "Local code before the ODS code (ADR 0017)"
SOURCE = "migration outcomes 0017 (ADR 0017)"
HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _record(apps, model: str, verbose: str, instance, kind: str, text: str, changes: str, when) -> None:
    """What simple-history and the audit trail record for a change made outside the models (ADR 0012)."""
    historical = apps.get_model("outcomes", f"Historical{model}")
    values = {
        f.attname: getattr(instance, f.attname) for f in historical._meta.fields if f.attname not in HISTORY_COLUMNS
    }
    row = historical.objects.create(
        history_date=when, history_type=kind, history_change_reason=SOURCE, history_user=None, **values
    )
    apps.get_model("audit", "AuditEvent").objects.create(
        at=when,
        user=None,
        model=f"outcomes.{model.lower()}",
        model_name=verbose,
        object_id=str(instance.pk),
        object_repr=text[:255],
        action=ACTIONS[kind],
        changes=changes,
        source=SOURCE,
        history_id=row.history_id,
    )


def _area_text(area) -> str:
    return f"{area.short_name or area.name} ({area.code})"


def _membership_text(apps, membership) -> str:
    codes = dict(
        apps.get_model("outcomes", "Area")
        .objects.filter(pk__in=[membership.practice_id, membership.pcn_id])
        .values_list("pk", "code")
    )
    return f"{codes[membership.practice_id]} in {codes[membership.pcn_id]} from {membership.start}"


def _bump_page_version(schema_editor) -> None:
    """Cached pages show area codes in links: new keys at once (the table belongs to dashboards; absent on a fresh
    database, where there is nothing cached)."""
    if "dashboards_pageversion" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("UPDATE dashboards_pageversion SET number = number + 1")


def to_ods_codes(apps, schema_editor) -> None:
    """Rename our five PCN areas to their ODS codes, keep the old codes as aliases, and start the memberships that
    began on the invented 1 July 2019 on 1 October 2019, as ODS publishes them. A fresh database has no areas yet:
    ``load_reference_data`` brings them (fixtures/areas.csv) and their aliases (fixtures/area_aliases.csv)."""
    area_model = apps.get_model("outcomes", "Area")
    alias_model = apps.get_model("outcomes", "AreaAlias")
    membership_model = apps.get_model("outcomes", "PracticeMembership")
    now = timezone.now()
    pcn_ids = []
    for old, new in FORMER_PCN_CODES.items():
        area = area_model.objects.filter(code=old).first()
        target = area_model.objects.filter(code=new).first()
        if area is not None and target is not None:
            continue  # both codes are areas: nothing is merged by a migration (an analyst decides)
        if area is not None:
            area.code = new
            area.save(update_fields=["code"])
            _record(apps, "Area", "area", area, "~", _area_text(area), f"code: {old} -> {new}", now)
            target = area
        if target is None:
            continue
        pcn_ids.append(target.pk)
        if not alias_model.objects.filter(alias=old).exists():
            alias = alias_model.objects.create(alias=old, area=target, note=NOTE)
            _record(apps, "AreaAlias", "area alias", alias, "+", f"{old} -> {new}", "", now)
    for membership in membership_model.objects.filter(pcn_id__in=pcn_ids, start=FORMER_START).order_by("pk"):
        text = _membership_text(apps, membership)
        clash = membership_model.objects.filter(practice_id=membership.practice_id, start=ODS_START).first()
        if clash is None:
            if membership.end is not None and membership.end <= ODS_START:
                continue  # a spell that ended before ODS's start: left for an analyst
            membership.start = ODS_START
            membership.save(update_fields=["start"])
            _record(
                apps,
                "PracticeMembership",
                "practice membership",
                membership,
                "~",
                text,
                f"start: {FORMER_START} -> {ODS_START}",
                now,
            )
        elif clash.pcn_id == membership.pcn_id and membership.end == ODS_START:
            # An ePCN import already split it: the invented quarter goes, the ODS spell stays.
            _record(apps, "PracticeMembership", "practice membership", membership, "-", text, "", now)
            membership.delete()
    _bump_page_version(schema_editor)


def to_local_codes(apps, schema_editor) -> None:
    """The reverse: the areas get their local codes back (their aliases go) and the 1 October 2019 starts in
    them go back to 1 July 2019."""
    area_model = apps.get_model("outcomes", "Area")
    alias_model = apps.get_model("outcomes", "AreaAlias")
    membership_model = apps.get_model("outcomes", "PracticeMembership")
    now = timezone.now()
    pcn_ids = []
    for old, new in FORMER_PCN_CODES.items():
        alias = alias_model.objects.filter(alias=old, area__code=new).select_related("area").first()
        if alias is None or area_model.objects.filter(code=old).exists():
            continue
        area = alias.area
        alias.delete()
        area.code = old
        area.save(update_fields=["code"])
        _record(apps, "Area", "area", area, "~", _area_text(area), f"code: {new} -> {old}", now)
        pcn_ids.append(area.pk)
    for membership in membership_model.objects.filter(pcn_id__in=pcn_ids, start=ODS_START).order_by("pk"):
        if membership_model.objects.filter(practice_id=membership.practice_id, start=FORMER_START).exists():
            continue
        text = _membership_text(apps, membership)
        membership.start = FORMER_START
        membership.save(update_fields=["start"])
        _record(
            apps,
            "PracticeMembership",
            "practice membership",
            membership,
            "~",
            text,
            f"start: {ODS_START} -> {FORMER_START}",
            now,
        )
    _bump_page_version(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0016_area_alias"),
        ("audit", "0001_audit_trail_access_log_role_history"),
    ]

    operations = [migrations.RunPython(to_ods_codes, to_local_codes)]
