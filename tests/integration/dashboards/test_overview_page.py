"""The board overview puts what needs attention first; every verdict uses one of six statuses, the badge and the
text agree, and no page shows developer text."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.urls import reverse

from dashboards.overview import STATUS_SEVERITY
from outcomes.stats.targets import STATUS_LABELS, STATUSES

pytestmark = pytest.mark.django_db

OUTCOME_CODES = {
    "OUT1_TOOTH_DECAY",
    "OUT2_GP_ACCESS",
    "OUT3_CARE_EXPERIENCE",
    "OUT4_STAFF_TURNOVER",
    "OUT5_ACSC_ADMISSIONS",
}
#: Words of a status's verdict, one of which its reason must use...
SAYS = {
    "met": ("already met", "the target was met", "it is met", "It is also met"),
    "on_track": ("on the current trend it would reach",),
    "off_track": ("not on course", "not on track", "must hold in every"),
    "not_met": ("not met",),
    "baseline_set": ("A baseline has been recorded",),
    "no_data": ("No value has been recorded", "has not been recorded", "No baseline has been recorded"),
}
#: ...and words that would contradict it.
MET_WORDS = ("the target is already met", "the target was met", "it is met.")
CONTRADICTS = {
    "met": ("not met", "not on track", "not on course", "No value has been recorded", "A baseline has been recorded"),
    "on_track": (*MET_WORDS, "not on course", "not on track", "target was not met"),
    "off_track": (*MET_WORDS, "on the current trend it would reach"),
    "not_met": (*MET_WORDS, "on the current trend it would reach"),
    "baseline_set": MET_WORDS,
    "no_data": (*MET_WORDS, "on the current trend it would reach"),
}
#: Text meant for developers, never for a board member.
DEVELOPER_TEXT = (
    "relative_unit",
    "change relative_unit",
    ".toml",
    "interpretation",
    "less demanding reading",
    "TODO",
    "FIXME",
    "baseline_pending",
    "Traceback",
    "None</",
)


def agrees(status: str, reason: str) -> bool:
    return any(w in reason for w in SAYS[status]) and not any(w in reason for w in CONTRADICTS[status])


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_scorecard_lists_every_outcome_measure_attention_first(board_client):
    response = board_client.get(reverse("dashboards:board"))
    rows = response.context["rows"]
    assert {r.tile.indicator.code for r in rows} >= OUTCOME_CODES
    assert {r.tile.indicator.partnership_outcome for r in rows} == {1, 2, 3, 4, 5}
    html = response.content.decode()
    scorecard = html[html.index('class="nhsuk-table app-scorecard"') : html.index("Making Data Count summary")]
    codes = re.findall(r'data-code="([A-Z0-9_]+)"', scorecard)
    assert codes == [r.tile.indicator.code for r in rows]  # the page shows the rows in the computed order
    groups = [
        0 if r.status in ("not_met", "off_track") else 1 if r.status in (None, "no_data", "baseline_set") else 2
        for r in rows
    ]
    groups = [g if r.status != "met" else 3 for g, r in zip(groups, rows, strict=True)]
    assert groups == sorted(groups), [(r.tile.indicator.code, r.status) for r in rows]
    assert html.index("app-scorecard") < html.index("app-mdc") < html.index('class="nhsuk-card app-outcome"')


def test_a_tile_says_its_unit_once(board_client):
    """ACSC admissions read "9.01 per 1,000 per 1,000 weighted population per year" on the scorecard and the pack."""
    rows = board_client.get(reverse("dashboards:board")).context["rows"]
    acsc = next(r.tile for r in rows if r.tile.indicator.code == "OUT5_ACSC_ADMISSIONS")
    shown = f"{acsc.latest_text} {acsc.unit_note}"
    assert shown.endswith("per 1,000 weighted population per year")
    assert shown.count("per 1,000") == 1, shown
    for row in rows:  # no word or run of up to three words said twice in a row
        text = f"{row.tile.latest_text} {row.tile.unit_note}".lower()
        assert not re.search(r"(?<!\S)(\S+(?: \S+){0,2}) \1(?!\S)", text), text


def test_every_status_is_one_of_six_and_every_badge_agrees_with_its_text(board_client):
    response = board_client.get(reverse("dashboards:board"))
    html = response.content.decode()
    assessed = [tv for tile in response.context["tiles"] for tv in tile.targets]
    assert len(assessed) >= 5
    for tv in assessed:
        assert tv.assessment.status in STATUSES and tv.status_label == STATUS_LABELS[tv.assessment.status]
        assert agrees(tv.assessment.status, tv.assessment.reason), (tv.target, tv.assessment)
    shown = re.findall(
        r'data-status="([a-z_]+)"[^>]*>([^<]+)</a></p>\s*<p class="nhsuk-body-s app-target__reason">([^<]+)</p>', html
    )
    assert len(shown) == len(assessed)
    for status, badge, reason in shown:
        assert badge == STATUS_LABELS[status]
        assert agrees(status, htmllib.unescape(reason)), (status, reason)
    for status, badge in re.findall(
        r'class="app-tag app-tag--[a-z_]+ app-status" data-status="([a-z_]+)"[^>]*>([^<]+)<', html
    ):
        assert badge == STATUS_LABELS[status]


def test_a_baseline_target_is_never_called_met(board_client):
    tiles = {t.indicator.code: t for t in board_client.get(reverse("dashboards:board")).context["tiles"]}
    for code in ("OUT3_CARE_EXPERIENCE", "OUT4_STAFF_SATISFACTION"):
        for tv in tiles[code].targets:
            assert tv.target.kind == "baseline" and tv.assessment.status != "met"


def test_an_every_pcn_target_met_only_by_harrow_does_not_say_met(board_client):
    tile = next(
        t
        for t in board_client.get(reverse("dashboards:board")).context["tiles"]
        if t.indicator.code == "OUT5_ACSC_ADMISSIONS"
    )
    tv = tile.targets[0]
    if tv.assessment.status != "met":
        assert "the target is already met" not in tv.assessment.reason


def test_the_board_sees_one_line_about_overdue_data_and_analysts_see_the_list(role_client):
    board = role_client("board")
    html = board.get(reverse("dashboards:board")).content.decode()
    overdue = board.get(reverse("dashboards:board")).context["overdue"]
    assert overdue, "the demo world has indicators without recent data"
    assert f"{len(overdue)} indicators are overdue for new data" in html
    assert "Overdue for new data</h2>" not in html and "Expected by" not in html  # the list is not on the board
    assert board.get(reverse("dashboards:data_status")).status_code == 403
    assert role_client("pcnlead").get(reverse("dashboards:data_status")).status_code == 403
    page = role_client("analyst").get(reverse("dashboards:data_status"))
    assert page.status_code == 200
    text = page.content.decode()
    for o in overdue:
        assert htmllib.escape(o.indicator.display_name) in text or o.indicator.display_name in text


def test_the_glossary_defines_every_status_and_the_order(board_client):
    response = board_client.get(reverse("dashboards:glossary"))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    for status in STATUSES:
        assert f'id="status-{status}"' in response.content.decode() and STATUS_LABELS[status] in text
    assert "Not met or off track" in text and "worst status" in text
    assert "Consistently failing the target" in text and "Common cause variation" in text
    assert STATUS_SEVERITY[0] == "not_met"


def test_the_scorecard_csv_uses_the_same_status_words(board_client):
    response = board_client.get(reverse("dashboards:board_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    page_rows = board_client.get(reverse("dashboards:board")).context["rows"]
    assert [r["Indicator code"] for r in rows] == [r.tile.indicator.code for r in page_rows]
    assert {r["Target status"] for r in rows} <= {*STATUS_LABELS.values(), "No target"}
    assert [r["Target status"] for r in rows] == [r.status_label for r in page_rows]


def _board_pages(client) -> list[str]:
    from dashboards.urls import urlpatterns
    from outcomes.models import Area, Indicator

    paths = [reverse(f"dashboards:{p.name}") for p in urlpatterns if not p.pattern.converters]
    paths = [p for p in paths if not p.endswith(".csv")]
    paths += [reverse("dashboards:indicator", args=[c]) for c in sorted(OUTCOME_CODES)]
    paths += [reverse("dashboards:pcn", args=[a.code]) for a in Area.objects.filter(level="pcn")[:1]]
    jsna = Indicator.objects.filter(is_jsna=True).exclude(code__in=OUTCOME_CODES).first()
    if jsna is not None:
        paths.append(reverse("dashboards:indicator", args=[jsna.code]))
    return paths


@pytest.mark.slow  # every page a role can reach
@pytest.mark.parametrize("role", ["board", "pcnlead"])
def test_no_page_shows_developer_text(role_client, role):
    """Every page a board member or PCN lead may open (the analysts' upload pages are outside this issue)."""
    client = role_client(role)
    seen = 0
    for path in _board_pages(client):
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        text = visible_text(response.content.decode())
        found = [phrase for phrase in DEVELOPER_TEXT if phrase in text]
        assert not found, f"{path} shows {found}"
    assert seen >= 10


def test_the_mdc_matrix_places_every_tracked_measure_once_linked_to_its_page(board_client):
    from outcomes.models import Indicator, Observation

    response = board_client.get(reverse("dashboards:board"))
    placed = [m.indicator.code for row in response.context["matrix"] for cell in row.cells for m in cell]
    apart = [m.indicator.code for m in response.context["without_icons"]]
    with_data = set(
        Observation.objects.filter(area__code="E09000015", breakdown="all", is_current=True).values_list(
            "indicator__code", flat=True
        )
    )
    assert sorted(placed + apart) == sorted(with_data | OUTCOME_CODES)  # every measure, once
    assert set(placed) - OUTCOME_CODES, "measures beyond the outcomes are placed too"
    html = response.content.decode()
    matrix = html[html.index('class="nhsuk-table app-mdc"') : html.index("The measures in detail")]
    for code in placed:
        assert reverse("dashboards:indicator", args=[code]) in matrix
    assert '<th scope="col">Consistently fails the target</th>' in matrix and '<th scope="row">' in matrix
    assert Indicator.objects.filter(code__in=placed).count() == len(set(placed))
