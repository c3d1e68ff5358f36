"""The Celery app: Redis in production (REDIS_URL), kombu's filesystem transport on
embedded defaults, so the demo runs alerts with no server to install."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wego_tracker.settings")

app = Celery("wego_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
