from django.apps import AppConfig


class HarrowBbpConfig(AppConfig):
    name = "harrow_bbp"
    verbose_name = "Users and access"

    def ready(self) -> None:
        # Signal receivers: the lockout audit log and the session's sign-in time.
        from . import lockout, session_limits  # noqa: F401
