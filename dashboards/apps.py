from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from . import invalidation, warm  # noqa: F401  (warm connects the warm-after-load receiver)

        invalidation.connect()
