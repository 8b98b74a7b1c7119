"""The lockout holds across web processes: two gunicorn servers, production settings, one database.

Failures are sent to both servers in turn; the account locks at the limit on both, and the right password is then
refused by each. The servers use their own SQLite file (migrated here), so this runs without PostgreSQL; the
state is in axes' tables whatever the database.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two gunicorn servers

REPO = Path(__file__).resolve().parents[3]
USERNAME, PASSWORD = "lockme", "Correct-horse-battery-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "CACHE_"))},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "test-only-production-key-for-the-lockout-test-long-enough-for-the-rule",
        # Plain HTTP straight to gunicorn: no proxy sets X-Forwarded-Proto here, so no redirect or secure cookies.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "SIGNIN_FAILURE_LIMIT": "10",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=REPO, env=env, check=True, capture_output=True)
    create = (
        f"from django.contrib.auth.models import User; User.objects.create_user({USERNAME!r}, password={PASSWORD!r})"
    )
    subprocess.run([*manage, "shell", "-c", create], cwd=REPO, env=env, check=True, capture_output=True)
    return env


@pytest.fixture(scope="module")
def servers(production_env, tmp_path_factory) -> Iterator[list[str]]:
    """Two gunicorn masters (two workers each) on the same database; their base URLs."""
    processes, urls = [], []
    logs = tmp_path_factory.mktemp("gunicorn-logs")
    try:
        for n in range(2):
            port = free_port()
            log = (logs / f"gunicorn-{n}.log").open("w")
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "harrow_bbp.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                    ],
                    cwd=REPO,
                    env=production_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for process, url, n in zip(processes, urls, range(2), strict=True):
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    pytest.fail(f"gunicorn exited: {(logs / f'gunicorn-{n}.log').read_text()[-2000:]}")
                try:
                    urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        pytest.fail("gunicorn did not answer within 60 s")
                    time.sleep(0.3)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def sign_in(base: str, password: str) -> tuple[int, str]:
    """Load the form (CSRF cookie and token), post it; the status and page (redirects not followed)."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME, "password": password}).encode()
    try:
        response = opener.open(f"{base}/accounts/login/", data=data, timeout=10)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_failures_on_two_servers_add_up_to_one_lockout(servers):
    first, second = servers
    assert sign_in(first, PASSWORD)[0] == 302  # the right password works on both to begin with
    assert sign_in(second, PASSWORD)[0] == 302  # (and the successes clear nothing they should not)
    statuses = [sign_in(servers[n % 2], f"wrong-password-{n}")[0] for n in range(10)]
    assert statuses == [200] * 9 + [429], "the tenth failure, counted across both servers, locks"
    for base in servers:
        status, page = sign_in(base, PASSWORD)
        assert status == 429 and "Sign-in locked" in page and "ask an administrator" in page
