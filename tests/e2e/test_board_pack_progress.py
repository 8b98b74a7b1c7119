"""While a pack generates, its page shows how far it has got and updates itself (htmx polling) until it is ready,
on a phone too, and passes axe."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from .support import axe_violations, blocking, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_status_page_shows_progress_and_turns_into_the_ready_pack_by_itself(signed_in, settings, tmp_path):
    from dashboards.board_pack import actions
    from dashboards.models import BoardPack

    settings.MEDIA_ROOT = tmp_path / "media"
    pack = BoardPack.objects.create(month=dt.date(2026, 9, 1), status=BoardPack.Status.RENDERING)
    actions.record_progress(pack=pack, fraction=0.3, words="Drawing the charts: 2 of 10 done")
    page = signed_in("board")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("dashboards:board_pack", args=[pack.pk]))
    bar = page.locator("progress")
    assert bar.is_visible() and bar.get_attribute("value") == "30"
    assert page.get_by_label("Drawing the charts: 2 of 10 done (30%)").count() == 1
    problems = blocking(axe_violations(page))
    assert not problems, describe(problems)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The worker carries on: the page follows without a reload.
    actions.record_progress(pack=pack, fraction=0.8, words="Laying out the pages")
    page.wait_for_selector('progress[value="80"]', timeout=10_000)
    body = b"%PDF-1.7 the pack"
    pack.pdf.save(f"{pack.pk}.pdf", ContentFile(body), save=False)
    pack.html.save(f"{pack.pk}.html", ContentFile(b"<html></html>"), save=False)
    BoardPack.objects.filter(pk=pack.pk).update(
        status=BoardPack.Status.READY,
        pdf=pack.pdf.name,
        html=pack.html.name,
        pdf_sha256=hashlib.sha256(body).hexdigest(),
        page_count=17,
        data_up_to=dt.date(2026, 9, 30),
        summary={"outcomes": []},
    )
    page.get_by_role("link", name="Open the PDF").wait_for(timeout=10_000)
    assert page.locator("progress").count() == 0
    assert hashlib.sha256(body).hexdigest() in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
