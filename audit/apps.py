from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from .events import record_event

        post_create_historical_record.connect(record_event, dispatch_uid="audit.record_event")
