"""The chart-image helpers that need no browser: print set-up, data URIs, PNG sizes."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from dashboards.board_pack import images


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return images.PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_for_print_fixes_the_size_and_drops_interaction_without_touching_the_original():
    figure = {
        "data": [{"type": "scatter", "x": [1, 2], "y": [3, 4]}],
        "layout": {"height": 360, "hovermode": "x unified", "updatemenus": [{}], "paper_bgcolor": "#eee"},
    }
    printed = images.for_print(figure, width=800, height=400)
    assert printed["layout"]["width"] == 800 and printed["layout"]["height"] == 400
    assert printed["layout"]["hovermode"] is False and "updatemenus" not in printed["layout"]
    assert printed["layout"]["paper_bgcolor"] == "white"
    assert printed["data"] == figure["data"]
    assert figure["layout"]["height"] == 360 and "updatemenus" in figure["layout"]  # a copy


def test_for_print_adds_a_layout_when_there_is_none():
    assert images.for_print({"data": []})["layout"]["width"] == images.WIDTH


def test_data_uri_embeds_the_png_bytes():
    png = tiny_png()
    uri = images.data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png


def test_data_uri_and_png_size_refuse_what_is_not_a_png():
    with pytest.raises(ValueError):
        images.data_uri(b"GIF89a")
    with pytest.raises(ValueError):
        images.png_size(b"not a png at all, not at all")


def test_png_size_reads_the_header():
    assert images.png_size(tiny_png(7, 5)) == (7, 5)


def test_no_figures_need_no_browser(monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    assert images.render_pngs([]) == []
    with pytest.raises(RuntimeError, match="Chromium"):
        images.render_pngs([{"data": []}])


def test_plotly_js_comes_from_the_installed_package():
    path = images.plotly_js_path()
    assert path is not None and path.name == "plotly.min.js" and "plotly" in str(path.parent)


def fake_browser(monkeypatch) -> list[dict]:
    """A ChartSession whose browser is a stand-in that 'draws' each figure handed in as a one-byte PNG."""
    import asyncio

    seen: list[dict] = []

    async def fake_run(self):
        out = []
        while (item := await asyncio.to_thread(self._todo.get)) is not None:
            seen.append(item[0])
            out.append(images.PNG_SIGNATURE + b"x")
            self._drawn.put(len(out))
        return out

    monkeypatch.setattr(images.ChartSession, "_run", fake_run)
    monkeypatch.setattr(images, "chromium_path", lambda: "/usr/bin/chromium")
    return seen


def test_render_works_from_inside_a_running_event_loop(monkeypatch):
    """The browser tests keep an asyncio loop running on the main thread; a pack built there must still draw."""
    import asyncio
    import concurrent.futures

    fake_browser(monkeypatch)

    async def inside_a_loop():
        return images.render_pngs([{"data": []}, {"data": []}])

    # A thread of the test's own for the outer loop: the browser tests may already run one on this thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(asyncio.run, inside_a_loop()).result()
    assert result == [images.PNG_SIGNATURE + b"x"] * 2


def test_a_session_draws_what_is_handed_in_while_the_caller_goes_on_and_closes_on_an_error(monkeypatch):
    seen = fake_browser(monkeypatch)
    told = []
    with images.ChartSession() as session:
        session.draw({"data": [], "layout": {"title": "A"}}, width=300, height=200)
        session.draw({"data": [], "layout": {"title": "B"}})
        pngs = session.finish(told.append)
    assert len(pngs) == 2 and told == [1, 2]
    assert [f["layout"]["title"] for f in seen] == ["A", "B"]
    with pytest.raises(RuntimeError, match="finished"):
        session.draw({"data": []})

    with pytest.raises(ValueError, match="gathering failed"), images.ChartSession() as failed:
        failed.draw({"data": []})
        raise ValueError("gathering failed")
    assert failed._future.done()  # the browser was closed, not left running


@pytest.mark.slow
@pytest.mark.skipif(images.chromium_path() is None, reason="kaleido needs Debian's Chromium (make system-packages)")
def test_each_figure_is_drawn_at_its_own_size_and_progress_is_told_after_each():
    done = []
    pngs = images.render_pngs(
        [{"data": [{"y": [1, 2]}]}, {"data": [{"y": [2, 1]}]}],
        sizes=[(300, 200), (400, 150)],
        scale=1,
        on_drawn=done.append,
    )
    assert [images.png_size(p) for p in pngs] == [(300, 200), (400, 150)]
    assert done == [1, 2]


def test_sizes_must_match_the_figures(monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: "/usr/bin/chromium")
    with pytest.raises(ValueError, match="One size per figure"):
        images.render_pngs([{"data": []}], sizes=[(1, 1), (2, 2)])


@pytest.mark.slow
@pytest.mark.skipif(images.chromium_path() is None, reason="kaleido needs Debian's Chromium (make system-packages)")
def test_a_chart_the_browser_fails_once_is_drawn_on_the_next_try(monkeypatch):
    import kaleido
    from kaleido.errors import JavascriptError

    real = kaleido.Kaleido.calc_fig
    calls = []

    async def flaky(self, fig, opts=None, **kwargs):
        calls.append(fig["layout"].get("title"))
        if len(calls) == 1:
            raise JavascriptError("{'type': 'object', 'subtype': 'error', 'description': 'TypeError: transient'}")
        return await real(self, fig, opts, **kwargs)

    started = []
    real_enter = kaleido.Kaleido.__aenter__

    async def enter(self):
        started.append(self)
        return await real_enter(self)

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", flaky)
    monkeypatch.setattr(kaleido.Kaleido, "__aenter__", enter)
    figures = [{"data": [{"y": [1, 2]}], "layout": {"title": t}} for t in ("A", "B")]
    pngs = images.render_pngs(figures, sizes=[(300, 200), (200, 100)], scale=1)
    assert [images.png_size(p) for p in pngs] == [(300, 200), (200, 100)] and calls == ["A", "A", "B"]
    assert len(started) == 2  # the retry ran in a new browser, which then drew the rest


@pytest.mark.slow
@pytest.mark.skipif(images.chromium_path() is None, reason="kaleido needs Debian's Chromium (make system-packages)")
def test_a_chart_that_fails_every_try_names_itself_and_the_browsers_message(monkeypatch):
    import kaleido
    from kaleido.errors import JavascriptError

    async def broken(self, fig, opts=None, **kwargs):
        raise JavascriptError("TypeError: cannot read properties of undefined")

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", broken)
    figures = [{"data": []}, {"data": [], "layout": {"title": {"text": "Emergency admissions"}}}]
    with pytest.raises(images.ChartDrawingError) as caught:
        images.render_pngs(figures)
    message = str(caught.value)
    assert "Chart 1 (untitled)" in message and f"after {images.ATTEMPTS} tries" in message
    assert "TypeError: cannot read properties of undefined" in message
