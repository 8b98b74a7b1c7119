"""Load the demo governance records (leads, milestones, monthly status reports, risks). Refuses in production."""

import datetime as dt
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.history import change_source
from workstreams import demo


class Command(BaseCommand):
    help = "Load demo leads, milestones, a year of monthly status reports and a risk register (labelled demo)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", default=None, help="The current month of the demo (YYYY-MM); default today.")

    @change_source("command: load_demo_governance")
    def handle(self, *args, month: str | None, **options) -> None:
        if os.environ.get("DJANGO_ENV") == "production":
            raise CommandError("Demo governance records are never loaded in production.")
        first = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
        counts = demo.load(month=first)
        if not counts:
            self.stdout.write("Demo governance records are already loaded; nothing changed.")
            return
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
