"""Delete access log entries older than ACCESS_LOG_RETENTION_DAYS (or --days)."""

from django.core.management.base import BaseCommand, CommandError

from ...retention import prune_access_log


class Command(BaseCommand):
    help = "Delete access log entries older than the retention period (ACCESS_LOG_RETENTION_DAYS, default 730)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep this many days instead of the setting.")

    def handle(self, *args, days: int | None = None, **options) -> None:
        try:
            deleted = prune_access_log(days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"access log entries deleted: {deleted}")
