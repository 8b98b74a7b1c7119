"""Built pages, cached by data version: the one place that knows each page's cache key.

Views call these after their access checks; the warming task calls them after a load, so the first reader
after new data is served from the cache too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from outcomes.models import Area
from outcomes.selectors import indicator_data, indicators_in_order, jsna_data, latest_headline, pcn_data

from . import indicator_page, jsna_page, pcn_page
from .board import board_tiles, overdue_indicators, tracked_measure_icons
from .cache import cached, data_version
from .controlled import controlled_for, controlled_observations
from .overview import board_state, changes_since
from .pcn_practices import PracticesPart, practices_part
from .stored import stored_or_computed


def board(today: dt.date, version: str | None = None):
    return cached(("board", today), lambda: board_tiles(today), version)


def month_ends(today: dt.date) -> tuple[dt.date, dt.date]:
    """The ends of the last complete month before ``today`` and of the month before it."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last, last.replace(day=1) - dt.timedelta(days=1)


def board_changes(today: dt.date, version: str | None = None) -> dict[str, list[str]]:
    """What changed on the board between the last two complete months, by indicator code (stored: ADR 0032)."""
    version = version or data_version()
    last, before = month_ends(today)

    def compute():
        states = [board_state(board_tiles(end, up_to=end, drawn=False)[1]) for end in (before, last)]
        return changes_since(*states)

    return cached(
        ("board_changes", today), lambda: stored_or_computed("board_changes", (last, before), compute, version), version
    )


def tracked_icons(borough: Area, version: str | None = None):
    """Variation and assurance icons of every tracked measure other than the outcomes (the board's tiles carry
    theirs), for the Making Data Count summary matrix (stored: ADR 0032)."""
    version = version or data_version()

    def build():
        return stored_or_computed("tracked_icons", (borough.pk,), lambda: tracked_measure_icons(borough), version)

    return cached(("tracked_icons", borough.pk), build, version)


def jsna(version: str | None = None):
    """The JSNA indicators by life stage (the JSNA page, and the board's counts against England)."""
    return cached(("jsna", 2), lambda: jsna_page.build(jsna_data()), version)


def jsna_counts(version: str | None = None) -> dict[str, int]:
    """The board's one line on the JSNA: how many indicators are better, similar or worse than England (stored:
    ADR 0032)."""
    version = version or data_version()

    def build():
        return stored_or_computed("jsna_counts", (), lambda: jsna_page.england_counts(jsna(version)), version)

    return cached(("jsna_counts",), build, version)


def overdue(today: dt.date, borough: Area, version: str | None = None):
    """Indicators overdue for new data on ``today`` (the board's line, the data-status page's list; stored: ADR
    0032)."""
    version = version or data_version()

    def compute():
        indicators = indicators_in_order()
        return overdue_indicators(indicators, latest_headline([i.pk for i in indicators], [borough.pk]), today)

    def build():
        return stored_or_computed("overdue", (today, borough.pk), compute, version)

    return cached(("overdue", today, borough.pk), build, version)


def pcn_controlled_rows(data, shows_practices: bool, version: str):
    """The controlled rows a PCN page shows (`pcn_page.controlled_rows_shown`), stored once per data version
    (ADR 0032): a build reads these instead of identifying and reading every indicator's whole frame (1.9 s of a
    board member's PCN page at 10M)."""

    def compute():
        return pcn_page.controlled_rows_shown(
            data, controlled_for(data.indicators, version), shows_practices=shows_practices
        )

    name = f"pcn_controlled:{data.pcn.code}:{'practices' if shows_practices else 'pcns'}"
    return stored_or_computed(name, (), compute, version)


def pcn_practices(data, unsuppressed: bool, version: str) -> PracticesPart:
    """What a PCN page shows of its practices (`pcn_practices.practices_part`: funnels, practice table, matrix), stored
    once per data version and disclosure level (ADR 0032): 63 funnels and 3,200 rows took a PCN lead's page 1.1 s
    and an analyst's 1.6 s at 10M."""

    def compute():
        controlled = None if unsuppressed else pcn_controlled_rows(data, True, version)
        return practices_part(data, unsuppressed=unsuppressed, controlled_frame=controlled)

    name = f"pcn_practices:{data.pcn.code}:{'exact' if unsuppressed else 'controlled'}"
    return stored_or_computed(name, (), compute, version)


def indicator_controlled_rows(data, version: str):
    """The controlled rows an indicator page shows (`indicator_page.controlled_rows_shown`), stored once per data
    version (ADR 0032): a build reads these instead of the indicator's whole frame (OUT5's: 80,000 rows, 5 MB)."""

    def compute():
        return indicator_page.controlled_rows_shown(data, controlled_observations(data.indicator, version))

    name = f"indicator_controlled:{data.indicator.code}:{data.area.code}"
    return stored_or_computed(name, (), compute, version)


def indicator(code: str, area_code: str, today: dt.date, unsuppressed: bool, data=None, version: str | None = None):
    version = version or data_version()

    def build():
        page_data = data or indicator_data(code, area_code)
        return indicator_page.build(
            page_data,
            as_of=today,
            unsuppressed=unsuppressed,
            controlled_frame=None if unsuppressed else indicator_controlled_rows(page_data, version),
            min_points=settings.SPC_MIN_POINTS,
        )

    return cached(("indicator", code, area_code, today, unsuppressed, settings.SPC_MIN_POINTS), build, version)


def pcn(code: str, shows_practices: bool, unsuppressed: bool, data=None, version: str | None = None):
    version = version or data_version()

    def build():
        page_data = data or pcn_data(code)
        # The spine's controlled rows are the PCNs' and borough's; the practices' are read only to compute the
        # practices' part, when it is not stored.
        controlled = None if unsuppressed else pcn_controlled_rows(page_data, False, version)
        practices = pcn_practices(page_data, unsuppressed, version) if shows_practices else None
        return pcn_page.build(
            page_data,
            shows_practices=shows_practices,
            unsuppressed=unsuppressed,
            controlled_frame=controlled,
            practices=practices,
        )

    # "matrix": the page object gained the practice matrix (issue 13.6); pages cached before it are not reused.
    return cached(("pcn", "matrix", code, shows_practices, unsuppressed), build, version)
