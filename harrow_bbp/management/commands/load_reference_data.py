"""Load every reviewed reference file in fixtures/. Safe to re-run: nothing is duplicated."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.history import change_source
from outcomes import reference as outcome_reference
from workstreams import reference as workstream_reference

from ...roles import ensure_role_groups


class Command(BaseCommand):
    help = "Load areas, indicators, targets, plan values, partners, workstreams and insight themes from fixtures/."

    @transaction.atomic
    @change_source("command: load_reference_data")
    def handle(self, *args, **options) -> None:
        groups = ensure_role_groups()
        report = outcome_reference.load_all()
        partners = workstream_reference.load_partners()
        workstreams = workstream_reference.load_workstreams()
        themes, insights = workstream_reference.load_insight()
        for line in [
            f"role groups: {groups}",
            *report.lines(),
            f"partners: {partners}",
            f"workstreams: {workstreams}",
            f"insight themes: {themes}, plan insight entries: {insights}",
        ]:
            self.stdout.write(line)
