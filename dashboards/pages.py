"""Built pages, cached by data version: the one place that knows each page's cache key.

Views call these after their access checks; the warming task calls them after a load, so the first reader
after new data is served from the cache too.
"""

from __future__ import annotations

import datetime as dt

from outcomes.selectors import indicator_data, pcn_data

from . import indicator_page, pcn_page
from .board import board_tiles
from .cache import cached


def board(today: dt.date, version: str | None = None):
    return cached(("board", today), lambda: board_tiles(today), version)


def indicator(code: str, area_code: str, today: dt.date, unsuppressed: bool, data=None, version: str | None = None):
    def build():
        return indicator_page.build(data or indicator_data(code, area_code), as_of=today, unsuppressed=unsuppressed)

    return cached(("indicator", code, area_code, today, unsuppressed), build, version)


def pcn(code: str, shows_practices: bool, unsuppressed: bool, data=None, version: str | None = None):
    def build():
        return pcn_page.build(data or pcn_data(code), shows_practices=shows_practices, unsuppressed=unsuppressed)

    return cached(("pcn", code, shows_practices, unsuppressed), build, version)
