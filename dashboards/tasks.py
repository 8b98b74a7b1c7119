"""Celery tasks of the dashboards: the monthly board pack. Thin wrappers over actions."""

from __future__ import annotations

import logging

from celery import shared_task

from .models import BoardPack

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def generate_board_pack(pack_id: int) -> dict:
    """Render a requested board pack to HTML and PDF; on any error mark it failed with a plain message."""
    from .board_pack import actions, pdf

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
            error=f"The system failed while generating this pack ({type(exc).__name__}). Nothing was published; "
            "try again, and tell the data team if it fails again.",
        )
        return {"status": BoardPack.Status.FAILED}
    return {"status": pack.status, "pages": pack.page_count, "sha256": pack.pdf_sha256}
