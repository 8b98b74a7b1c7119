"""Plotly figures to PNG images for the board pack, through Kaleido and Debian's Chromium. No Django imports.

All of a pack's figures are drawn in one browser session (starting Chromium is most of the cost). Kaleido is
given plotly.js from the installed plotly package and no MathJax, so nothing is fetched from the network.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import copy
import logging
import os
import queue
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How many times a chart is tried before the pack gives up: under load Chromium now and then answers a render with
#: a JavaScript error or a timeout that the same figure does not raise on the next try (seen in CI, not locally).
ATTEMPTS = 3

#: Where Debian puts Chromium; Kaleido (choreographer) finds it there too.
CHROMIUM = "/usr/bin/chromium"
#: Pixel size of a chart in the pack (drawn at ``SCALE`` times this for print sharpness).
WIDTH = 900
HEIGHT = 420
SCALE = 2
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chromium_path() -> str | None:
    """The Chromium Kaleido will drive, or None when there is none."""
    if os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def plotly_js_path() -> Path | None:
    """plotly.min.js as shipped by the installed plotly package (never a CDN)."""
    try:
        import plotly
    except ImportError:  # pragma: no cover - plotly is a dependency
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.exists() else None


def for_print(figure: dict[str, Any], *, width: int = WIDTH, height: int = HEIGHT) -> dict[str, Any]:
    """A copy of a figure (as a dict) set up for a static image: fixed size, white paper, no hover or buttons."""
    figure = copy.deepcopy(figure)
    layout = figure.setdefault("layout", {})
    layout["width"] = width
    layout["height"] = height
    layout["paper_bgcolor"] = "white"
    layout.setdefault("plot_bgcolor", "white")
    layout.pop("updatemenus", None)
    layout.pop("sliders", None)
    layout["hovermode"] = False
    return figure


def data_uri(png: bytes) -> str:
    """An image as a ``data:`` URI, so an HTML page carries its charts inside itself."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("Not a PNG image.")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("Not a PNG image.")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


class ChartDrawingError(RuntimeError):
    """The browser failed to draw a chart on every try: ``summary`` names the chart (for the pack's page), the
    message adds the browser's own words (for the log)."""

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(f"{summary}: {detail}" if detail else summary)
        self.summary = summary


def chart_title(figure: dict[str, Any]) -> str:
    """A figure's title as plain text, for an error message."""
    title = figure.get("layout", {}).get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return str(title) if title else "untitled"


class _Browser:
    """A Kaleido browser started when first needed and closed (and started afresh) on demand."""

    def __init__(self) -> None:
        self._kaleido: Any = None

    async def kaleido(self) -> Any:
        if self._kaleido is None:
            import kaleido

            options: dict[str, Any] = {"n": 1, "mathjax": False}
            plotly_js = plotly_js_path()
            if plotly_js is not None:
                options["plotlyjs"] = str(plotly_js)
            started = kaleido.Kaleido(**options)
            await started.__aenter__()
            self._kaleido = started
        return self._kaleido

    async def close(self) -> None:
        started, self._kaleido = self._kaleido, None
        if started is not None:
            await started.__aexit__(None, None, None)


class ChartSession:
    """One Kaleido browser session on an event loop in a thread of its own, started at once: figures are handed in
    with ``draw`` as they are built and drawn while the caller goes on (Chromium starting and drawing overlaps the
    pack's own reading and computing), and ``finish`` returns the PNGs in the order they were handed in.

    The thread is always a new one: the caller may be inside a running loop (Playwright's sync API in the browser
    tests), where asyncio.run refuses; and ``finish`` tells ``on_drawn`` in the caller's own thread, outside any
    loop, since the pack writes its progress through the ORM. Use it as a context manager, so the browser is closed
    whatever happens.
    """

    def __init__(self, *, scale: int = SCALE) -> None:
        if chromium_path() is None:
            raise RuntimeError(f"Chart images need Chromium at {CHROMIUM} (make system-packages).")
        self._scale = scale
        self._todo: queue.SimpleQueue[tuple[dict[str, Any], int, int] | None] = queue.SimpleQueue()
        self._drawn: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._handed = 0
        self._closed = False
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._future = self._pool.submit(asyncio.run, self._run())

    async def _run(self) -> list[bytes]:
        out: list[bytes] = []
        browser = _Browser()
        try:
            while (item := await asyncio.to_thread(self._todo.get)) is not None:
                figure, width, height = item
                out.append(await self._draw_one(browser, figure, width, height, number=len(out) + 1))
                self._drawn.put(len(out))
        finally:
            await browser.close()
        return out

    async def _draw_one(
        self, browser: _Browser, figure: dict[str, Any], width: int, height: int, *, number: int
    ) -> bytes:
        """One figure as PNG bytes, tried up to ATTEMPTS times, each retry in a new browser (a tab whose page or
        JavaScript context went wrong fails every figure after it); the last failure names the chart and the
        browser's own message, so the pack's error and the worker's log say what went wrong, not only its kind."""
        from kaleido.errors import JavascriptError, KaleidoError

        printed = for_print(figure, width=width, height=height)
        opts = {"format": "png", "width": width, "height": height, "scale": self._scale}
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return bytes(await (await browser.kaleido()).calc_fig(printed, opts=opts))
            except (JavascriptError, KaleidoError, TimeoutError) as exc:
                log.warning("Chart %s (%s), try %s of %s: %s", number, chart_title(figure), attempt, ATTEMPTS, exc)
                if attempt == ATTEMPTS:
                    raise ChartDrawingError(
                        f"Chart {number} ({chart_title(figure)}) could not be drawn after {ATTEMPTS} tries",
                        f"{type(exc).__name__}: {str(exc)[:300]}",
                    ) from exc
                await browser.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def draw(self, figure: dict[str, Any], *, width: int = WIDTH, height: int = HEIGHT) -> None:
        """Hand in a figure to draw at (width, height) CSS pixels; returns at once."""
        if self._closed:
            raise RuntimeError("This chart session is finished.")
        self._todo.put((figure, width, height))
        self._handed += 1

    def finish(self, on_drawn: Callable[[int], None] | None = None) -> list[bytes]:
        """Wait for every figure handed in, telling ``on_drawn`` how many are done after each; close the browser."""
        if not self._closed:
            self._closed = True
            self._todo.put(None)
        while True:
            try:
                count = self._drawn.get(timeout=0.1)
            except queue.Empty:
                if self._future.done():
                    break
                continue
            if on_drawn is not None:
                on_drawn(count)
        pngs = self._future.result()
        self._pool.shutdown()
        if len(pngs) != self._handed:
            raise RuntimeError(f"{self._handed} charts handed in, {len(pngs)} drawn.")
        return pngs

    def __enter__(self) -> ChartSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._closed:  # left early (an error while the pack was being gathered): close the browser
            self._closed = True
            self._todo.put(None)
            concurrent.futures.wait([self._future])
            self._pool.shutdown()


def render_pngs(
    figures: Sequence[dict[str, Any]],
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: int = SCALE,
    sizes: Sequence[tuple[int, int]] | None = None,
    on_drawn: Callable[[int], None] | None = None,
) -> list[bytes]:
    """Every figure as PNG bytes, in order, from one Kaleido browser session; ``sizes`` gives each figure its own
    (width, height), and ``on_drawn`` is told how many are done after each one (the pack's progress)."""
    if not figures:
        return []
    if sizes is None:
        sizes = [(width, height)] * len(figures)
    if len(sizes) != len(figures):
        raise ValueError("One size per figure.")
    with ChartSession(scale=scale) as session:
        for figure, (w, h) in zip(figures, sizes, strict=True):
            session.draw(figure, width=w, height=h)
        return session.finish(on_drawn)
