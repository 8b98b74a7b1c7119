"""Fixtures for integration tests."""

import pytest


@pytest.fixture
def reference_db(transactional_db):
    """A transactional database with the reference data (earlier transactional tests flush everything)."""
    from io import StringIO

    from django.core.management import call_command

    from outcomes.models import Area

    if not Area.objects.exists():
        call_command("load_reference_data", stdout=StringIO())


@pytest.fixture
def eager_celery():
    """Run tasks in-process for tests about pages and folders, even when a real broker is configured."""
    from harrow_bbp.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
