from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from . import invalidation, tasks  # noqa: F401  (tasks connects the board-pack and warm-after-load receivers)

        invalidation.connect()
