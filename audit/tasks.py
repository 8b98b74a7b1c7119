"""Scheduled audit housekeeping (Celery beat, daily)."""

from celery import shared_task

from . import retention


@shared_task
def prune_access_log() -> int:
    return retention.prune_access_log()
