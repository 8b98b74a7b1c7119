"""Start tracking a Fingertips indicator from a refused export: draft -> approval -> Indicator -> run again.

Actions (keyword-only, transactional) and the reads the pages need. The rule that a draft needs a second pair
of eyes lives here as well as in ``harrow_bbp.access``, so no page or script can approve its own draft: only
an administrator (Django staff, the ``admin`` role) may approve a draft they started.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import storage
from .ingest import archive
from .ingest.fingertips_proposal import propose
from .ingest.sniff import sniff
from .ingest.table import read_table
from .models import Extract, Indicator, IndicatorDraft
from .problems import FileRefused

UNTRACKED = re.compile(r"^Fingertips indicator (\d+) \((.*)\) is not one we track")
#: Fields an analyst edits on the draft page (the rest come from the export or the approval).
EDITABLE = (
    "code",
    "name",
    "definition",
    "unit",
    "multiplier",
    "polarity",
    "frequency",
    "period_months",
    "interval_method",
    "levels",
    "fingertips_sex",
    "fingertips_age",
    "source_url",
)
FINGERTIPS_URL = "https://fingertips.phe.org.uk/search/{id}"


# ------------------------------------------------------------------------------------------------- reads


def untracked_indicators(extract: Extract) -> list[tuple[int, str]]:
    """(Fingertips id, name) of each indicator an extract skipped as untracked, in the file's order."""
    found = []
    for warning in extract.warnings or []:
        if warning.get("code") == "untracked_indicator" and (m := UNTRACKED.match(warning.get("message", ""))):
            found.append((int(m[1]), m[2]))
    return found


def file_kept(extract: Extract) -> bool:
    """Whether the extract's bytes are still stored (refused files are kept for INGEST_REFUSED_RETENTION_DAYS)."""
    return bool(extract.stored_file) and extract.file_deleted_at is None


def open_draft_for(fingertips_id: int) -> IndicatorDraft | None:
    return IndicatorDraft.objects.filter(fingertips_id=fingertips_id, status=IndicatorDraft.Status.DRAFT).first()


def drafts_for_extract(extract: Extract) -> dict[int, IndicatorDraft]:
    """Fingertips id -> its newest draft (open or approved), for the ids this extract skipped."""
    ids = [fid for fid, _ in untracked_indicators(extract)]
    drafts: dict[int, IndicatorDraft] = {}
    for draft in IndicatorDraft.objects.filter(fingertips_id__in=ids).order_by("created_at", "pk"):
        drafts[draft.fingertips_id] = draft
    return drafts


def draft_list() -> list[IndicatorDraft]:
    return list(IndicatorDraft.objects.select_related("created_by", "approved_by", "indicator", "extract"))


def may_approve(user: Any, draft: IndicatorDraft) -> bool:
    """A second analyst, or an administrator (who may approve their own)."""
    is_admin = bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
    return draft.status == IndicatorDraft.Status.DRAFT and (is_admin or user.pk != draft.created_by_id)


# ------------------------------------------------------------------------------------------------ writes


@transaction.atomic
def start_tracking(*, extract: Extract, fingertips_id: int, user: Any) -> IndicatorDraft:
    """A draft definition pre-filled from the export; the open draft for this id if there is one already."""
    if fingertips_id not in {fid for fid, _ in untracked_indicators(extract)}:
        raise ValidationError(f"Extract {extract.pk} holds no untracked Fingertips indicator {fingertips_id}.")
    existing = open_draft_for(fingertips_id)
    if existing is not None:
        return existing
    if not file_kept(extract):
        raise ValidationError("The file has been deleted, so the definition cannot be read from it. Upload it again.")
    try:
        content = archive.unwrap(
            storage.read(extract), member=extract.member or None, limits=archive.limits_from_settings()
        ).content
        table = read_table(content, sniff(content))
    except (FileRefused, OSError) as error:
        raise ValidationError("The stored file can no longer be read; upload it again.") from error
    proposal = propose(table, fingertips_id)
    if proposal is None:
        raise ValidationError(f"The file holds no rows for Fingertips indicator {fingertips_id}.")
    notes = " ".join(proposal.notes)
    return IndicatorDraft.objects.create(
        fingertips_id=fingertips_id,
        code=_free_code(proposal.code()),
        name=proposal.name,
        definition=f"{proposal.name} (OHID Fingertips indicator {fingertips_id}).",
        unit=proposal.unit,
        multiplier=proposal.multiplier,
        frequency=proposal.frequency,
        period_months=proposal.period_months,
        interval_method=proposal.interval_method,
        levels=proposal.levels,
        fingertips_sex=proposal.sex,
        fingertips_age=proposal.age,
        seen={
            "sexes": proposal.sexes,
            "ages": proposal.ages,
            "area_types": proposal.area_types,
            "rows": proposal.rows,
            "notes": notes,
        },
        source_url=FINGERTIPS_URL.format(id=fingertips_id),
        extract=extract,
        created_by=user,
    )


def _free_code(code: str) -> str:
    taken = set(Indicator.objects.values_list("code", flat=True)) | set(
        IndicatorDraft.objects.values_list("code", flat=True)
    )
    candidate, n = code, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = code[: 64 - len(suffix)] + suffix, n + 1
    return candidate


@transaction.atomic
def update_draft(*, draft: IndicatorDraft, user: Any, **fields: Any) -> IndicatorDraft:
    """Edit a draft that is still waiting for approval (any analyst may)."""
    draft = IndicatorDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != IndicatorDraft.Status.DRAFT:
        raise ValidationError("This draft has been approved; edit the indicator's definition file instead.")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.full_clean(exclude=["created_by", "extract"])
    draft.save()
    return draft


@transaction.atomic
def approve_draft(*, draft: IndicatorDraft, user: Any) -> Indicator:
    """Create the indicator (and its Fingertips mapping) from the draft. Saving the indicator changes the page
    cache version (dashboards.invalidation), so every page shows it at once."""
    draft = IndicatorDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != IndicatorDraft.Status.DRAFT:
        raise ValidationError("This draft has already been approved.")
    if not may_approve(user, draft):
        raise ValidationError("A draft is approved by a second analyst (not the one who started it) or an admin.")
    missing = {name: "Choose this before approving." for name in ("unit", "polarity") if not getattr(draft, name)}
    if missing:
        raise ValidationError(missing)
    spec: dict[str, Any] = {"id": draft.fingertips_id}
    if draft.fingertips_sex:
        spec["sex"] = draft.fingertips_sex
    if draft.fingertips_age:
        spec["age"] = draft.fingertips_age
    _check_mapping_is_free(spec)
    indicator = Indicator(
        code=draft.code,
        name=draft.name,
        definition=draft.definition,
        unit=draft.unit,
        multiplier=draft.multiplier,
        polarity=draft.polarity,
        frequency=draft.frequency,
        period_months=draft.period_months,
        interval_method=draft.interval_method,
        levels=list(draft.levels),
        breakdowns=[],
        source=draft.source,
        source_url=draft.source_url,
        fingertips=spec,
    )
    indicator.full_clean()
    indicator.save()
    draft.status = IndicatorDraft.Status.APPROVED
    draft.approved_by, draft.approved_at, draft.indicator = user, timezone.now(), indicator
    draft.save()
    return indicator


def _check_mapping_is_free(spec: dict[str, Any]) -> None:
    """No two indicators may claim the same Fingertips rows (same id, and sex and age that overlap)."""
    for other in Indicator.objects.exclude(fingertips={}):  # a few dozen rows; JSON lookups differ by database
        theirs = other.fingertips or {}
        if str(theirs.get("id")) != str(spec["id"]):
            continue
        overlaps = all(
            not spec.get(key) or not theirs.get(key) or str(spec[key]).lower() == str(theirs[key]).lower()
            for key in ("sex", "age")
        )
        if overlaps:
            raise ValidationError(
                f"{other.code} already reads Fingertips indicator {spec['id']} for these rows; "
                "choose a different sex or age, or edit that indicator."
            )


def rerun_extract(*, extract: Extract, user: Any) -> Extract:
    """A new extract of the same stored bytes (queued by the caller), e.g. once its indicator is tracked."""
    from . import actions

    if not file_kept(extract):
        raise ValidationError("The file has been deleted (refused files are kept for a limited time); upload it again.")
    try:
        content = storage.read(extract)
    except OSError as error:
        raise ValidationError("The stored file can no longer be read; upload it again.") from error
    new = actions.receive_extract(
        file_name=extract.file_name,
        content=content,
        format=extract.format or "auto",
        source=Extract.Source.UPLOAD,
        uploaded_by=user,
        member=extract.member,
    )
    Extract.objects.filter(pk=new.pk).update(note=f"Run again of extract {extract.pk}.")
    new.note = f"Run again of extract {extract.pk}."
    return new
