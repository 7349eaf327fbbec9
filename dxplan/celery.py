"""The Celery app. Settings come from Django settings under the CELERY_ prefix;
with no broker configured, tasks run eagerly in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxplan.settings")

app = Celery("dxplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
