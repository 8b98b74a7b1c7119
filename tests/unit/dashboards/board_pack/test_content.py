"""Board pack pieces that need neither a browser nor a database: months, grouping, images on pages, the PDF."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from dashboards.board_pack import content, pdf
from dashboards.models import BoardPack, pack_file_path

from .test_images import tiny_png


@pytest.mark.parametrize(
    ("month", "end"),
    [
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2026, 2, 14), dt.date(2026, 2, 28)),
    ],
)
def test_month_end(month, end):
    assert content.month_end(month) == end
    assert content.month_start(end) == month.replace(day=1)


def test_statuses_are_grouped_by_objective_in_plan_order():
    def status(objective: int, name: str):
        return SimpleNamespace(workstream=SimpleNamespace(objective=objective, name=name))

    groups = content.group_by_objective([status(3, "Frailty"), status(1, "PHM"), status(3, "LTC")])
    assert [(g.number, [s.workstream.name for s in g.statuses]) for g in groups] == [
        (1, ["PHM"]),
        (3, ["Frailty", "LTC"]),
    ]
    assert groups[0].name.startswith("Reduce health inequalities")


def test_each_outcome_and_pcn_chart_gets_its_own_figure_drawn_as_an_embedded_image_with_progress():
    figures = [{"data": [{"y": [1]}], "layout": {"title": {"text": "A"}}}, {"data": [], "layout": {"title": "B"}}]
    pages = [content.OutcomePage(tile=SimpleNamespace(figure_json=json.dumps(f))) for f in figures]
    pcn_figure = {"data": [{"type": "bar", "y": [3]}], "layout": {}}
    pcn = content.PcnVariation(SimpleNamespace(), "PCNs", pcn_figure, "", [], [], "")
    pack = SimpleNamespace(outcomes=pages, pcn_variation=[pcn])
    seen, told = [], []

    def render(given, *, sizes, on_drawn):
        seen.append((given, sizes))
        for i in range(len(given)):
            on_drawn(i + 1)
        return [tiny_png(i + 1, 1) for i in range(len(given))]

    content.add_images(pack, render=render, progress=lambda fraction, words: told.append((fraction, words)))
    # One call: one browser session for the whole pack; the SPC charts taller than the PCN chart.
    assert seen == [([*figures, pcn_figure], [content.SPC_SIZE, content.SPC_SIZE, content.PCN_SIZE])]
    assert all(p.image.startswith("data:image/png;base64,") for p in [*pages, pcn])
    assert len({pages[0].image, pages[1].image, pcn.image}) == 3
    assert [words for _, words in told] == [f"Drawing the charts: {n} of 3 done" for n in range(4)]
    fractions = [fraction for fraction, _ in told]
    assert fractions == sorted(fractions) and 0 < fractions[0] < fractions[-1] < 1


def test_pack_files_are_kept_under_the_month():
    pack = BoardPack(pk=12, month=dt.date(2026, 9, 1))
    assert pack_file_path(pack, "12.html") == "board_packs/2026-09/12.html"
    assert pack_file_path(pack, "x.PDF") == "board_packs/2026-09/12.pdf"
    assert pack.pdf_filename == "harrow-board-pack-2026-09.pdf"


@pytest.mark.skipif(pdf.missing() is not None, reason=pdf.missing() or "")
def test_render_pdf_counts_the_pages():
    import io

    from pypdf import PdfReader

    html = "<html><body><p>One</p><p style='break-before: page'>Two</p></body></html>"
    data, pages = pdf.render_pdf(html)
    assert data.startswith(b"%PDF") and pages == 2
    assert "Two" in PdfReader(io.BytesIO(data)).pages[1].extract_text()


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (dt.date(2026, 12, 6), dt.date(2026, 11, 1)),
        (dt.date(2027, 1, 1), dt.date(2026, 12, 1)),
        (dt.date(2026, 3, 31), dt.date(2026, 2, 1)),  # the last day of a month is still that month, unfinished
    ],
)
def test_the_default_month_is_the_last_complete_one(today, month):
    assert content.last_complete_month(today) == month


def test_escalations_are_this_months_reports_that_ask_or_are_red_and_risks_above_appetite():
    def status(name, rag, escalations, this_month=True):
        return SimpleNamespace(
            workstream=SimpleNamespace(name=name),
            reported_this_month=this_month,
            latest=SimpleNamespace(rag=rag, escalations=escalations),
        )

    statuses = [
        status("Asks", "green", "Estates sign-off needed."),
        status("Red", "red", ""),
        status("Quiet", "amber", "  "),
        status("Last month", "red", "Old ask.", this_month=False),
    ]
    risks = [SimpleNamespace(reference=r, score_value=v) for r, v in [("R1", 20), ("R2", 12), ("R3", 15)]]
    found = content.escalations(statuses, risks, appetite=12)
    assert [s.workstream.name for s in found.reports] == ["Asks", "Red"]
    assert [r.reference for r in found.risks] == ["R1", "R3"] and found.count == 4


def test_commentary_is_cut_to_its_share_so_an_outcome_fits_on_its_page():
    long = " ".join(f"w{i}" for i in range(200))
    notes = [SimpleNamespace(text=long), SimpleNamespace(text="Short note.\nSecond line."), SimpleNamespace(text="x")]
    shown = content.shorten(notes)
    assert len(shown) == len(content.COMMENTARY_WORDS)  # the latest notes only
    first, second = shown
    assert first.shortened and first.shown.split()[: content.COMMENTARY_WORDS[0]] == long.split()[:90]
    assert first.shown.endswith(" …")
    assert not second.shortened and second.shown == "Short note.\nSecond line."


def test_a_pcn_value_from_a_suppressed_count_reads_as_a_star():
    row = {"category": "Harrow East", "value": "—", "interval": "", "numerator": "*", "denominator": "1,230"}
    assert [content._shown(row, c) for c in ("category", "value", "interval")] == ["Harrow East", "*", ""]
    shown = {"category": "Harrow West", "value": "9.1 per 1,000", "numerator": "40", "denominator": "4,400"}
    assert content._shown(shown, "value") == "9.1 per 1,000"
