"""The Celery app. Eager (in-process) unless CELERY_BROKER_URL is set; see settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harrow_bbp.settings")

app = Celery("harrow_bbp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each installed app's tasks.py
