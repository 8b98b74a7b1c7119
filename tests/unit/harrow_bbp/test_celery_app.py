"""Each app's tasks live in its tasks.py, and the Celery app finds them all: every task the beat schedule names
is registered, under the name the broker carries."""

from __future__ import annotations

from django.conf import settings

from harrow_bbp.celery import app

#: The wire names: changing one strands messages already queued under it (see outcomes/tasks.py).
EXPECTED = {
    "audit.tasks.prune_access_log",
    "dashboards.tasks.generate_board_pack",
    "dashboards.warm.warm_pages_task",
    "outcomes.ingest.tasks.delete_refused_files",
    "outcomes.ingest.tasks.ingest_extract_task",
    "outcomes.ingest.tasks.scan_drop_folder",
    "outcomes.tasks.derive_rollups_task",
    "outcomes.tasks.load_reference_data_task",
}


def test_autodiscovery_registers_every_task_and_the_beat_schedule_names_only_those() -> None:
    app.loader.import_default_modules()
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered == EXPECTED
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= registered
    for name in EXPECTED:
        assert app.tasks[name].__module__.endswith(".tasks")  # defined in the app's tasks.py
