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


def test_a_second_run_leaves_a_kept_pack_alone(monkeypatch):
    from dashboards.tasks import generate_board_pack

    monkeypatch.setattr(generate_board_pack, "delay", lambda pk: BoardPack.objects.filter(pk=pk).update(status="ready"))
    _run("--month", "2026-02")
    assert "already exists" in _run("--month", "2026-02")
    assert BoardPack.objects.filter(month="2026-02-01").count() == 1


def test_a_bad_month_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        _run("--month", "2026-13")
