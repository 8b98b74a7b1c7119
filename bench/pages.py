"""Benchmark: server time and query count of every dashboard page, at demo scale, NWL scale (about 1 million
observations) or NWL scale with 10 million observations.

    .venv/bin/python bench/pages.py                      # the database in DATABASE_URL (or var/db.sqlite3) as it is
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harrow_nwl .venv/bin/python bench/pages.py --scale nwl \
        --save var/bench/pages-1m.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harrow_nwl10m .venv/bin/python bench/pages.py --scale nwl10m \
        --against var/bench/pages-1m.json

With --scale nwl the database is prepared first (migrate, reference data, `load_demo_data --scale nwl`: 8
boroughs, ~45 PCNs, ~350 practices, 10 years, about 1 million observations through the real load path) unless
it already holds the NWL areas. --scale nwl10m prepares the same, then grows the table to 10 million rows
(``grow``): the generated rows of every indicator are copied in SQL (the stored rows, as a COPY would store
them) once as superseded history of the same keys, and under as many copies of each generated indicator as
it takes (tracked indicators named "... (bench copy n)", not partnership outcomes), so every area, month and
breakdown has many more indicators and a history. The copies are labelled, and idempotent: a second run finds
them there.

Each page is requested through Django's test client in this process (server time only: no network, no browser), as
an analyst by default (who sees the most; --user board or pcnlead times the pages with disclosure control, whose
controlled frames are built once per data version and shared by every page). For each page: the first request in
this process (shown, not judged: it includes one-off imports and template compilation, and, for the first page
needing each controlled frame, computing and storing it, which the worker does after a load); N builds with the
page cache cleared before each (the first reader after new data when no worker has warmed the page:
dashboards/cache.py; the stored controlled frames are read back, ADR 0031); N requests served from the cache.
The medians of the builds and of the served requests are judged against the aim (300 ms), beside the anchor of a
trivial page (the login form) on the same server, with the queries each made.
--save writes the figures to a JSON file; --against prints a saved run's figures (another size) beside these
and says whether the query counts are the same (the aim: flat between sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
AIM_MS = 300
TARGET_ROWS_10M = 10_000_000
COPY_MARK = " (bench copy "


def prepare(scale: str) -> None:
    env = {**os.environ, "CELERY_BROKER_URL": ""}
    run = lambda *args: subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)  # noqa: E731
    run("migrate", "-v0")
    import django

    django.setup()
    from outcomes.models import Area

    if not Area.objects.filter(code="E09000015").exists():
        run("load_reference_data")
    if scale in ("nwl", "nwl10m") and not Area.objects.filter(code="E09000002").exists():
        print("Generating North West London demo data (several minutes)...", flush=True)
        run("load_demo_data", "--scale", "nwl")
    elif scale == "demo" and not Area.objects.filter(observations__extract__source="demo").exists():
        run("load_demo_data")
    run("create_demo_users")
    run("load_demo_governance")
    if scale == "nwl10m":
        grow(TARGET_ROWS_10M)
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum keeps them on a live database: plans chosen without them can
        # differ (a demo-data probe was 3 ms before ANALYZE and 3.1 s after it, until its query was fixed).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def grow(target: int) -> None:
    """Grow the observation table to about ``target`` rows from the generated (demo) rows: first one layer of
    superseded history of every generated key, then copies of each generated indicator with all its rows.

    Done in SQL, one statement per indicator copy (the rows are stored as they are, as a COPY of them would
    store them; the statement-level reference triggers still run), then ANALYZE. A copy is a new tracked
    indicator, not a partnership outcome, so the board's outcomes are the same pages at either size."""
    from django.db import connection, transaction

    from outcomes import actions
    from outcomes.models import Extract, Indicator, Observation

    demo_files = Extract.objects.filter(source=Extract.Source.DEMO, file_name__startswith="demo/").exclude(
        file_name__startswith="demo/bench-"
    )  # load_demo_data names each indicator's extract demo/CODE.csv
    codes = {name.removeprefix("demo/").removesuffix(".csv") for name in demo_files.values_list("file_name", flat=True)}
    generated = list(Indicator.objects.filter(code__in=codes).order_by("code"))
    columns = [
        f.column
        for f in Observation._meta.concrete_fields
        if f.column not in ("id", "indicator_id", "extract_id", "superseded_by_id", "is_current")
    ]
    cols = ", ".join(columns)

    def new_extract(name: str) -> Extract:
        return actions.create_extract(
            file_name=f"demo/bench-{name}.csv", content=name.encode(), format="demo", source=Extract.Source.DEMO
        )

    def finish(extract: Extract, inserted: int) -> None:
        actions.finish_extract(
            extract=extract,
            status=Extract.Status.LOADED,
            result=actions.LoadResult(inserted=inserted),
            rows_read=inserted,
        )

    with connection.cursor() as cursor:
        if not Extract.objects.filter(file_name="demo/bench-history.csv").exists():
            print("Adding one layer of superseded history of the generated rows...", flush=True)
            with transaction.atomic():
                extract = new_extract("history")
                cursor.execute(
                    f"INSERT INTO outcomes_observation ({cols}, indicator_id, extract_id, is_current, "
                    f"superseded_by_id) SELECT {', '.join('o.' + c for c in columns)}, o.indicator_id, %s, false, "
                    "o.extract_id FROM outcomes_observation o WHERE o.is_current AND o.indicator_id = ANY(%s) "
                    "ORDER BY o.id",
                    [extract.pk, [i.pk for i in generated]],
                )
                finish(extract, cursor.rowcount)
        rows = Observation.objects.count()
        per_copy = Observation.objects.filter(indicator__in=generated, is_current=True).count()
        copy = 0
        while rows + per_copy // 2 < target:
            copy += 1
            for indicator in generated:
                name = f"{indicator.name}{COPY_MARK}{copy})"
                if Indicator.objects.filter(name=name).exists():
                    continue
                with transaction.atomic():
                    clone = Indicator.objects.get(pk=indicator.pk)
                    clone.pk = None
                    clone.code = f"{indicator.code[:56]}_BENCH{copy}"
                    clone.name = name
                    clone.short_name = f"{indicator.short_name[:64]} (copy {copy})"  # pages key rows by it
                    clone.partnership_outcome = None
                    clone.sort_order = 10_000 + copy
                    clone.save()
                    extract = new_extract(clone.code)
                    cursor.execute(
                        f"INSERT INTO outcomes_observation ({cols}, indicator_id, extract_id, is_current) "
                        f"SELECT {cols}, %s, %s, true FROM outcomes_observation "
                        "WHERE indicator_id = %s AND is_current ORDER BY area_id, period_start, breakdown, category",
                        [clone.pk, extract.pk, indicator.pk],
                    )
                    finish(extract, cursor.rowcount)
            rows = Observation.objects.count()
            print(f"copy {copy}: {rows:,} observations", flush=True)
        cursor.execute("ANALYZE")


def page_list() -> list[tuple[str, str, bool]]:
    """(name, path, signed in) of every page the benchmark requests."""
    from outcomes.models import Area, Extract, Indicator

    pages = [
        ("login form (anchor)", "/accounts/login/", False),
        ("board overview", "/", True),
        ("data status", "/data-status/", True),
        ("JSNA", "/jsna/", True),
    ]
    for indicator in Indicator.objects.filter(partnership_outcome__isnull=False).order_by("partnership_outcome"):
        pages.append((f"indicator {indicator.code}", f"/indicators/{indicator.code}/", True))
    pages.append(("indicator OUT5 at another borough", "/indicators/OUT5_ACSC_ADMISSIONS/E09000002/", True))
    pages.append(("indicator OUT5 at a PCN", "/indicators/OUT5_ACSC_ADMISSIONS/U84846/", True))
    practice = Area.objects.filter(memberships__pcn__code="U84846", memberships__end__isnull=True).order_by("code")
    pages.append(("indicator OUT5 at a practice", f"/indicators/OUT5_ACSC_ADMISSIONS/{practice.first().code}/", True))
    for pcn in Area.objects.filter(parent__code="E09000015", level="pcn").order_by("sort_order")[:2]:
        pages.append((f"PCN {pcn.display_name}", f"/pcns/{pcn.code}/", True))
    pages.append(("extract history", "/extracts/", True))
    newest = Extract.objects.filter(status=Extract.Status.LOADED).order_by("-pk").first()
    if newest is not None:
        pages.append(("an extract", f"/extracts/{newest.pk}/", True))
    pages.append(("indicators index", "/indicators/", True))
    for name, path in [
        ("workstreams", "/workstreams/"),
        ("workstream (long-term conditions)", "/workstreams/long-term-conditions/"),
        ("not reported this month", "/workstreams/not-reported/"),
        ("risk register", "/risks/"),
        ("logic model", "/logic-model/"),
        ("community insight", "/insight/"),
        ("board packs", "/board-packs/"),
        ("glossary", "/glossary/"),
    ]:
        pages.append((name, path, True))
    from dashboards.models import BoardPack

    pack = BoardPack.objects.order_by("-pk").first()
    if pack is not None:
        pages.append(("a board pack", f"/board-packs/{pack.pk}/", True))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["demo", "nwl", "nwl10m"], default="demo")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--user",
        default="analyst",
        choices=["analyst", "board", "pcnlead"],
        help="the demo login (analyst: unsuppressed counts; board and pcnlead: the disclosure-controlled frames)",
    )
    parser.add_argument("--save", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--against", type=Path, help="a JSON file of another run, printed beside this one")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harrow_bbp.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    prepare(args.scale)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.auth import get_user_model

    from outcomes.models import Observation

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    pages = page_list()
    rows = Observation.objects.count()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load = os.getloadavg()
    print(f"Scale: {args.scale}; {rows:,} observations on {engine}; as {args.user}; {args.runs} runs per page")
    print(f"Load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)\n")
    other = json.loads(args.against.read_text()) if args.against else None
    from django.core.cache import cache
    from django.db import models
    from django.db.models import Sum

    from dashboards.models import ControlledFrame, StoredSummary

    # No stored controlled frames at the start: the first request of the first page that needs one computes and
    # stores it (the worker's job after a load, dashboards.warm); the builds after it read it back (ADR 0031).
    # Nor stored summaries (ADR 0032): the first overview computes and stores them, as the worker does after a load.
    ControlledFrame.objects.all().delete()
    StoredSummary.objects.all().delete()

    def timed(use: Client, path: str, *, cold: bool) -> tuple[float, int]:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            try:
                status = use.get(path).status_code
            except Exception as exc:  # a page that fails is reported, and the others still run
                status = f"{type(exc).__name__}: {exc}"[:120]
            ms = (time.perf_counter() - start) * 1000
        if status != 200:
            refused.append(f"{path} ({status})")
        return ms, len(queries)

    def judge(ms: float) -> str:
        return "ok" if ms <= AIM_MS else "OVER"

    header = f"{'page':36}{'first':>7}{'build':>7}{'worst':>7}{'q':>5}{'served':>8}{'worst':>7}{'q':>5}"
    if other:
        header += f"  | {other['rows'] / 1e6:.1f}M: {'build':>5}{'q':>5}{'served':>8}{'q':>5}"
    print(f"{header}   aim {AIM_MS} ms (medians; q: queries)")
    results, over, changed, refused = {}, [], [], []
    for name, path, signed_in in pages:
        use = client if signed_in else Client()
        first, _ = timed(use, path, cold=True)
        # Untimed, served from the cache: after a first request of a minute (computing the frames at 10M) the
        # session's last activity has moved, and its write (3 queries: harrow_bbp.session_limits) lands here,
        # not in the first build's query count.
        use.get(path)
        builds = [timed(use, path, cold=True) for _ in range(args.runs)]
        served = [timed(use, path, cold=False) for _ in range(args.runs)]
        build = statistics.median(ms for ms, _ in builds)
        serve = statistics.median(ms for ms, _ in served)
        build_q, serve_q = max(q for _, q in builds), max(q for _, q in served)
        results[path] = {
            "name": name,
            "first": first,
            "build": build,
            "build_worst": max(ms for ms, _ in builds),
            "build_queries": build_q,
            "served": serve,
            "served_worst": max(ms for ms, _ in served),
            "served_queries": serve_q,
        }
        verdict = f"build {judge(build)}, served {judge(serve)}" if signed_in else "(anchor)"
        if signed_in and (build > AIM_MS or serve > AIM_MS):
            over.append(name)
        line = f"{name[:35]:36}{first:7.0f}{build:7.0f}{max(ms for ms, _ in builds):7.0f}{build_q:5}"
        line += f"{serve:8.0f}{max(ms for ms, _ in served):7.0f}{serve_q:5}"
        if other:
            was = other["pages"].get(path)
            if was:
                line += f"  | {'':6}{was['build']:5.0f}{was['build_queries']:5}"
                line += f"{was['served']:8.0f}{was['served_queries']:5}"
                if (was["build_queries"], was["served_queries"]) != (build_q, serve_q):
                    changed.append(name)
                    verdict += ", QUERIES DIFFER"
            else:
                line += f"  | {'(not in that run)':>29}"
        print(f"{line}   {verdict}", flush=True)
    print("\nfirst: the first request in this process (one-off imports); build: cache cleared before each request;")
    print("q: the most queries a build or a served request made.")
    stored = ControlledFrame.objects.aggregate(frames=models.Count("pk"), seconds=Sum("seconds"), rows=Sum("rows"))
    if stored["frames"]:
        print(
            f"Controlled frames computed and stored by the first requests (a worker's job after a load): "
            f"{stored['frames']} frames, {stored['rows']:,} rows, {stored['seconds']:.1f} s of computing"
        )
    summaries = StoredSummary.objects.order_by("name").values_list("name", "seconds")
    if summaries:
        listed = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in summaries)
        print(f"Board summaries computed and stored by the first requests (a worker's job after a load): {listed}")
    print(f"Pages over {AIM_MS} ms built or served: {', '.join(over) if over else 'none'}")
    if refused:
        print(f"NOT 200 for {args.user} (timed all the same): {', '.join(sorted(set(refused)))}")
    if other:
        print(f"Query counts differing from the {other['rows']:,}-row run: {', '.join(changed) if changed else 'none'}")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        load_end = os.getloadavg()
        args.save.write_text(
            json.dumps(
                {"scale": args.scale, "rows": rows, "runs": args.runs, "load": [load, load_end], "pages": results},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
