"""`load_demo_board_pack` makes one pack through the page's action and task, and never fails `make demo`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dashboards.models import BoardPack

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_board_pack", *args, stdout=out)
    return out.getvalue()


def test_without_a_renderer_the_pack_is_failed_with_the_reason_and_the_command_succeeds(
    monkeypatch, django_capture_on_commit_callbacks
):
    from dashboards.board_pack import pdf

    monkeypatch.setattr(pdf, "missing", lambda: "Pango is not installed")
    with django_capture_on_commit_callbacks(execute=True):  # the task runs on commit, eagerly, as in `make demo`
        _run("--month", "2026-01")
    pack = BoardPack.objects.get(month="2026-01-01")
    assert pack.status == BoardPack.Status.FAILED and "Pango is not installed" in pack.error
    assert pack.requested_by.username == "analyst"


def _generated(pk: int) -> None:
    """What the task leaves: a ready pack in the current layout."""
    from dashboards.board_pack.content import LAYOUT

    BoardPack.objects.filter(pk=pk).update(status="ready", summary={"layout": LAYOUT})


def test_a_second_run_leaves_a_kept_pack_alone(monkeypatch):
    from dashboards.tasks import generate_board_pack

    monkeypatch.setattr(generate_board_pack, "delay", _generated)
    _run("--month", "2026-02")
    assert "already exists" in _run("--month", "2026-02")
    assert BoardPack.objects.filter(month="2026-02-01").count() == 1


def test_a_pack_of_an_older_layout_is_kept_and_the_demo_gets_one_in_the_current_layout(
    monkeypatch, django_capture_on_commit_callbacks
):
    from dashboards.board_pack.content import LAYOUT
    from dashboards.tasks import generate_board_pack

    old = BoardPack.objects.create(month="2026-03-01", status="ready", summary={"outcomes": []})  # before layouts
    monkeypatch.setattr(generate_board_pack, "delay", _generated)
    with django_capture_on_commit_callbacks(execute=True):
        _run("--month", "2026-03")
    packs = BoardPack.objects.filter(month="2026-03-01").order_by("pk")
    assert packs.first() == old and packs.count() == 2
    assert packs.last().summary["layout"] == LAYOUT
    assert "already exists" in _run("--month", "2026-03")


def test_the_default_is_the_last_complete_month(monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from dashboards.tasks import generate_board_pack

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 1, 6))
    monkeypatch.setattr(generate_board_pack, "delay", _generated)
    _run()
    assert BoardPack.objects.get().month == dt.date(2026, 12, 1)


def test_a_bad_month_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        _run("--month", "2026-13")
