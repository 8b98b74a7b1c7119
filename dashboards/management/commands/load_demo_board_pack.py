"""Generate one demo board pack (last month's) through the same action and task as the page. Refuses in production.

Where this server cannot render PDFs (no Pango or Chromium), the task marks the pack failed with the reason, as it
would for an analyst; the command reports that and still succeeds, so `make demo` runs on any machine.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.history import change_source
from harrow_bbp.params import parse_month

from ...board_pack import actions
from ...board_pack.content import LAYOUT, last_complete_month
from ...models import BoardPack

#: The demo login that asks for the pack (create_demo_users makes it).
REQUESTED_BY = "analyst"


class Command(BaseCommand):
    help = "Generate the demo board pack for last month (or --month YYYY-MM), once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", default=None, help="The pack's month (YYYY-MM); default last month.")

    @change_source("command: load_demo_board_pack")
    def handle(self, *args, month: str | None, **options) -> None:
        if os.environ.get("DJANGO_ENV") == "production":
            raise CommandError("Demo board packs are never generated in production.")
        last_month = last_complete_month(timezone.localdate())
        try:
            first = parse_month(month, default=last_month)
        except Exception as exc:  # BadParameter: a clear message, not a traceback
            raise CommandError(str(exc)) from exc
        kept = BoardPack.objects.filter(month=first).exclude(status=BoardPack.Status.FAILED)
        if any(p.status != BoardPack.Status.READY or p.summary.get("layout") == LAYOUT for p in kept):
            self.stdout.write(f"A board pack for {first:%B %Y} already exists; nothing changed.")
            return
        # A pack of an older layout is kept as generated; the demo adds one in the current layout beside it.
        user = get_user_model().objects.filter(username=REQUESTED_BY).first()
        pack = actions.request_board_pack(month=first, requested_by=user)  # runs now when Celery is eager
        pack.refresh_from_db()
        if pack.status == BoardPack.Status.FAILED:
            self.stdout.write(f"Board pack for {first:%B %Y} could not be rendered here: {pack.error}")
        else:
            self.stdout.write(f"Board pack for {first:%B %Y}: {pack.get_status_display()}.")
