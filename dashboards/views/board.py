"""Thin views: ask selectors for data, stats for judgements, figures for charts; render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from harrow_bbp import csv_safe
from harrow_bbp.access import can_view, is_analyst, require
from outcomes.selectors import harrow, harrow_pcns
from outcomes.stats.targets import STATUS_DEFINITIONS, STATUS_LABELS, STATUSES

from .. import pages
from ..board import PUBLICATION_LAG_MONTHS
from ..cache import data_version
from ..icons import (
    ASSURANCE_ICON_LABELS,
    ASSURANCE_ICON_TITLES,
    VARIATION_ICON_LABELS,
    VARIATION_ICON_TITLES,
    assurance_icon_svg,
    variation_icon_svg,
)
from ..overview import ASSURANCE_COLUMNS, PRIORITY_GROUPS, mdc_matrix, scorecard


def _scorecard(today, version):
    borough, tiles = pages.board(today, version)
    return borough, scorecard(tiles, pages.board_changes(today, version))


@require(can_view)
def board_overview(request: HttpRequest) -> HttpResponse:
    today, version = timezone.localdate(), data_version()
    borough, rows = _scorecard(today, version)
    measures = [*(r.tile for r in rows), *pages.tracked_icons(borough, version)]  # every tracked measure
    matrix, without_icons = mdc_matrix((m.variation_code, m.assurance_code, m) for m in measures)
    pcns = harrow_pcns()
    jsna_counts = pages.jsna_counts(version)
    overdue = pages.overdue(today, borough, version)
    return render(
        request,
        "dashboards/board.html",
        {
            "borough": borough,
            "tiles": [r.tile for r in rows],  # the detail, in the scorecard's order
            "rows": rows,
            "matrix": matrix,
            "matrix_columns": [label for _, label in ASSURANCE_COLUMNS],
            "without_icons": without_icons,
            "pcns": pcns,
            "jsna_counts": jsna_counts,
            "overdue": overdue,
            "month_ends": pages.month_ends(today),
        },
    )


@require(can_view)
def board_csv(request: HttpRequest) -> HttpResponse:
    """The scorecard as the board sees it, with the same status words; every cell through csv_safe."""
    _, rows = _scorecard(timezone.localdate(), data_version())
    lines = [
        csv_safe.line(
            [
                "Outcome",
                "Indicator code",
                "Measure",
                "Latest value",
                "Period",
                "Variation",
                "Assurance",
                "Target status",
                "Target",
                "Comparison",
                "Changed since last month",
            ]
        )
    ]
    for r in rows:
        t = r.tile
        lines.append(
            csv_safe.line(
                [
                    t.indicator.partnership_outcome or "",
                    t.indicator.code,
                    t.indicator.display_name,
                    t.latest_text,
                    t.latest_period,
                    VARIATION_ICON_LABELS.get(t.variation_code or "", ""),
                    ASSURANCE_ICON_LABELS.get(t.assurance_code or "", ""),
                    r.status_label,
                    "; ".join(f"{v.status_label}: {v.assessment.reason}" for v in t.targets),
                    r.comparison,
                    "; ".join(r.changes),
                ]
            )
        )
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="board-scorecard.csv"'
    return response


@require(can_view)
def glossary(request: HttpRequest) -> HttpResponse:
    """What every status, icon and the board's order mean: the page every badge links to."""
    return render(
        request,
        "dashboards/glossary.html",
        {
            "statuses": [(s, STATUS_LABELS[s], STATUS_DEFINITIONS[s]) for s in STATUSES],
            "variation_icons": [
                (variation_icon_svg(code, size=40), VARIATION_ICON_LABELS[code], VARIATION_ICON_TITLES[code])
                for code in VARIATION_ICON_LABELS
            ],
            "assurance_icons": [
                (assurance_icon_svg(code, size=40), ASSURANCE_ICON_LABELS[code], ASSURANCE_ICON_TITLES[code])
                for code in ASSURANCE_ICON_LABELS
            ],
            "priority_groups": [text for _, text in PRIORITY_GROUPS],
        },
    )


@require(is_analyst)
def data_status(request: HttpRequest) -> HttpResponse:
    """Analysts' page: every indicator overdue for new data (the board sees only how many)."""
    today, version = timezone.localdate(), data_version()
    borough = harrow()
    return render(
        request,
        "dashboards/data_status.html",
        {"overdue": pages.overdue(today, borough, version), "today": today, "lag": PUBLICATION_LAG_MONTHS},
    )
