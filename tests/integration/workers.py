"""Start and stop real Celery worker processes for integration tests (PostgreSQL + a real broker only)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]

needs_worker = [
    pytest.mark.worker,
    # One parallel test process runs them all: a worker takes any task on the shared broker queue, and it works on
    # the database of the process that started it.
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (a real broker)"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs DATABASE_URL pointing at PostgreSQL (the worker and the test share the database)",
    ),
]


def log_path(name: str) -> Path:
    """The worker's log, one per test process (pytest-xdist runs several)."""
    return REPO / "var" / f"celery-{name}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"


def worker_database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(name: str, **env: str) -> subprocess.Popen:
    """A solo-pool worker on the test database; returns once it answers a ping.

    Tasks are sent to the broker while it runs, even if another fixture (the browser tests' live server)
    switched Celery to eager for the session; stop_worker puts that back.
    """
    from harrow_bbp.celery import app

    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    log = log_path(name).open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "harrow_bbp",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}-{os.getpid()}@%h",
        ],
        cwd=REPO,
        env={
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "PYTHONUNBUFFERED": "1",
            "DASHBOARD_WARM_AFTER_LOAD": "0",
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited early: {log_path(name).read_text()[-2000:]}")
        replies = app.control.ping(timeout=1.0)
        if any(name in next(iter(r)) for r in replies):
            process.previous_eager = previous_eager
            return process
    process.kill()
    pytest.fail("worker did not answer a ping within 60 s")


def stop_worker(process: subprocess.Popen) -> None:
    from harrow_bbp.celery import app

    app.conf.task_always_eager = getattr(process, "previous_eager", app.conf.task_always_eager)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
