"""The monthly board pack: who may generate and read it, the generated PDF's content, and packs kept as they were.

The PDF tests draw real charts with Kaleido (Debian's Chromium) and render with WeasyPrint (Pango); they are
skipped with the reason when either is missing (``make system-packages`` installs them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from django.urls import reverse

from dashboards.board import board_tiles
from dashboards.board_pack import content
from dashboards.board_pack import pdf as pack_pdf
from dashboards.models import BoardPack
from harrow_bbp.people import display_name
from outcomes.models import Area, Commentary, Indicator, Observation
from outcomes.selectors import harrow
from workstreams.models import Person, Risk, StatusReport, Workstream

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

MONTH = dt.date(2026, 9, 1)  # the demo data end on 2026-09-30
MONTH_END = dt.date(2026, 9, 30)
MISSING = pack_pdf.missing()
needs_renderer = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def generate(client, month: str = "2026-09", *, capture) -> tuple:
    """POST the form as ``client``, running the queued task (eagerly) when the request's transaction commits."""
    with capture(execute=True):
        response = client.post(reverse("dashboards:board_packs"), {"month": month})
    return response, BoardPack.objects.latest("pk")


def drawn_images(page) -> list[tuple[int, int, int]]:
    """(width, height, decoded bytes) of each image the page's content stream draws (WeasyPrint shares resources)."""
    from pypdf.generic import ContentStream

    xobjects = page["/Resources"].get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    out = []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                out.append((int(xobject["/Width"]), int(xobject["/Height"]), len(xobject.get_data())))
    return out


def small_pcn_count() -> tuple[str, str]:
    """Make one PCN's September ACSC count 3 (a small number): its value must not be shown below borough level.
    Returns the PCN's name and the value text it showed before."""
    indicator = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS")
    pcn = Area.objects.filter(parent=harrow(), level="pcn").order_by("sort_order").first()
    row = Observation.objects.get(
        indicator=indicator, area=pcn, period_end=MONTH_END, breakdown="all", is_current=True, period_start=MONTH
    )
    before = indicator.format_value(row.value)
    Observation.objects.filter(pk=row.pk).update(numerator=3, value=3 / row.denominator * indicator.multiplier)
    return pcn.display_name, before


def governance_rows() -> tuple[StatusReport, Risk]:
    workstream = Workstream.objects.filter(is_active=True).order_by("objective", "sort_order").first()
    owner, _ = Person.objects.get_or_create(name="Pat Owner", defaults={"job_title": "Director of testing"})
    report = StatusReport.objects.create(
        workstream=workstream,
        month=MONTH,
        rag=StatusReport.Rag.RED,
        achievements="Recruited two care coordinators.",
        next_steps="Start the clinics.",
        escalations="Estates sign-off for the Wealdstone hub is needed from the board.",
    )
    risk = Risk.objects.create(
        reference="BP-T1",
        title="Workforce gaps delay the neighbourhood teams",
        description="Vacancies in community nursing.",
        owner=owner,
        likelihood=4,
        impact=5,
        target_likelihood=2,
        target_impact=4,
        mitigations="Joint recruitment campaign.",
        review_date=dt.date(2026, 10, 15),
        opened_on=dt.date(2026, 6, 1),
    )
    return report, risk


# ---------------------------------------------------------------------------------------------------------------
# Access


@pytest.mark.parametrize("username", ["board", "analyst", "pcnlead", "admin"])
def test_every_signed_in_role_reads_the_list(role_client, username):
    response = role_client(username).get(reverse("dashboards:board_packs"))
    assert response.status_code == 200
    assert b"Board packs" in response.content
    assert (b"Generate the pack" in response.content) == (username in {"analyst", "admin"})


@pytest.mark.parametrize("username", ["board", "pcnlead"])
def test_board_members_and_pcn_leads_cannot_generate(role_client, username, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = role_client(username).post(reverse("dashboards:board_packs"), {"month": "2026-09"})
    assert response.status_code == 403
    assert not BoardPack.objects.exists()


def test_an_analyst_request_is_queued_and_the_status_page_polls(role_client):
    client = role_client("analyst")
    response = client.post(reverse("dashboards:board_packs"), {"month": "2026-09"})  # on_commit never fires here
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response.url == reverse("dashboards:board_pack", args=[pack.pk])
    assert pack.month == MONTH and pack.status == BoardPack.Status.QUEUED and pack.requested_by.username == "analyst"
    page = client.get(response.url).content.decode()
    assert "Queued" in page and "hx-trigger" in page
    assert client.get(reverse("dashboards:board_pack_pdf", args=[pack.pk])).status_code == 404  # not ready


def test_a_future_month_is_refused(role_client):
    response = role_client("analyst").post(reverse("dashboards:board_packs"), {"month": "2099-01"})
    assert response.status_code == 200 and b"Choose this month or an earlier one" in response.content
    assert not BoardPack.objects.exists()


@pytest.mark.parametrize("name", ["dashboards:board_packs"])
def test_anonymous_users_are_sent_to_login(client, name):
    pack = BoardPack.objects.create(month=MONTH)
    for url in [
        reverse(name),
        reverse("dashboards:board_pack", args=[pack.pk]),
        reverse("dashboards:board_pack_pdf", args=[pack.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url


def test_a_failure_marks_the_pack_failed_with_a_plain_message(
    role_client, monkeypatch, django_capture_on_commit_callbacks
):
    from dashboards.board_pack import content, pdf

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(content, "gather", broken)
    monkeypatch.setattr(pdf, "missing", lambda: None)
    client = role_client("analyst")
    _, pack = generate(client, capture=django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.FAILED and pack.completed_at is not None
    assert "ValueError" in pack.error and "try again" in pack.error
    page = client.get(reverse("dashboards:board_pack", args=[pack.pk])).content.decode()
    assert "The pack was not generated" in page and "hx-trigger" not in page


def test_a_chart_the_browser_cannot_draw_is_named_in_the_packs_failure(
    role_client, monkeypatch, django_capture_on_commit_callbacks
):
    from dashboards.board_pack import actions as pack_actions
    from dashboards.board_pack import images, pdf

    def cannot_draw(*args, **kwargs):
        raise images.ChartDrawingError(
            "Chart 2 (Emergency admissions) could not be drawn after 3 tries", "JavascriptError: TypeError: x"
        )

    monkeypatch.setattr(pack_actions, "build_board_pack", cannot_draw)
    monkeypatch.setattr(pdf, "missing", lambda: None)
    _, pack = generate(role_client("analyst"), capture=django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.FAILED
    assert "(Chart 2 (Emergency admissions) could not be drawn after 3 tries)" in pack.error
    assert "TypeError" not in pack.error and "try again" in pack.error


# ---------------------------------------------------------------------------------------------------------------
# The generated pack


@pytest.mark.slow  # draws with Chromium and lays out the PDF
@needs_renderer
def test_the_pdf_for_the_demo_month_has_every_page_and_the_dashboards_figures(
    role_client, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    report, risk = governance_rows()
    hidden = small_pcn_count()
    client = role_client("analyst")
    response, pack = generate(client, capture=django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert response.status_code == 302 and pack.status == BoardPack.Status.READY, pack.error
    assert pack.html.name == f"board_packs/2026-09/{pack.pk}.html"
    assert pack.pdf.name == f"board_packs/2026-09/{pack.pk}.pdf"
    assert pack.data_up_to == MONTH_END and len(pack.pdf_sha256) == 64

    # Every signed-in role reads it; the PDF is served inline under the month's name.
    for username in ["board", "pcnlead", "analyst"]:
        served = role_client(username).get(reverse("dashboards:board_pack_pdf", args=[pack.pk]))
        assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
        assert served["Content-Disposition"] == 'inline; filename="harrow-board-pack-2026-09.pdf"'
    body = b"".join(served.streaming_content)
    assert hashlib.sha256(body).hexdigest() == pack.pdf_sha256

    reader = PdfReader(io.BytesIO(body))
    pages = [words(p.extract_text()) for p in reader.pages]
    text = " ".join(pages)
    _, tiles = board_tiles(MONTH_END, up_to=MONTH_END)
    pcn_level = [t for t in tiles if "pcn" in t.indicator.levels]
    # Executive summary, a page per outcome measure, PCN variation, workstreams, risks, heat map, the numbers.
    assert len(reader.pages) == pack.page_count >= 5 + len(tiles)
    for heading in ["Board pack", "September 2026", "Executive summary", "Workstream status"]:
        assert heading in text
    assert "Top risks" in text and "Heat map of open risks" in text and "Variation between PCNs" in text
    assert not pack.summary["layout_faults"], pack.summary["layout_faults"]
    # No bare "None" a reader could take for a missing value leaking from the code: every empty cell says why.
    assert not re.findall(r"\bNone\b", text)

    # The same figures the dashboard builds for the same month.
    assert {t.indicator.partnership_outcome for t in tiles} == {1, 2, 3, 4, 5}  # the five outcomes
    image_pages = [
        (text_of, drawn) for text_of, drawn in zip(pages, map(drawn_images, reader.pages), strict=True) if drawn
    ]
    # One SPC chart on each outcome's page; the PCN charts on the PCN variation pages; none elsewhere.
    assert sum(len(drawn) for _, drawn in image_pages) == len(tiles) + len(pcn_level)
    assert all("Outcome" in t[:400] or "Variation between PCNs" in t or "by PCN" in t for t, _ in image_pages)
    for tile in tiles:
        name = words(tile.indicator.name)
        assert name in text
        assert tile.latest_text != "No data yet" and tile.latest_text in text
        assert tile.latest_period in text
        for target in tile.targets:
            assert target.status_label in text
        for comparator in tile.comparators:
            assert comparator.value_text in text
        # Its own page carries a real chart image with data.
        own = [drawn for page_text, drawn in image_pages if name in page_text[:400]]
        assert own, f"no chart image on the page for {name}"
        (width, height, size), *_ = own[0]
        assert width == 1800 and height == 760 and size > 10_000  # 900 x 380 at scale 2, with data

    # The executive summary comes first: the scorecard (value with unit and period, icons, target status), the
    # Making Data Count matrix, the changes since last month and the escalations, before any outcome's page.
    first_outcome = min(i for i, page in enumerate(pages) if "Benchmarks" in page)  # outcome pages have them
    summary = " ".join(pages[:first_outcome])
    assert pages[0].index("Executive summary") < pages[0].index("Scorecard of the outcome measures")
    assert f"for {display_name(pack.requested_by)};" in pages[0]  # who asked for it, by name
    for heading in ["Making Data Count summary", "Changes since last month", "Escalations from the workstreams"]:
        assert heading in summary
    for tile in tiles:
        assert words(tile.indicator.display_name) in pages[0] and tile.latest_text in pages[0]
        assert tile.latest_period in pages[0]
        if tile.variation:
            assert tile.variation[1] in pages[0]
    assert "New data: Sep 2026" in summary  # ACSC's September value arrived after the August pack's data
    assert "Estates sign-off for the Wealdstone hub" in summary and report.workstream.name in summary
    assert risk.reference in summary and "20 (4 \u00d7 5)" in summary  # above the appetite of 12

    # Each outcome's page: its SPC icons, or the run chart's "too few points" where it has too few.
    for tile in tiles:
        own = next(p for p in pages if words(tile.indicator.name) in p[:400] and "Scorecard" not in p)
        if len(tile.table) < 15:
            assert "too few points" in own, tile.indicator.code
        elif tile.variation:
            assert tile.variation[1] in own, tile.indicator.code

    # Rolling years are named by their months, never as an academic year; tooth decay's school years still are.
    assert "Oct 2025 to Sep 2026" in text and "Sep 2025 to Aug 2026" in text
    assert "2025/26 academic year" not in text and "2023/24 academic year" in text

    # The PCNs against Harrow, coloured by significance, under disclosure control.
    pcn_pages = " ".join(p for p in pages if "by PCN" in p or "Variation between PCNs" in p)
    pcns = list(Area.objects.filter(parent=harrow(), level="pcn").order_by("sort_order"))
    for tile in pcn_level:
        assert f"{tile.indicator.display_name} by PCN" in pcn_pages
    for pcn in pcns:
        assert pcn_pages.count(pcn.display_name) >= len(pcn_level)
    assert re.search(r"Better|Worse|Similar", pcn_pages) and "PCN Value 95% confidence interval" in pcn_pages
    name, shown_before = hidden
    row = re.search(rf"{re.escape(name)} (\S+)", pcn_pages[pcn_pages.index("ACSC") :])
    assert row and row.group(1) == "*", row and row.group(0)
    assert shown_before not in pcn_pages

    # Governance rows the test made appear on their pages.
    assert report.workstream.name in text and "Estates sign-off for the Wealdstone hub" in text
    assert risk.reference in text and "Workforce gaps delay the neighbourhood teams" in text
    risks_page = next(p for p in pages if "Top risks" in p and risk.reference in p)
    assert "Pat Owner" in risks_page and "20 (4 \u00d7 5)" in risks_page, risks_page
    # The row keeps what the pack showed, in the pack's order (attention first).
    assert {o["code"]: o["latest"] for o in pack.summary["outcomes"]} == {
        t.indicator.code: t.latest_text for t in tiles
    }
    assert pack.summary["layout"] == content.LAYOUT
    print(f"board pack generated in {pack.duration_seconds:.1f}s, {pack.page_count} pages")


@pytest.mark.slow  # draws with Chromium and lays out the PDF
@needs_renderer
def test_a_kept_pack_reads_as_it_was_after_new_data_arrive(role_client, django_capture_on_commit_callbacks):
    # With no governance data at all the pack still reads sensibly.
    StatusReport.objects.all().delete()
    Risk.objects.all().delete()
    client = role_client("analyst")
    _, pack = generate(client, capture=django_capture_on_commit_callbacks)
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.READY, pack.error
    url = reverse("dashboards:board_pack_html", args=[pack.pk])
    before = b"".join(client.get(url).streaming_content)
    html = before.decode()
    assert "No status reports yet" in html and "Not reported" in html and "No open risks recorded." in html
    tiles = board_tiles(MONTH_END, up_to=MONTH_END)[1]
    pcn_level = [t for t in tiles if "pcn" in t.indicator.levels]
    assert html.count('src="data:image/png;base64,') == len(tiles) + len(pcn_level) and "<script" not in html

    # New data: commentary for the month and a new risk, after the pack was made.
    Commentary.objects.create(
        indicator=tiles[0].indicator, area=harrow(), period_end=MONTH_END, text="Written after the pack was made."
    )
    governance_rows()

    response = role_client("board").get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    after = b"".join(response.streaming_content)
    assert after == before and b"Written after the pack was made." not in after

    # A new pack for the same month shows the new data and becomes the month's pack; the old one is kept.
    client = role_client("analyst")  # the same test client, signed in again (it was the board member above)
    _, newer = generate(client, capture=django_capture_on_commit_callbacks)
    newer.refresh_from_db()
    assert newer.status == BoardPack.Status.READY
    assert b"Written after the pack was made." in newer.html.open("rb").read()
    assert BoardPack.current_for(MONTH) == newer and BoardPack.objects.filter(month=MONTH).count() == 2
    listing = client.get(reverse("dashboards:board_packs")).content.decode()
    assert listing.count("September 2026") >= 2 and "(current)" in listing
