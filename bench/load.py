"""Load benchmark: signed-in sessions against gunicorn with the production settings, PostgreSQL and Redis.

    # a database prepared by bench/pages.py (it holds the demo logins), e.g. the 1M-row NWL one:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harrow_nwl .venv/bin/python bench/pages.py --scale nwl --runs 0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harrow_nwl CACHE_URL=redis://127.0.0.1:6379/10 \
        .venv/bin/python bench/load.py --port 8111 [--sessions 50] [--seconds 60] [--workers 3]

Starts gunicorn (`harrow_bbp.wsgi`, the README's command, --workers 3 by default) on 127.0.0.1:PORT with the
README's production environment (DJANGO_ENV=production, a generated SECRET_KEY, ALLOWED_HOSTS,
CSRF_TRUSTED_ORIGINS, STATIC_MANIFEST=1 after collectstatic into a temporary STATIC_ROOT, CACHE_URL and
CELERY_BROKER_URL on the given Redis database), after the pages the worker builds after every load have been
built into that cache (`dashboards.warm.warm_pages`, as the worker does), or uses a server already running with
--no-server. Each
session is an HTTP client (httpx, asyncio) that signs in through the login form as one of the demo logins
(board, analyst, PCN lead in turn) the way a browser behind the TLS proxy would (X-Forwarded-Proto: https; the
Secure cookies passed on as a Cookie header, as the proxy does), then requests pages of its role's mix one
after another with no pause (a closed loop: the sessions together keep the server as busy as it can be).
Every page is first requested once by each role, untimed, so that every URL is checked (200) and the page
cache holds it, as it would after the worker warms the pages following a load. Then the timed run: requests
per second, latency percentiles (p50, p95, p99, max) of all requests and p95 per page, and errors (any
status but 200, or a failed request). The aim (issue 13.11): 0 errors; p95 is reported.

The client runs on the same machine as the server and takes CPU from it; on a shared machine note the load
average, which is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

COMMON = [
    "/",
    "/jsna/",
    "/indicators/",
    "/indicators/OUT5_ACSC_ADMISSIONS/",
    "/indicators/OUT2_GP_ACCESS/",
    "/indicators/OUT4_STAFF_TURNOVER/",
    "/indicators/OUT5_ACSC_ADMISSIONS/E09000002/",
    "/workstreams/",
    "/workstreams/long-term-conditions/",
    "/risks/",
    "/logic-model/",
    "/board-packs/",
]
#: The pages each demo login requests, in turn. The PCN lead sees practices of their own PCN only.
MIXES = {
    "board": COMMON,
    "analyst": [
        *COMMON,
        "/pcns/U84846/",
        "/pcns/U60450/",
        "/indicators/OUT5_ACSC_ADMISSIONS/U60450/",
        "/extracts/",
        "/data-status/",
        "/insight/",
    ],
    "pcnlead": [*COMMON, "/pcns/U84846/", "/indicators/OUT5_ACSC_ADMISSIONS/U84846/"],
}
PASSWORDS = {"board": "demo-board-2026", "analyst": "demo-analyst-2026", "pcnlead": "demo-pcnlead-2026"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """One signed-in browser behind the proxy: keeps its cookies itself, since they are Secure and the proxy, not
    this plain-HTTP connection, is where a browser would send them."""

    def __init__(self, client: httpx.AsyncClient, base: str, origin: str) -> None:
        self.client, self.base, self.origin = client, base, origin
        self.cookies: dict[str, str] = {}

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {}), **(extra or {})}

    def keep(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    async def get(self, path: str) -> httpx.Response:
        response = await self.client.get(self.base + path, headers=self.headers())
        self.keep(response)
        return response

    async def sign_in(self, username: str) -> None:
        form = await self.get("/accounts/login/")
        match = TOKEN.search(form.text)
        if form.status_code != 200 or not match:
            raise RuntimeError(f"login form: {form.status_code}")
        response = await self.client.post(
            self.base + "/accounts/login/",
            data={"username": username, "password": PASSWORDS[username], "csrfmiddlewaretoken": match.group(1)},
            headers=self.headers({"Origin": self.origin, "Referer": f"{self.origin}/accounts/login/"}),
        )
        self.keep(response)
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {username}: {response.status_code}")


async def check_pages(client: httpx.AsyncClient, base: str, origin: str) -> None:
    """Every page of every mix once per role, untimed: each must answer 200 (and is then in the page cache)."""
    refused = []
    for username, paths in MIXES.items():
        session = Session(client, base, origin)
        await session.sign_in(username)
        for path in paths:
            response = await session.get(path)
            if response.status_code != 200:
                refused.append(f"{username} {path}: {response.status_code}")
    if refused:
        sys.exit("Before the run (fix the mix or the database):\n" + "\n".join(refused))


async def run_load(base: str, origin: str, sessions: int, seconds: float) -> dict:
    limits = httpx.Limits(max_connections=sessions, max_keepalive_connections=sessions)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    async with httpx.AsyncClient(limits=limits, timeout=60, follow_redirects=False) as client:
        await check_pages(client, base, origin)
        users = list(MIXES)
        signed_in = []
        for number in range(sessions):
            session = Session(client, base, origin)
            await session.sign_in(users[number % len(users)])
            signed_in.append((users[number % len(users)], session))
        start = time.perf_counter()
        stop = start + seconds

        async def browse(number: int, username: str, session: Session) -> None:
            paths = MIXES[username]
            index = number  # sessions start at different pages
            while time.perf_counter() < stop:
                path = paths[index % len(paths)]
                index += 1
                began = time.perf_counter()
                try:
                    response = await session.get(path)
                    if response.status_code != 200:
                        errors.append(f"{path}: {response.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(f"{path}: {type(exc).__name__}")
                timings[path].append((time.perf_counter() - began) * 1000)

        await asyncio.gather(*(browse(n, user, s) for n, (user, s) in enumerate(signed_in)))
        elapsed = time.perf_counter() - start
    return {"timings": timings, "errors": errors, "elapsed": elapsed}


def percentile(values: list[float], share: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]
        if len(values) > 1
        else values[0]
    )


def start_server(port: int, workers: int, redis_url: str, static_root: Path) -> tuple[subprocess.Popen, Path]:
    """gunicorn with the README's production environment; collectstatic first (STATIC_MANIFEST=1 needs it)."""
    origin = f"https://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DEBUG", "SECURE_SSL_REDIRECT")},
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "harrow_bbp.settings",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": origin,
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(static_root),
        "CACHE_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
    }
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    # What the worker does after every load (dashboards/warm.py): the most-read pages built into Redis.
    warm = "import django; django.setup(); from dashboards.warm import warm_pages; print(warm_pages())"
    started = time.perf_counter()
    count = subprocess.run([PYTHON, "-c", warm], cwd=REPO, env=env, check=True, capture_output=True, text=True)
    print(f"worker's warm-up: {count.stdout.strip()} pages in {time.perf_counter() - started:.0f} s", flush=True)
    log = static_root.parent / "gunicorn.log"
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "harrow_bbp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz/", timeout=2).status_code == 200:
                return server, log
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz/; its log:\n{log.read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the README's 3)")
    parser.add_argument("--no-server", action="store_true", help="use a server already listening on --port")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database prepared by bench/pages.py (it holds the demo logins)")
    redis_url = os.environ.get("CACHE_URL", "")
    if not redis_url.startswith("redis") and not args.no_server:
        sys.exit("Set CACHE_URL to a Redis database (the shared page cache), e.g. redis://127.0.0.1:6379/10")
    base, origin = f"http://127.0.0.1:{args.port}", f"https://127.0.0.1:{args.port}"
    server = None
    work = Path(tempfile.mkdtemp(prefix="harrow-load-"))
    try:
        if not args.no_server:
            server, log = start_server(args.port, args.workers, redis_url, work / "static")
            print(f"gunicorn on {base}, {args.workers} workers, production settings (log: {log})", flush=True)
        load = os.getloadavg()
        print(
            f"{args.sessions} sessions for {args.seconds:.0f} s; load average at start {load[0]:.2f} "
            f"({os.cpu_count()} CPUs)",
            flush=True,
        )
        result = asyncio.run(run_load(base, origin, args.sessions, args.seconds))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(work / "static", ignore_errors=True)
    report(result, args)


def report(result: dict, args: argparse.Namespace) -> None:
    every = [ms for values in result["timings"].values() for ms in values]
    errors = result["errors"]
    load = os.getloadavg()
    print(f"\n{len(every):,} requests in {result['elapsed']:.1f} s: {len(every) / result['elapsed']:.1f} requests/s")
    print(
        f"latency ms: p50 {percentile(every, 0.50):.0f}, p95 {percentile(every, 0.95):.0f}, "
        f"p99 {percentile(every, 0.99):.0f}, max {max(every):.0f}"
    )
    print(f"errors: {len(errors)} (aim: 0: {'met' if not errors else 'NOT met'})")
    for error, count in sorted({e: errors.count(e) for e in set(errors)}.items())[:20]:
        print(f"  {count} x {error}")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print(f"{'page':48}{'requests':>9}{'p50':>7}{'p95':>7}")
    for path, values in sorted(result["timings"].items()):
        print(f"{path:48}{len(values):9}{percentile(values, 0.5):7.0f}{percentile(values, 0.95):7.0f}")


if __name__ == "__main__":
    main()
