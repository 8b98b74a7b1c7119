"""Benchmark: server time of every dashboard page, at demo scale or North West London scale.

    .venv/bin/python bench/pages.py                      # the database in DATABASE_URL (or var/db.sqlite3) as it is
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harrow_nwl .venv/bin/python bench/pages.py --scale nwl

With --scale nwl the database is prepared first (migrate, reference data, `load_demo_data --scale nwl`: 8
boroughs, ~45 PCNs, ~350 practices, 10 years) unless it already holds the NWL areas. Each page is requested
through Django's test client in this process (server time only: no network, no browser), as an analyst (who
sees the most). For each page: the first request in this process (shown, not judged: it includes one-off
imports and template compilation); N builds with the page cache cleared before each (the first reader after new
data when no worker has warmed the page: dashboards/cache.py); N requests served from the cache. The medians of
the builds and of the served requests are judged against the aim (300 ms), beside the anchor of a trivial page
(the login form) on the same server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
AIM_MS = 300


def prepare(scale: str) -> None:
    env = {**os.environ, "CELERY_BROKER_URL": ""}
    run = lambda *args: subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)  # noqa: E731
    run("migrate", "-v0")
    import django

    django.setup()
    from outcomes.models import Area

    if not Area.objects.filter(code="E09000015").exists():
        run("load_reference_data")
    if scale == "nwl" and not Area.objects.filter(code="E09000002").exists():
        print("Generating North West London demo data (several minutes)...", flush=True)
        run("load_demo_data", "--scale", "nwl")
    elif scale == "demo" and not Area.objects.filter(observations__extract__source="demo").exists():
        run("load_demo_data")
    run("create_demo_users")
    run("load_demo_governance")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["demo", "nwl"], default="demo")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harrow_bbp.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    prepare(args.scale)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.auth import get_user_model

    from outcomes.models import Area, Indicator, Observation

    client = Client()
    client.force_login(get_user_model().objects.get(username="analyst"))
    pages = [
        ("login form (anchor)", "/accounts/login/", False),
        ("board overview", "/", True),
        ("JSNA", "/jsna/", True),
    ]
    for indicator in Indicator.objects.filter(partnership_outcome__isnull=False).order_by("partnership_outcome"):
        pages.append((f"indicator {indicator.code}", f"/indicators/{indicator.code}/", True))
    pages.append(("indicator OUT5 at a PCN", "/indicators/OUT5_ACSC_ADMISSIONS/U84846/", True))
    practice = Area.objects.filter(memberships__pcn__code="U84846", memberships__end__isnull=True).order_by("code")
    pages.append(("indicator OUT5 at a practice", f"/indicators/OUT5_ACSC_ADMISSIONS/{practice.first().code}/", True))
    for pcn in Area.objects.filter(parent__code="E09000015", level="pcn").order_by("sort_order")[:2]:
        pages.append((f"PCN {pcn.display_name}", f"/pcns/{pcn.code}/", True))
    pages.append(("extract history", "/extracts/", True))
    pages.append(("indicators index", "/indicators/", True))
    for name, path in [
        ("workstreams", "/workstreams/"),
        ("workstream (long-term conditions)", "/workstreams/long-term-conditions/"),
        ("not reported this month", "/workstreams/not-reported/"),
        ("risk register", "/risks/"),
        ("logic model", "/logic-model/"),
        ("community insight", "/insight/"),
        ("board packs", "/board-packs/"),
    ]:
        pages.append((name, path, True))

    rows = Observation.objects.count()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"Scale: {args.scale}; {rows:,} observations on {engine}; {args.runs} runs per page (after one warm-up)\n")
    from django.core.cache import cache

    def timed(use: Client, path: str, *, cold: bool) -> float:
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = use.get(path)
        ms = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return ms

    def judge(ms: float) -> str:
        return "ok" if ms <= AIM_MS else "OVER"

    print(f"{'page':40}{'first':>7}{'build median':>14}{'worst':>7}{'served median':>15}{'worst':>7}  aim {AIM_MS} ms")
    for name, path, signed_in in pages:
        use = client if signed_in else Client()
        first = timed(use, path, cold=True)
        builds = [timed(use, path, cold=True) for _ in range(args.runs)]
        served = [timed(use, path, cold=False) for _ in range(args.runs)]
        build, serve = statistics.median(builds), statistics.median(served)
        verdict = f"build {judge(build)}, served {judge(serve)}" if signed_in else "(anchor)"
        print(f"{name:40}{first:7.0f}{build:14.0f}{max(builds):7.0f}{serve:15.0f}{max(served):7.0f}  {verdict}")
    print("\nfirst: the first request in this process (one-off imports); build: cache cleared before each request.")


if __name__ == "__main__":
    main()
