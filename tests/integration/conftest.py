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
