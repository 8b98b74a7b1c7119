"""Browser tests: a live server with the demo data, Debian's Chromium driven by Playwright, and axe.

Every test here is skipped, with the reason printed by ``-ra``, when /usr/bin/chromium or the Python
packages are missing (``.ci/run`` installs Chromium; ``make install`` the packages). Playwright never
downloads a browser: it drives the Debian package through ``executable_path``.

The database: these tests are ordinary ``django_db`` tests, each rolled back to the session's data
(the demo world of tests/conftest.py, loaded once per process). One
live server serves them all, and it uses the test's own database connection, on SQLite (Django does
that for an in-memory database) and on PostgreSQL alike, so what the browser writes (uploads) is
inside the test's transaction and rolled back with it. pytest-django's ``live_server`` fixture would
instead make every test transactional: each would flush the database when it ended, and the next
would have to load the demo data again (about ten seconds each).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .support import CHROMIUM, CHROMIUM_ARGS, PASSWORDS


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium fonts-liberation)"
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"browser tests need the dev extra's playwright and axe-playwright-python ({exc})"
    return None


MISSING = _missing()


def pytest_collection_modifyitems(config, items):
    """Skip every test in this folder, visibly, without a browser."""
    here = os.path.dirname(__file__)
    for item in items:
        if MISSING and str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.skip(reason=MISSING))


def ensure_demo_data() -> None:
    """The demo world (reference data, 24 months of demo data, the demo users and governance), unless it is there:
    the database may hold less (an earlier test in this process needed only the reference data, or a transactional
    test flushed it)."""
    from tests.conftest import load_world

    load_world("demo")


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker, browser) -> Iterator[str]:
    """A live server on 127.0.0.1 sharing the tests' database connection, with Celery eager; its base URL.

    It starts after the browser: while Playwright's loop runs, Django hands this thread another
    connection (connections are per async context then), and that one is the tests' connection.
    """
    if MISSING:
        pytest.skip(MISSING)
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.core.signals import request_finished, request_started
    from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
    from django.test.testcases import LiveServerThread

    class KeepsConnectionOpen(ThreadedWSGIServer):
        def _close_connections(self):
            """Django closes every connection after each request: not the shared one, still in use."""

    class SharedConnectionServerThread(LiveServerThread):
        server_class = KeepsConnectionOpen

    from harrow_bbp.celery import app

    with django_db_blocker.unblock():
        connection = connections[DEFAULT_DB_ALIAS]
        assert is_test_database(connection), f"{connection.settings_dict['NAME']} is not a test database"
        ensure_demo_data()
        eager = app.conf.task_always_eager
        # Uploads run in the server's thread even when CELERY_BROKER_URL names a broker with no worker.
        app.conf.task_always_eager = True
        # Around each request Django closes a connection whose autocommit is off, as it is inside the
        # test's transaction; Django's test client stops that in the same way while it sends one.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        connection.inc_thread_sharing()
        thread = SharedConnectionServerThread(
            "127.0.0.1", StaticFilesHandler, connections_override={DEFAULT_DB_ALIAS: connection}
        )
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        try:
            if thread.error:
                raise thread.error
            yield f"http://{thread.host}:{thread.port}"
        finally:
            thread.terminate()  # and closes the connection
            connection.dec_thread_sharing()
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)
            app.conf.task_always_eager = eager


def landing_path(username: str) -> str:
    """Where signing in lands: a PCN lead's own PCN page, everyone else the board overview."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from harrow_bbp.access import own_pcn_code

    code = own_pcn_code(get_user_model().objects.get(username=username))
    return reverse("dashboards:pcn", args=[code]) if code else reverse("dashboards:board")


def is_test_database(connection) -> bool:
    """Whether pytest-django has pointed the connection at a test database (these tests write to it)."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return True
    return os.path.basename(name).startswith("test_")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if MISSING:
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on this thread, and Django then refuses the ORM here
    # ("You cannot call this from an async context"). The loop only waits for the browser and never
    # runs Django code, so the tests' own queries are safe: allow them while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def signed_in(server, browser) -> Iterator[Callable[[str], Any]]:
    """``signed_in(role)``: a page in a fresh browser context, signed in through the real login form."""
    contexts = []

    def sign_in(role: str):
        context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        # No <link rel="icon"> in base.html: Chromium asks for /favicon.ico on every page (a 404 each time).
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.goto("/accounts/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", PASSWORDS[role])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        landing = server.rstrip("/") + landing_path(role)
        assert page.url.rstrip("/") == landing.rstrip("/"), f"{role} did not land on {landing}: {page.url}"
        return page

    yield sign_in
    for context in contexts:
        context.close()
