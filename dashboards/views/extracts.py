"""Upload an extract, follow its progress, read what happened, download the error report and templates."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from harrow_bbp import csv_safe
from harrow_bbp.access import can_upload, require
from harrow_bbp.downloads import requested_format, table_response
from harrow_bbp.params import parse_choice, parse_page
from harrow_bbp.people import display_name
from harrow_bbp.tabular import Table
from outcomes import actions, drafts
from outcomes.ingest.readers import format_label
from outcomes.ingest.readers.base import CANONICAL
from outcomes.models import Extract
from outcomes.selectors.extracts import (
    extract_detail,
    extract_filter_choices,
    extract_history,
    held_back_for_coverage,
    loaded_extract,
)
from outcomes.tasks import enqueue

from ..forms import CoverageAcceptanceForm, UploadForm

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"


@require(can_upload)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        extract = actions.receive_extract(
            file_name=upload.name,
            content=upload.read(),
            format=form.cleaned_data["format"],
            source=Extract.Source.UPLOAD,
            uploaded_by=request.user,
            dry_run=form.cleaned_data["dry_run"],
            member=form.cleaned_data["member"],
        )
        enqueue(extract)
        return redirect("dashboards:extract", pk=extract.pk)
    return render(
        request,
        "dashboards/extracts/upload.html",
        {
            "form": form,
            "max_mb": settings.INGEST_MAX_UPLOAD_BYTES // 1_048_576,
            "max_rows": settings.INGEST_MAX_UPLOAD_ROWS,
        },
    )


#: Rows on one page of the extracts history.
HISTORY_PAGE_SIZE = 25
HISTORY_HEADER = [
    "file",
    "dry_run",
    "sent_by",
    "received_at",
    "format",
    "status",
    "rows_read",
    "inserted",
    "superseded",
    "unchanged",
    "warnings",
    "errors",
]


@require(can_upload)
def history(request: HttpRequest) -> HttpResponse:
    """Every file sent to the tracker, 25 a page, filtered by status, format and uploader; or all of them as a
    download (``?format=csv|xlsx`` with the same filters)."""
    choices = extract_filter_choices()
    status = parse_choice(request.GET.get("status"), name="status", choices=[v for v, _ in choices["statuses"]])
    file_format = parse_choice(request.GET.get("file_format"), name="file_format", choices=choices["formats"])
    uploader = parse_choice(
        request.GET.get("uploader"), name="uploader", choices=[str(u.pk) for u in choices["uploaders"]]
    )
    page_number = parse_page(request.GET.get("page"))
    download = requested_format(request)
    extracts = extract_history(
        status=status, format=file_format, uploader_id=int(uploader) if uploader else None
    ).select_related("uploaded_by__person")
    if download:
        rows = (
            [
                e.shown_name,
                e.dry_run,
                display_name(e.uploaded_by, e.get_source_display()),
                e.received_at,
                format_label(e.format),  # as the page shows it, not the reader's code
                e.get_status_display(),
                e.rows_read,
                e.rows_inserted,
                e.rows_superseded,
                e.rows_unchanged,
                e.warning_count,
                e.error_count,
            ]
            for e in extracts.iterator()
        )
        return table_response(Table(HISTORY_HEADER, rows), filename="extracts", format=download)
    page = Paginator(extracts, HISTORY_PAGE_SIZE).get_page(page_number)
    filters = {"status": status or "", "file_format": file_format or "", "uploader": uploader or ""}
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "dashboards/extracts/history.html",
        {
            "extracts": page.object_list,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "filters": filters,
            "query": query,
            "choices": choices,
        },
    )


@require(can_upload)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    extract = extract_detail(pk)
    if extract is None:
        raise Http404("No such extract.")
    if request.htmx:
        context = {"extract": extract, "finished": extract.completed_at is not None, **_tracking(extract)}
        return render(request, "dashboards/extracts/_status.html", context)
    return _detail(request, extract)


def _detail(request: HttpRequest, extract: Extract, form: CoverageAcceptanceForm | None = None, status: int = 200):
    finished = extract.completed_at is not None
    held = held_back_for_coverage(extract.pk) if finished and extract.status == Extract.Status.LOADED else []
    context = {
        "extract": extract,
        "finished": finished,
        "held_back": held,
        "coverage_form": form,
        "threshold": settings.ROLLUP_MIN_COVERAGE,
        **_tracking(extract),
    }
    return render(request, "dashboards/extracts/detail.html", context, status=status)


@require_POST
@require(can_upload)
def accept_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """An analyst accepts a PCN or borough value held back for coverage, with a reason; it is derived at once."""
    extract = loaded_extract(pk)
    if extract is None:
        raise Http404("No such loaded extract.")
    held = held_back_for_coverage(extract.pk)
    form = CoverageAcceptanceForm(request.POST, held_back=held)
    if not form.is_valid():
        return _detail(request, extract, form, status=400)
    chosen = next(h for h in held if h.key == form.cleaned_data["key"])
    actions.accept_coverage(
        indicator=chosen.indicator,
        area=chosen.area,
        period_end=chosen.period_end,
        reason=form.cleaned_data["reason"],
        user=request.user,
        extract=extract,
    )
    return redirect("dashboards:extract", pk=extract.pk)


def _tracking(extract: Extract) -> dict:
    """For a Fingertips export refused as holding only untracked indicators: each one, with its draft if one
    was started, and whether the file can be run again (it is kept, and one of them is now tracked)."""
    if extract.status != Extract.Status.REFUSED or [e.get("code") for e in extract.errors] != ["nothing_loaded"]:
        return {}
    found = drafts.drafts_for_extract(extract)
    untracked = [
        {"id": fid, "name": name, "draft": found.get(fid)} for fid, name in drafts.untracked_indicators(extract)
    ]
    kept = drafts.file_kept(extract)
    approved = any(d.status == d.Status.APPROVED for d in found.values())
    return {"untracked": untracked, "file_kept": kept, "can_rerun": kept and approved}


PROBLEM_HEADER = ["severity", "line", "column", "code", "message"]


@require(can_upload)
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error and warning as CSV, in the order an analyst fixes them: by line."""
    return _problems(pk, "csv")


@require(can_upload)
def error_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The same problems as a spreadsheet."""
    return _problems(pk, "xlsx")


def _problems(pk: int, format: str) -> HttpResponse:
    extract = extract_detail(pk)
    if extract is None:
        raise Http404("No such extract.")
    problems = [("error", p) for p in extract.errors] + [("warning", p) for p in extract.warnings]
    problems.sort(key=lambda item: (item[1].get("line") is None, item[1].get("line") or 0))
    # headers and messages can carry an uploaded =HYPERLINK(...): the table makes every cell formula-safe
    rows = [
        [severity, p.get("line"), p.get("column"), p.get("code", ""), p.get("message", "")] for severity, p in problems
    ]
    return table_response(Table(PROBLEM_HEADER, rows), filename=f"extract-{extract.pk}-problems", format=format)


@require(can_upload)
def template_file(request: HttpRequest, name: str) -> HttpResponse:
    """The blank generic template, or the filled example."""
    if name not in {"template", "example"}:
        raise Http404("No such file.")
    if name == "template":
        response = HttpResponse(csv_safe.line(CANONICAL), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="harrow-generic-template.csv"'
        return response
    example = SAMPLES / "generic_example.csv"
    if not example.exists():
        example = Path(settings.BASE_DIR) / "fixtures" / "data" / "diabetes_9cp_practices.csv"
    return FileResponse(example.open("rb"), as_attachment=True, filename="harrow-generic-example.csv")
