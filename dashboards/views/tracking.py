"""Start tracking a Fingertips indicator from a refused export: draft, edit, approve, run the extract again.

Analysts only (``harrow_bbp.access``); every write goes through ``outcomes.drafts``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from harrow_bbp.access import can_approve_draft, can_track_indicators, require
from harrow_bbp.params import BadParameter
from outcomes import drafts
from outcomes.models import IndicatorDraft
from outcomes.selectors.extracts import draft_with_people, extract_detail
from outcomes.tasks import enqueue
from workstreams.forms import apply_errors

from ..tracking_forms import DraftForm

#: Fingertips ids are positive integers well below this.
MAX_FINGERTIPS_ID = 10**9


def _fingertips_id(value: str | None) -> int:
    if value is None or not value.isascii() or not value.isdigit() or not 0 < int(value) < MAX_FINGERTIPS_ID:
        raise BadParameter("fingertips_id", "must be a Fingertips indicator id (a whole number)")
    return int(value)


@require(can_track_indicators)
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    extract = extract_detail(pk)
    if extract is None:
        raise Http404("No such extract.")
    fingertips_id = _fingertips_id(request.POST.get("fingertips_id"))
    try:
        draft = drafts.start_tracking(extract=extract, fingertips_id=fingertips_id, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboards:extract", pk=extract.pk)
    return redirect("dashboards:indicator_draft", pk=draft.pk)


@require(can_track_indicators)
def draft_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/tracking/drafts.html", {"drafts": drafts.draft_list()})


@require(can_track_indicators)
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_with_people(pk)
    if draft is None:
        raise Http404("No such draft.")
    editable = draft.status == IndicatorDraft.Status.DRAFT
    form = DraftForm(instance=draft) if editable else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = DraftForm(request.POST, instance=draft_with_people(draft.pk))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in drafts.EDITABLE}
            try:
                drafts.update_draft(draft=draft, user=request.user, **fields)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Draft saved.")
                return redirect("dashboards:indicator_draft", pk=draft.pk)
    return render(
        request,
        "dashboards/tracking/draft.html",
        {
            "draft": draft,
            "form": form,
            "can_approve": editable and can_approve_draft(request.user, draft),
            "own_draft": draft.created_by_id == request.user.pk,
            "can_rerun": draft.extract is not None and drafts.file_kept(draft.extract),
        },
    )


@require(can_track_indicators)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    draft = draft_with_people(pk)
    if draft is None:
        raise Http404("No such draft.")
    if not can_approve_draft(request.user, draft):
        raise PermissionDenied
    try:
        indicator = drafts.approve_draft(draft=draft, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Approved: {indicator.code} is now tracked. Run the extract again to load it.")
    return redirect("dashboards:indicator_draft", pk=draft.pk)


@require(can_track_indicators)
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    extract = extract_detail(pk)
    if extract is None:
        raise Http404("No such extract.")
    try:
        new = drafts.rerun_extract(extract=extract, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboards:extract", pk=extract.pk)
    enqueue(new)
    return redirect("dashboards:extract", pk=new.pk)
