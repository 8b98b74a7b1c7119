"""create_demo_users can be run again (`make demo` twice, the page benchmark on a prepared database)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_a_second_run_resets_the_logins_with_their_names_in_place():
    analyst = get_user_model().objects.get(username="analyst")
    assert analyst.last_name == "Analyst (demo)"  # the session's first run set the name
    analyst.set_password("something-else-entirely-9")
    analyst.save()

    call_command("create_demo_users", stdout=StringIO())

    analyst.refresh_from_db()
    assert analyst.check_password("demo-analyst-2026")
    assert (analyst.first_name, analyst.last_name) == ("Alex", "Analyst (demo)")
