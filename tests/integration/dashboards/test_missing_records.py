"""A page or action on a record that does not exist (or is not in the state it needs) is a 404, not an error:
the views read through selectors that return None, and say so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.world("empty")]

MISSING = 999_999


@pytest.fixture
def analyst(client):
    client.force_login(factories.UserFactory(username="analyst", role="analyst"))
    return client


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("dashboards:extract_problems", "get"),
        ("dashboards:extract_problems_xlsx", "get"),
        ("dashboards:extract_accept_coverage", "post"),
        ("dashboards:start_tracking", "post"),
        ("dashboards:rerun_extract", "post"),
        ("dashboards:approve_indicator_draft", "post"),
        ("dashboards:board_pack_html", "get"),
        ("dashboards:board_pack_pdf", "get"),
    ],
)
def test_a_missing_record_is_not_found(analyst, name, method):
    assert getattr(analyst, method)(reverse(name, args=[MISSING])).status_code == 404


@pytest.mark.parametrize("status", ["refused", "valid", "received"])
def test_coverage_is_accepted_only_on_a_loaded_extract(analyst, status):
    extract = factories.ExtractFactory(status=status)
    url = reverse("dashboards:extract_accept_coverage", args=[extract.pk])
    assert analyst.post(url, {"key": "x", "reason": "Agreed at the board."}).status_code == 404


def test_a_loaded_extract_reaches_the_coverage_form(analyst):
    extract = factories.ExtractFactory(status="loaded")
    url = reverse("dashboards:extract_accept_coverage", args=[extract.pk])
    assert analyst.post(url, {"key": "x", "reason": "Agreed at the board."}).status_code == 400  # no such held value
