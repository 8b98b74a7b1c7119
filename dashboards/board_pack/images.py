"""Plotly figures to PNG images for the board pack, through Kaleido and Debian's Chromium. No Django imports.

All of a pack's figures are drawn in one browser session (starting Chromium is most of the cost). Kaleido is
given plotly.js from the installed plotly package and no MathJax, so nothing is fetched from the network.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import copy
import os
import queue
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

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


async def _render(
    figures: Sequence[dict[str, Any]],
    *,
    sizes: Sequence[tuple[int, int]],
    scale: int,
    on_drawn: Callable[[int], None] | None,
) -> list[bytes]:
    import kaleido

    options: dict[str, Any] = {"n": 1, "mathjax": False}
    plotly_js = plotly_js_path()
    if plotly_js is not None:
        options["plotlyjs"] = str(plotly_js)
    out = []
    async with kaleido.Kaleido(**options) as k:
        for figure, (width, height) in zip(figures, sizes, strict=True):
            png = await k.calc_fig(
                for_print(figure, width=width, height=height),
                opts={"format": "png", "width": width, "height": height, "scale": scale},
            )
            out.append(bytes(png))
            if on_drawn is not None:
                on_drawn(len(out))
    return out


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
    if chromium_path() is None:
        raise RuntimeError(f"Chart images need Chromium at {CHROMIUM} (make system-packages).")
    if sizes is None:
        sizes = [(width, height)] * len(figures)
    if len(sizes) != len(figures):
        raise ValueError("One size per figure.")
    # The browser session runs on an event loop in a thread of its own, always: the caller may be inside a running
    # loop (Playwright's sync API in the browser tests), where asyncio.run refuses, and ``on_drawn`` must run in
    # the caller's thread, outside any loop, since it writes the pack's progress through the ORM.
    drawn: queue.SimpleQueue[int] = queue.SimpleQueue()
    job = _render(list(figures), sizes=list(sizes), scale=scale, on_drawn=drawn.put)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(asyncio.run, job)
        while True:
            try:
                count = drawn.get(timeout=0.1)
            except queue.Empty:
                if future.done():
                    break
                continue
            if on_drawn is not None:
                on_drawn(count)
        return future.result()
