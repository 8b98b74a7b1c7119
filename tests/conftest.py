"""Shared fixtures: the test database starts with the reference data and a short run of demo data."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = "eager (in-process)" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL
    return [f"harrow: database={engine}, celery={broker}"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load reference data and 24 months of demo data once per session (tests roll back to this state)."""
    from django.conf import settings

    # Tests that want the after-load page warming call it directly; queued warming would pile up on the broker.
    settings.DASHBOARD_WARM_AFTER_LOAD = False
    with django_db_blocker.unblock(), open(os.devnull, "w") as quiet:
        call_command("load_reference_data", stdout=quiet)
        call_command("load_demo_data", months=24, stdout=quiet)
        call_command("create_demo_users", stdout=quiet)
        call_command("load_demo_governance", stdout=quiet)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages: a page cached by an earlier, rolled-back test would carry the data
    version it was built at, which the database returns to after the rollback."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def board_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="board"))
    return client


@pytest.fixture
def role_client(client, django_user_model):
    def login(username: str):
        client.force_login(django_user_model.objects.get(username=username))
        return client

    return login
