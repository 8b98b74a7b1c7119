"""Serve the plotly.js bundle that ships inside the installed plotly package (never a CDN).

Only ``plotly.min.js`` is exposed, as ``vendor/plotly/plotly.min.js``, so the figures always run against the
exact plotly.js version the Python package was built for.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILENAME = "plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PACKAGE_DATA))
        self.storage.prefix = PREFIX

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path == f"{PREFIX}/{FILENAME}" and (PACKAGE_DATA / FILENAME).exists():
            match = str(PACKAGE_DATA / FILENAME)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        if (PACKAGE_DATA / FILENAME).exists():
            yield FILENAME, self.storage
