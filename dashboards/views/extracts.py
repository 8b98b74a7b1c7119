"""Upload an extract, follow its progress, read what happened, download the error report and templates."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from harrow_bbp import csv_safe
from harrow_bbp.access import can_upload, require
from outcomes import actions, drafts
from outcomes.ingest.readers.base import CANONICAL
from outcomes.ingest.tasks import enqueue
from outcomes.models import Extract
from outcomes.selectors import extract_history, held_back_for_coverage

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


@require(can_upload)
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/extracts/history.html", {"extracts": extract_history()})


@require(can_upload)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    extract = get_object_or_404(Extract.objects.select_related("uploaded_by"), pk=pk)
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
    extract = get_object_or_404(Extract, pk=pk, status=Extract.Status.LOADED)
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


@require(can_upload)
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error and warning as CSV, in the order an analyst fixes them: by line."""
    extract = get_object_or_404(Extract, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="extract-{extract.pk}-problems.csv"'
    writer = csv_safe.writer(response)  # headers and messages can carry an uploaded =HYPERLINK(...)
    writer.writerow(["severity", "line", "column", "code", "message"])
    problems = [("error", p) for p in extract.errors] + [("warning", p) for p in extract.warnings]
    problems.sort(key=lambda item: (item[1].get("line") is None, item[1].get("line") or 0))
    for severity, p in problems:
        writer.writerow([severity, p.get("line") or "", p.get("column") or "", p["code"], p["message"]])
    return response


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
