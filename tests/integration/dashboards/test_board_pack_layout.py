"""The board pack's layout and its page: no section split and no lone row however long the notes, progress while
it generates, the last complete month by default, the kept PDF checked against its checksum, and who may read.

The layout test lays the real pack out with WeasyPrint (Pango) but draws blank charts of the real size, so it
needs no browser; it is skipped with the reason when WeasyPrint cannot load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dashboards.board_pack import actions, content, images
from dashboards.models import BoardPack
from outcomes.models import Commentary
from outcomes.selectors import harrow
from workstreams.models import Person, Risk, StatusReport, Workstream

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 9, 1)  # the demo data end on 2026-09-30
HX = {"HTTP_HX_REQUEST": "true"}
ROLES = ["board", "pcnlead", "analyst", "admin"]


def weasyprint_missing() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint and Pango are needed (make system-packages): {exc}"
    return None


needs_weasyprint = pytest.mark.skipif(weasyprint_missing() is not None, reason=weasyprint_missing() or "")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def blank_charts(figures, *, sizes, on_drawn):
    """White PNGs of the size kaleido would draw (scale 2): the layout is the real one, without a browser."""
    import struct
    import zlib

    def png(width: int, height: int) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        raw = (b"\x00" + b"\xff" * 3 * width) * height
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return images.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

    out = []
    for i, (width, height) in enumerate(sizes, 1):
        out.append(png(width * images.SCALE, height * images.SCALE))
        on_drawn(i)
    return out


class BlankCharts:
    """A chart session that 'draws' blank charts of the real size, in the order they are handed in."""

    def __init__(self, **kwargs):
        self.sizes: list[tuple[int, int]] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def draw(self, figure, *, width, height):
        self.sizes.append((width, height))

    def finish(self, on_drawn=None):
        return blank_charts([None] * len(self.sizes), sizes=self.sizes, on_drawn=on_drawn or (lambda n: None))


LONG = " ".join(["The latest value moved after the winter pressures and the new clinics; the team expects"] * 14)


def crowd_the_pack() -> None:
    """The longest pack the board could be sent: long notes on every outcome, every workstream red with a long
    escalation, and more risks above appetite than fit on a page."""
    borough = harrow()
    _, tiles = content.board_tiles(content.month_end(MONTH), up_to=content.month_end(MONTH))
    for tile in tiles:
        for n in range(3):
            Commentary.objects.create(
                indicator=tile.indicator, area=borough, period_end=dt.date(2026, 9, 30 - n), text=f"Note {n}. {LONG}"
            )
    for workstream in Workstream.objects.filter(is_active=True):
        StatusReport.objects.create(
            workstream=workstream,
            month=MONTH,
            rag=StatusReport.Rag.RED,
            achievements="Some.",
            next_steps="More.",
            escalations=f"The board is asked to decide on estates. {LONG}",
        )
    owner, _ = Person.objects.get_or_create(name="Pat Owner", defaults={"job_title": "Director"})
    for n in range(24):
        Risk.objects.create(
            reference=f"LT-{n:02d}",
            title=f"Long risk {n}: workforce gaps delay the neighbourhood teams in the north of the borough",
            description="Vacancies.",
            owner=owner,
            likelihood=4,
            impact=4 + n % 2,
            target_likelihood=2,
            target_impact=3,
            mitigations=LONG,
            review_date=dt.date(2026, 10, 15),
            opened_on=dt.date(2026, 6, 1),
        )


@pytest.mark.slow  # lays out the PDF many times
@needs_weasyprint
def test_however_long_the_notes_no_section_splits_and_no_table_leaves_a_lone_row():
    from dashboards.board_pack import pdf

    crowd_the_pack()
    gathered = content.add_images(content.gather(MONTH), render=blank_charts)
    html = content.render_html(gathered)
    laid_out = pdf.layout(pdf.render_document(html))
    assert laid_out.faults() == []

    # The blocks the rules protect were all there, each on one page; the tables did run over pages.
    codes = [page.tile.indicator.code for page in gathered.outcomes]
    expected = {"summary-scorecard", "summary-matrix", "summary-changes", "heat-map"}
    expected |= {f"outcome-{code}" for code in codes} | {f"pcn-{v.indicator.code}" for v in gathered.pcn_variation}
    assert expected <= set(laid_out.keep_pages)
    assert all(len(pages) == 1 for pages in laid_out.keep_pages.values())
    outcome_pages = [laid_out.keep_pages[f"outcome-{code}"][0] for code in codes]
    assert len(set(outcome_pages)) == len(codes)  # one page per outcome
    assert laid_out.keep_pages["summary-scorecard"] == [1]  # the executive summary opens the pack
    assert max(laid_out.keep_pages["summary-matrix"]) < min(outcome_pages)
    for key in ("escalated-reports", "escalated-risks", "risks"):
        assert len({pages[0] for pages in laid_out.table_rows[key]}) >= 2, f"{key} fitted on one page"

    # The check is worth something: without the page-break rules the same pack breaks them.
    bare = re.sub(r"/\* page-break rules.*?end of the page-break rules \*/", "", html, flags=re.S)
    assert bare != html
    assert pdf.layout(pdf.render_document(bare)).faults()


# ---------------------------------------------------------------------------------------------------------------
# The status page: progress, checksum, access


def test_a_queued_pack_polls_with_an_indeterminate_progress_bar(role_client):
    pack = BoardPack.objects.create(month=MONTH)
    page = role_client("analyst").get(reverse("dashboards:board_pack", args=[pack.pk]), **HX).content.decode()
    assert "hx-trigger" in page and "Waiting for a worker to start" in page
    bar = re.search(r"<progress[^>]*>", page).group(0)
    assert "value=" not in bar


@pytest.mark.parametrize("username", ROLES)
def test_every_role_sees_the_progress_of_a_pack_being_generated(role_client, username):
    pack = BoardPack.objects.create(month=MONTH, status=BoardPack.Status.RENDERING)
    actions.record_progress(pack=pack, fraction=0.42, words="Drawing the charts: 3 of 10 done")
    response = role_client(username).get(reverse("dashboards:board_pack", args=[pack.pk]), **HX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page  # the partial the page polls, not the whole page
    assert re.search(r'<progress id="pack-progress-\d+" max="100" value="42">', page)
    assert "Drawing the charts: 3 of 10 done (42%)" in page and 'hx-trigger="every 2s"' in page


def test_progress_is_never_written_over_a_finished_pack():
    pack = BoardPack.objects.create(month=MONTH, status=BoardPack.Status.READY, summary={"outcomes": []})
    actions.record_progress(pack=pack, fraction=0.5, words="late")
    pack.refresh_from_db()
    assert pack.summary == {"outcomes": []} and pack.progress is None


@pytest.mark.slow  # draws the charts with Chromium
def test_the_pack_reports_its_progress_in_order_as_it_is_built(monkeypatch):
    from dashboards.board_pack import pdf

    if weasyprint_missing():
        pytest.skip(weasyprint_missing())
    seen = []
    original = actions.record_progress

    def spy(*, pack, fraction, words):
        seen.append((fraction, words, BoardPack.objects.get(pk=pack.pk).status))
        original(pack=pack, fraction=fraction, words=words)

    monkeypatch.setattr(actions, "record_progress", spy)
    monkeypatch.setattr(images, "ChartSession", BlankCharts)
    monkeypatch.setattr(pdf, "missing", lambda: None)
    pack = actions.build_board_pack(pack=BoardPack.objects.create(month=MONTH))
    assert pack.status == BoardPack.Status.READY and "progress" not in pack.summary
    fractions = [f for f, _, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] < 0.1 and fractions[-1] > 0.9
    assert {status for _, _, status in seen} == {BoardPack.Status.RENDERING}
    said = [w for _, w, _ in seen]
    charts = len(pack.summary["outcomes"]) + len(pack.summary["pcn_variation"])
    assert said[0] == "Reading the outcome measures" and said[-1] == "Writing the PDF"
    assert f"Drawing the charts: {charts} of {charts} done" in said and "Laying out the pages" in said


def ready_pack(pdf_bytes: bytes = b"%PDF-1.7 a kept pack") -> BoardPack:
    pack = BoardPack.objects.create(month=MONTH, status=BoardPack.Status.READY, page_count=1, summary={"outcomes": []})
    pack.pdf.save(f"{pack.pk}.pdf", ContentFile(pdf_bytes), save=False)
    pack.html.save(f"{pack.pk}.html", ContentFile(b"<html></html>"), save=False)
    pack.pdf_sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    pack.data_up_to = dt.date(2026, 9, 30)
    pack.save()
    return pack


@pytest.mark.parametrize("username", ROLES)
def test_every_role_reads_a_ready_pack_with_its_checksum_checked(role_client, username):
    pack = ready_pack()
    client = role_client(username)
    page = client.get(reverse("dashboards:board_pack", args=[pack.pk])).content.decode()
    assert pack.pdf_sha256 in page and "the stored PDF is exactly the one generated" in page
    assert "hx-trigger" not in page and "<progress" not in page
    served = client.get(reverse("dashboards:board_pack_pdf", args=[pack.pk]))
    assert served.status_code == 200 and hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == (
        pack.pdf_sha256
    )
    assert client.get(reverse("dashboards:board_pack_html", args=[pack.pk])).status_code == 200


def test_a_stored_pdf_that_changed_is_reported(role_client):
    pack = ready_pack()
    with open(pack.pdf.path, "ab") as handle:
        handle.write(b" tampered")
    page = role_client("board").get(reverse("dashboards:board_pack", args=[pack.pk])).content.decode()
    assert "no longer matches its checksum" in page and "exactly the one generated" not in page


def test_anonymous_readers_see_no_progress_and_no_pack(client):
    pack = ready_pack()
    for name in ["dashboards:board_pack", "dashboards:board_pack_pdf", "dashboards:board_pack_html"]:
        response = client.get(reverse(name, args=[pack.pk]), **HX)
        assert response.status_code == 302 and reverse("login") in response.url


# ---------------------------------------------------------------------------------------------------------------
# The month it starts at


@pytest.mark.parametrize(
    ("today", "shown"),
    [(dt.date(2026, 12, 6), "2026-11"), (dt.date(2027, 1, 1), "2026-12"), (dt.date(2026, 3, 31), "2026-02")],
)
def test_the_form_starts_at_the_last_complete_month(role_client, monkeypatch, today, shown):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    page = role_client("analyst").get(reverse("dashboards:board_packs")).content.decode()
    field = re.search(r'<input[^>]*type="month"[^>]*>', page).group(0)
    assert f'value="{shown}"' in field
    assert "last complete month" in page
