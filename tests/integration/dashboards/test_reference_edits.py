"""Reference-data edits show on cached pages at once (ADR 0013), whoever makes them and however."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards.cache import data_version
from dashboards.invalidation import CACHED_REFERENCE_MODELS
from outcomes.models import Commentary, Indicator, Target

from ..admin_post import change_form_data

pytestmark = pytest.mark.django_db


def _outcome() -> Indicator:
    return Indicator.objects.filter(partnership_outcome__isnull=False).order_by("partnership_outcome").first()


@pytest.mark.parametrize("editor", ["admin", "analyst"])
def test_an_indicator_renamed_in_the_admin_shows_on_the_cached_board_at_once(role_client, editor):
    indicator = _outcome()
    board = role_client("board").get(reverse("dashboards:board")).content.decode()
    assert indicator.name in board

    client = role_client(editor)
    change_url = reverse("admin:outcomes_indicator_change", args=[indicator.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    new_name = f"{indicator.name} (renamed by {editor})"
    response = client.post(change_url, change_form_data(page, name=new_name))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert Indicator.objects.get(pk=indicator.pk).name == new_name

    board = role_client("board").get(reverse("dashboards:board")).content.decode()
    assert new_name in board


def test_a_deleted_target_changes_the_data_version():
    before = data_version()
    Target.objects.filter(indicator=_outcome()).first().delete()
    assert data_version() != before


def _commentary(django_user_model, text: str):
    from outcomes import actions
    from outcomes.models import Area

    indicator, area = _outcome(), Area.objects.get(code="E09000015")
    period_end = (
        indicator.observations.filter(area=area).order_by("-period_end").values_list("period_end", flat=True)[0]
    )
    author = django_user_model.objects.get(username="analyst")
    return actions.write_commentary(indicator=indicator, area=area, period_end=period_end, text=text, author=author)


def test_deleting_an_older_comment_changes_the_data_version(django_user_model):
    """The newest comment's id and time are in the version; deleting an older one changed neither."""
    older = _commentary(django_user_model, "Older note.")
    _commentary(django_user_model, "Newer note.")
    before = data_version()
    older.delete()
    assert data_version() != before


@pytest.mark.parametrize("model", CACHED_REFERENCE_MODELS, ids=lambda m: m._meta.label_lower)
def test_saving_any_reference_row_the_pages_show_changes_the_data_version(model, django_user_model):
    row = model.objects.first() or (_commentary(django_user_model, "A note.") if model is Commentary else None)
    assert row is not None, f"no {model._meta.label} in the test database"
    before = data_version()
    row.save()
    after = data_version()
    assert after != before
    row.save()
    assert data_version() not in {before, after}


def test_governance_edits_leave_cached_pages_alone():
    """Workstreams are not on cached pages, so editing one costs no page rebuilds."""
    from workstreams.models import Workstream

    before = data_version()
    Workstream.objects.first().save()
    assert data_version() == before
