"""Benchmark: how long, and how much memory, an upload over the row limit holds a worker before it is refused.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/harrow_bench .venv/bin/python bench/upload_limits.py
        [--rows 300000] [--limit 250000] [--kind xlsx|xlsx-dimension|csv|zip]

Writes a generic-format file of ``--rows`` rows to var/bench/ (never committed): a workbook as openpyxl's
write-only mode saves it, with no ``<dimension>`` element (11.8 MB for 300,000 rows), the same workbook with
the ``<dimension>`` Excel always writes, the same rows as CSV, or that CSV inside a ZIP (``--kind zip``: the
member is unpacked in memory before it is read, ADR 0030, so ``--rows 27000000`` measures a member of about the
default ``INGEST_MAX_UNZIPPED_BYTES``, 2 GB). Then, in a fresh process measured by
``/usr/bin/time -v``, records it as an upload-page extract and runs the pipeline on it with
``INGEST_MAX_UPLOAD_ROWS=--limit``, as the Celery task would (and as the upload request itself does when
Celery runs eagerly). Prints the outcome, the wall time and the peak RSS. The database named in DATABASE_URL
must be migrated (``manage.py migrate``). Run it from a checkout of the code to measure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

CHILD = """
import sys, django
django.setup()
from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract
path = sys.argv[1]
extract = actions.receive_extract(
    file_name="bench-" + path.rsplit("/", 1)[-1], content=open(path, "rb").read(), format="auto",
    source=Extract.Source.UPLOAD,
)
outcome = pipeline.run_extract(extract.pk)
e = outcome.extract
print(f"@@status={e.status} rows_read={e.rows_read} first_error={e.errors[0] if e.errors else None}")
"""


def write_workbook(path: Path, rows: int) -> None:
    """Practice ACSC rows in the generic layout, a workbook of the size an analyst's export would be."""
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("extract")
    sheet.append(
        [
            "indicator_code",
            "org_code",
            "period_start",
            "period_end",
            "breakdown",
            "category",
            "numerator",
            "denominator",
            "value",
        ]
    )
    for i in range(rows):
        numerator, denominator = 10 + i % 90, 1000 + i % 5000
        sheet.append(
            [
                "OUT5_ACSC_ADMISSIONS",
                f"E84{i % 1000:03d}",
                f"{2000 + i // 12000}-{1 + i // 1000 % 12:02d}-01",
                f"{2000 + i // 12000}-{1 + i // 1000 % 12:02d}-28",
                "all",
                "all",
                numerator,
                denominator,
                round(numerator / denominator * 1000, 1),
            ]
        )
    book.save(path)


def add_dimension(source: Path, target: Path, rows: int) -> None:
    """The workbook with the ``<dimension ref="A1:I{rows + 1}"/>`` element Excel writes before the rows."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetViews>", f'<dimension ref="A1:I{rows + 1}"/><sheetViews>'.encode(), 1)
            new.writestr(info.filename, data)


def write_csv(source: Path, target: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(source, read_only=True)
    with target.open("w", encoding="utf-8") as out:
        for row in book.worksheets[0].iter_rows(values_only=True):
            out.write(",".join("" if v is None else str(v) for v in row) + "\n")


def write_rows_csv(target: Path, rows: int) -> None:
    """The workbook's rows as CSV, written directly (openpyxl would take an hour for tens of millions of rows)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        out.write("indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value\n")
        for i in range(rows):
            numerator, denominator = 10 + i % 90, 1000 + i % 5000
            month = f"{2000 + i // 12000 % 26}-{1 + i // 1000 % 12:02d}"
            out.write(
                f"OUT5_ACSC_ADMISSIONS,E84{i % 1000:03d},{month}-01,{month}-28,all,all,"
                f"{numerator},{denominator},{round(numerator / denominator * 1000, 1)}\n"
            )


def write_zip(source: Path, target: Path) -> None:
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.write(source, source.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--limit", type=int, default=250_000)
    parser.add_argument("--kind", choices=["xlsx", "xlsx-dimension", "csv", "zip"], default="xlsx")
    args = parser.parse_args()
    workbook = REPO / "var" / "bench" / f"upload-limits-{args.rows}.xlsx"
    if args.kind != "zip" and not workbook.exists():
        write_workbook(workbook, args.rows)
    path = workbook
    if args.kind == "zip":
        member = workbook.with_name(f"upload-limits-{args.rows}-rows.csv")
        path = member.with_suffix(".zip")
        if not path.exists():
            write_rows_csv(member, args.rows)
            write_zip(member, path)
        print(f"member: {member.name}, {member.stat().st_size / 1_048_576:,.0f} MB unpacked")
    elif args.kind == "xlsx-dimension":
        path = workbook.with_name(f"upload-limits-{args.rows}-dimension.xlsx")
        if not path.exists():
            add_dimension(workbook, path, args.rows)
    elif args.kind == "csv":
        path = workbook.with_suffix(".csv")
        if not path.exists():
            write_csv(workbook, path)
    print(f"file: {path.name}, {args.rows:,} rows, {path.stat().st_size / 1_048_576:.2f} MB")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "harrow_bbp.settings",
        "INGEST_MAX_UPLOAD_ROWS": str(args.limit),
        "MEDIA_ROOT": str(REPO / "var" / "bench" / "media"),
    }
    result = subprocess.run(
        ["/usr/bin/time", "-v", PYTHON, "-c", CHILD, str(path)], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", result.stderr).group(1)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    cpu = sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr).group(1)) for kind in ("User", "System")
    )
    print(result.stdout.strip().replace("@@", ""))
    print(f"limit {args.limit:,}: wall {wall}, CPU {cpu:.1f} s, peak RSS {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
