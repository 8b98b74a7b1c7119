"""Celery tasks of the dashboards: the monthly board pack, and warming the most-read pages after a load.

Thin wrappers over actions and ``warm``. The receivers here queue them: a requested pack (``board_pack_requested``)
and, when DASHBOARD_WARM_AFTER_LOAD, a finished load (``extract_loaded``). ``apps.ready`` imports this module.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver

from outcomes.signals import extract_loaded

from . import warm
from .board_pack import actions, images, pdf
from .models import BoardPack
from .signals import board_pack_requested

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generate_board_pack(pack_id: int) -> dict:
    """Render a requested board pack to HTML and PDF; on any error mark it failed with a plain message."""
    pack = BoardPack.objects.select_related("requested_by").get(pk=pack_id)
    if pack.status == BoardPack.Status.READY:  # redelivered after it finished: nothing to do
        return {"status": pack.status}
    reason = pdf.missing()
    if reason:
        actions.fail_board_pack(pack=pack, error=f"The pack could not be generated on this server: {reason}.")
        return {"status": BoardPack.Status.FAILED}
    try:
        pack = actions.build_board_pack(pack=pack)
    except Exception as exc:
        log.exception("Board pack %s failed", pack_id)
        actions.fail_board_pack(
            pack=pack,
            error=f"The system failed while generating this pack ({failure(exc)}). Nothing was published; "
            "try again, and tell the data team if it fails again.",
        )
        return {"status": BoardPack.Status.FAILED}
    return {"status": pack.status, "pages": pack.page_count, "sha256": pack.pdf_sha256}


def failure(exc: Exception) -> str:
    """What the pack's page says went wrong: the chart the browser could not draw, else the error's kind."""
    if isinstance(exc, images.ChartDrawingError):
        return exc.summary  # the chart's title may hold a colon ("GP access: % good")
    return type(exc).__name__


@receiver(board_pack_requested)
def queue_board_pack(sender, pack: BoardPack, **kwargs) -> None:
    generate_board_pack.delay(pack.pk)


# The name it had in ``dashboards.warm``: messages already queued under it still find the task.
@shared_task(name="dashboards.warm.warm_pages_task", acks_late=True)
def warm_pages_task() -> int:
    count = warm.warm_pages()
    log.info("Warmed %s dashboard pages", count)
    return count


@receiver(extract_loaded)
def warm_after_load(sender, extract, **kwargs) -> None:
    if settings.DASHBOARD_WARM_AFTER_LOAD:
        warm_pages_task.delay()
