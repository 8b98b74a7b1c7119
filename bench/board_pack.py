"""Benchmark: generating the monthly board pack with the demo data, against the aim of issue 13.7 (under 30 s).

    .venv/bin/python bench/board_pack.py                 # the database in DATABASE_URL (or var/db.sqlite3) as it is
    .venv/bin/python bench/board_pack.py --month 2026-09 --runs 2

The database is prepared first as `make demo` does (migrate, then reference data, demo data, demo users and demo
governance, each unless it is already there). Each run generates a pack through the action the Celery task calls
(`build_board_pack`: gather, charts through Kaleido and Chromium, WeasyPrint, stored files) and prints each stage's
wall time from the pack's own progress notes, the total wall time, and the CPU time of this process and its
children (Chromium) over the run. The first run starts with an empty page cache (a worker whose cache was not
warmed: the controlled frames of the PCN-level outcomes are computed); later runs find them cached, as a worker
does after the pages were warmed. Wall time on a shared machine follows its load, which is printed with it; the
anchor is the load average and the CPU time beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
AIM_S = 30.0


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def prepare() -> None:
    env = {**os.environ, "CELERY_BROKER_URL": ""}

    def run(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)

    run("migrate", "-v0")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from outcomes.models import Area, Observation
    from workstreams.models import StatusReport

    if not Area.objects.filter(code="E09000015").exists():
        run("load_reference_data")
    if not Observation.objects.filter(extract__source="demo").exists():
        run("load_demo_data")
    if not get_user_model().objects.filter(username="analyst").exists():
        run("create_demo_users")
    if not StatusReport.objects.exists():
        run("load_demo_governance")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", default="2026-09", help="The pack's month (the demo data end in September 2026).")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harrow_bbp.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    prepare()

    from django.core.cache import cache

    from dashboards.board_pack import actions, pdf
    from dashboards.models import BoardPack

    reason = pdf.missing()
    if reason:
        sys.exit(f"Cannot generate a pack here: {reason}")
    month = dt.date.fromisoformat(f"{args.month}-01")
    cache.clear()
    for run in range(1, args.runs + 1):
        marks: list[tuple[float, str]] = []
        original = actions.record_progress
        started, cpu = time.monotonic(), cpu_seconds()

        def noted(*, pack, fraction, words, _original=original, _started=started, _marks=marks):
            _marks.append((time.monotonic() - _started, words))
            _original(pack=pack, fraction=fraction, words=words)

        actions.record_progress = noted
        try:
            pack = actions.build_board_pack(pack=BoardPack.objects.create(month=month))
        finally:
            actions.record_progress = original
        wall, used = time.monotonic() - started, cpu_seconds() - cpu
        load = os.getloadavg()[0]
        print(f"run {run} ({'empty cache' if run == 1 else 'cache warm'}): {pack.page_count} pages", flush=True)
        # One line per stage: the charts' notes (one per chart) as one.
        stages = [m for m in marks if not m[1].startswith("Drawing the charts: ") or " 0 of " in m[1]]
        for (at, words), (after, _) in zip(stages, [*stages[1:], (wall, "")], strict=True):
            print(f"  {after - at:6.1f} s  {words}")
        met = "met" if wall < AIM_S else "NOT met"
        print(f"  total {wall:.1f} s wall (aim: under {AIM_S:.0f} s: {met}), {used:.1f} s CPU; load average {load:.1f}")


if __name__ == "__main__":
    main()
