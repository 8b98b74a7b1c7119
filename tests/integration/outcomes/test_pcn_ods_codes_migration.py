"""Migration 0017 moves an existing database onto the PCNs' ODS codes (ADR 0017), on SQLite and PostgreSQL.

The database is taken back to 0016 (the reverse gives the PCNs their local codes and the invented 1 July 2019
starts back), given what a database of that time could hold (a membership an ePCN import had already split), and
migrated forward again with Django's MigrationExecutor.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from outcomes.pcn_codes import FORMER_MEMBERSHIP_START, FORMER_PCN_CODES, ODS_MEMBERSHIP_START

BEFORE = ("outcomes", "0016_area_alias")
AFTER = ("outcomes", "0017_pcn_ods_codes")
MIGRATION = importlib.import_module("outcomes.migrations.0017_pcn_ods_codes")


def migrate(target: tuple[str, str]):
    """Migrate the outcomes app to ``target``; the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_keeps_a_frozen_copy_of_the_code_mapping():
    assert MIGRATION.FORMER_PCN_CODES == FORMER_PCN_CODES
    assert (MIGRATION.FORMER_START, MIGRATION.ODS_START) == (FORMER_MEMBERSHIP_START, ODS_MEMBERSHIP_START)


@pytest.mark.migrations
@pytest.mark.usefixtures("reference_db")
def test_an_existing_database_moves_to_ods_codes_with_aliases_history_and_ods_dates():
    try:
        old = migrate(BEFORE)
        area, membership = old.get_model("outcomes", "Area"), old.get_model("outcomes", "PracticeMembership")
        # Back at 0016 the PCNs have their local codes and memberships start on the invented date.
        pcns = dict(area.objects.filter(level="pcn").values_list("code", "name"))
        assert set(pcns) == set(FORMER_PCN_CODES)
        starts = set(membership.objects.values_list("start", flat=True))
        assert starts == {FORMER_MEMBERSHIP_START}
        total = membership.objects.count()
        # A practice an ePCN import had split at 1 October 2019 (same PCN): the invented quarter must go.
        split = membership.objects.get(practice__code="E84068")
        split.end = ODS_MEMBERSHIP_START
        split.save()
        membership.objects.create(practice_id=split.practice_id, pcn_id=split.pcn_id, start=ODS_MEMBERSHIP_START)
        healthsense = area.objects.get(code="HRW-PCN-HS").pk

        new = migrate(AFTER)
        area, membership = new.get_model("outcomes", "Area"), new.get_model("outcomes", "PracticeMembership")
        alias = new.get_model("outcomes", "AreaAlias")
        assert area.objects.get(pk=healthsense).code == "U84846"  # the same row: every link to it kept
        assert set(area.objects.filter(level="pcn").values_list("code", flat=True)) == set(FORMER_PCN_CODES.values())
        assert not area.objects.filter(code__startswith="HRW-PCN-").exists()
        assert dict(alias.objects.values_list("alias", "area__code")) == FORMER_PCN_CODES
        assert set(membership.objects.values_list("start", flat=True)) == {ODS_MEMBERSHIP_START}
        assert membership.objects.count() == total
        assert list(membership.objects.filter(practice__code="E84068").values_list("pcn__code", "end")) == [
            ("U84846", None)
        ]
        # Recorded in the areas' history and the audit trail, like any other change (ADR 0012).
        event = new.get_model("audit", "AuditEvent")
        ours = event.objects.filter(source__startswith="migration outcomes 0017")
        renames = ours.filter(model="outcomes.area", changes__startswith="code: HRW-PCN-")
        assert set(renames.values_list("changes", flat=True)) == {
            f"code: {o} -> {n}" for o, n in FORMER_PCN_CODES.items()
        }
        assert ours.filter(changes="start: 2019-07-01 -> 2019-10-01").count() == total - 1  # one was merged
        assert ours.filter(model="outcomes.practicemembership", action="deleted").count() == 1
        history = new.get_model("outcomes", "HistoricalArea").objects.filter(id=healthsense).latest("history_id")
        assert (history.code, history.history_type) == ("U84846", "~")

        # Migrating again (forward after forward) has nothing to do.
        again = migrate(AFTER)
        assert again.get_model("outcomes", "AreaAlias").objects.count() == len(FORMER_PCN_CODES)
    finally:
        latest()
