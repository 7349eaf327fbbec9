"""Queueing a Celery task after commit, and what a job row says when the broker is down.

The report jobs (reports.services) and the import runs (imports.views) queue their work
here. The task is sent once the transaction commits (a worker must find the row; a
rolled-back request queues nothing). If the broker cannot take it (Redis down,
unreachable: the settings bound the wait to a few seconds), `on_unavailable(message)`
is called at once so the caller marks its row failed with UNAVAILABLE (kept by
plans.language.stored, shown in each reader's language), rather than
leaving it "queued" for a sweep to find hours later and answering 500 for a committed
write. Only broker errors count: in-process (eager) runs raise their own errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext_noop
from kombu.exceptions import OperationalError

from plans.language import stored

logger = logging.getLogger(__name__)

UNAVAILABLE = gettext_noop("The background service is unavailable. Try again in a while.")


def enqueue_on_commit(task, *args, on_unavailable: Callable[[str], None]) -> None:
    def send():
        try:
            task.apply_async(args=args)
        except OperationalError as error:
            logger.warning("could not queue %s%r: %s", task.name, args, error)
            on_unavailable(stored(UNAVAILABLE))

    transaction.on_commit(send)
