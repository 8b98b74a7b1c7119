"""Writes for board packs: keyword-only, transactional, logged. Views and the Celery task call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from harrow_bbp.people import display_name

from ..models import BoardPack
from ..signals import board_pack_requested
from . import content, pdf

log = logging.getLogger(__name__)


def request_board_pack(*, month: dt.date, requested_by: Any) -> BoardPack:
    """Record a request for ``month``'s pack and queue its generation once the row is committed."""
    with transaction.atomic():
        pack = BoardPack.objects.create(month=content.month_start(month), requested_by=requested_by)
        transaction.on_commit(lambda: board_pack_requested.send(sender=BoardPack, pack=pack))
    log.info("Board pack %s for %s requested by %s", pack.pk, f"{pack.month:%Y-%m}", requested_by)
    return pack


def _mark(pack: BoardPack, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(pack, name, value)
    BoardPack.objects.filter(pk=pack.pk).update(**fields)


def build_board_pack(*, pack: BoardPack) -> BoardPack:
    """Gather, draw and render the pack; store its HTML and PDF. Raises on failure (see ``fail_board_pack``)."""
    started = time.monotonic()
    _mark(pack, status=BoardPack.Status.RENDERING, started_at=timezone.now(), error="")
    requested_by = ""
    if pack.requested_by_id:
        requested_by = display_name(pack.requested_by)
    gathered = content.add_images(content.gather(pack.month, requested_by=requested_by))
    html = content.render_html(gathered)
    pdf_bytes, pages = pdf.render_pdf(html)
    with transaction.atomic():
        pack = BoardPack.objects.select_for_update().get(pk=pack.pk)
        pack.html.save(f"{pack.pk}.html", ContentFile(html.encode("utf-8")), save=False)
        pack.pdf.save(f"{pack.pk}.pdf", ContentFile(pdf_bytes), save=False)
        pack.pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
        pack.page_count = pages
        pack.data_up_to = gathered.month_end
        pack.summary = gathered.summary()
        pack.status = BoardPack.Status.READY
        pack.completed_at = timezone.now()
        pack.error = ""
        pack.save()
    log.info(
        "Board pack %s for %s ready: %d pages in %.1fs",
        pack.pk,
        f"{pack.month:%Y-%m}",
        pages,
        time.monotonic() - started,
    )
    return pack


def fail_board_pack(*, pack: BoardPack, error: str) -> BoardPack:
    """Mark a pack failed with a plain message for the page."""
    _mark(pack, status=BoardPack.Status.FAILED, completed_at=timezone.now(), error=error)
    log.warning("Board pack %s failed: %s", pack.pk, error)
    return pack
