"""Shared fixtures: each database test starts from the data world it asks for, built once per process.

Three worlds, each inside the next (docs/adr/0023-test-worlds-and-parallel-runs.md):

- ``empty``: nothing but what the migrations make. The test builds what it needs with ``tests/factories.py``
  (mark it ``@pytest.mark.world("empty")``).
- ``reference``: the reviewed reference data (areas, memberships, indicators with their targets, workstreams,
  partners), for tests of files that name real practices and indicators (``@pytest.mark.world("reference")``).
- ``demo`` (the default for a database test without the marker): the reference data, 24 months of demo data, the
  demo users and the demo governance, for page-level tests over the whole demo.

A world is loaded, and committed, the first time a test in the process needs it, before that test's transaction
begins; every test is rolled back to it. Tests are ordered so that each process goes up the worlds and never down
(empty, then reference, then demo), after pytest-django's own order (database tests, then transactional ones, then
the rest). Transactional tests flush the database when they end and load what they need themselves
(``reference_db`` in tests/integration/conftest.py); they come after every other database test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

WORLDS = ("empty", "reference", "demo")
DEFAULT_WORLD = "demo"
_scratch: Path | None = None


def pytest_configure(config) -> None:
    """Register the ``world`` marker; give this process its own media and drop folders; a fast password hasher.

    Parallel processes (pytest-xdist) each have their own test database, so their extract ids collide: files
    stored under MEDIA_ROOT/extracts/<id>/ by one would be read or deleted by another. The folders are set in the
    environment too, for the Celery workers and commands that tests start as subprocesses.
    """
    global _scratch
    config.addinivalue_line(
        "markers",
        "world(name): the data a database test starts from: 'empty' (factories), 'reference' or 'demo' (default)",
    )
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    _scratch = Path(tempfile.mkdtemp(prefix=f"harrow-tests-{worker}-"))
    for name, folder in (("MEDIA_ROOT", "media"), ("INGEST_DROP_FOLDER", "dropfolder")):
        path = _scratch / folder
        path.mkdir()
        setattr(settings, name, path)
        os.environ[name] = str(path)
    # Hashing with PBKDF2's million rounds costs a third of a second a sign-in; the defaults stay behind MD5 so
    # that a hash made by a subprocess (with the real settings) still checks.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


def pytest_unconfigure(config) -> None:
    if _scratch is not None:
        shutil.rmtree(_scratch, ignore_errors=True)


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = "eager (in-process)" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL
    return [f"harrow: database={engine}, celery={broker}"]


def _django_order(item: pytest.Item) -> int:
    """pytest-django's order: 0 database tests rolled back, 1 transactional ones, 2 the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    ):
        return 1
    return 0 if marker or "db" in fixtures else 2


def world_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("world")
    name = marker.args[0] if marker else DEFAULT_WORLD
    if name not in WORLDS:
        raise pytest.UsageError(f"{item.nodeid}: world({name!r}) is not one of {WORLDS}")
    return name


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items: list[pytest.Item]) -> None:
    """Up the worlds within each of pytest-django's groups (a stable sort: the order is otherwise kept)."""
    items.sort(key=lambda item: (_django_order(item), WORLDS.index(world_of(item))))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The empty test database (migrated); worlds are loaded by ``_world`` when a test first needs them."""
    from django.conf import settings

    # Tests that want the after-load page warming call it directly; queued warming would pile up on the broker.
    settings.DASHBOARD_WARM_AFTER_LOAD = False


def current_world() -> str:
    """Which world the database holds now (two queries)."""
    from django.contrib.auth import get_user_model

    from outcomes.models import Area

    if get_user_model().objects.filter(username="board").exists():
        return "demo"
    return "reference" if Area.objects.exists() else "empty"


def load_world(target: str) -> None:
    """Bring the database up to ``target`` (committed); fail if it already holds more than that."""
    current = current_world()
    if WORLDS.index(current) > WORLDS.index(target):
        pytest.fail(
            f"this test needs the {target!r} world but the database holds the {current!r} one: tests run up the "
            "worlds (tests/conftest.py orders them), so something ran out of order"
        )
    with open(os.devnull, "w") as quiet:
        if current == "empty" and target != "empty":
            call_command("load_reference_data", stdout=quiet)
        if target == "demo" and current != "demo":
            call_command("load_demo_data", months=24, stdout=quiet)
            call_command("create_demo_users", stdout=quiet)
            call_command("load_demo_governance", stdout=quiet)


@pytest.fixture
def _world(request, django_db_setup, django_db_blocker) -> None:
    """Load the test's world before its transaction begins (transactional tests bring their own data)."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        return
    with django_db_blocker.unblock():
        load_world(world_of(request.node))


@pytest.fixture
def _django_db_helper(_world, _django_db_helper):
    """pytest-django's per-test database set-up (the transaction), after ``_world`` has loaded the world."""
    return _django_db_helper


@pytest.fixture(scope="session", autouse=True)
def _disclosure_control_once_per_input() -> None:
    """Each distinct controlled frame is computed once per process (tests/controlled_memo.py)."""
    from tests import controlled_memo

    controlled_memo.install()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages: a page cached by an earlier, rolled-back test would carry the data
    version it was built at, which the database returns to after the rollback."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def board_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="board"))
    return client


@pytest.fixture
def role_client(client, django_user_model):
    def login(username: str):
        client.force_login(django_user_model.objects.get(username=username))
        return client

    return login
