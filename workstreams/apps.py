from django.apps import AppConfig


class WorkstreamsConfig(AppConfig):
    name = "workstreams"
    verbose_name = "Workstreams and governance"

    def ready(self) -> None:
        # The staff measures break down by partner organisation, a governance record: governance tells the
        # measurement core which partner codes are valid, so the core never imports governance.
        from outcomes.ingest.reference import register_category_source

        from .selectors import partner_codes

        register_category_source("partner", partner_codes)
