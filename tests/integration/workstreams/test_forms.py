"""Governance forms refuse what the database cannot hold, as form errors rather than server errors."""

from __future__ import annotations

import datetime as dt

import pytest

from workstreams.forms import InsightForm, InsightResponseForm
from workstreams.models import InsightTheme, Workstream

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]


@pytest.mark.parametrize("pk", [str(2**63), str(-(2**63) - 1), "1" * 40])
def test_workstream_ids_beyond_64_bits_are_invalid_choices(pk):
    form = InsightResponseForm({"status": "heard", "workstreams": [pk]})
    assert not form.is_valid() and "workstreams" in form.errors


def test_real_workstreams_and_dates_are_accepted():
    workstream = Workstream.objects.filter(is_active=True).first()
    data = {
        "theme": InsightTheme.objects.first().pk,
        "heard_on": dt.date(2026, 10, 1).isoformat(),
        "source": "Forum",
        "what_we_heard": "Long waits.",
        "status": "heard",
        "workstreams": [str(workstream.pk), "not-a-number"],
    }
    assert "workstreams" in InsightForm(data).errors  # the junk id, reported by Django as usual
    data["workstreams"] = [str(workstream.pk)]
    form = InsightForm(data)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["workstreams"]) == [workstream]
    assert "heard_on" in InsightForm(data | {"heard_on": "1999-12-31"}).errors
