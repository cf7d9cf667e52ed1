"""The background worker: django-tasks-db's ``db_worker``, plus recovery from a worker that died.

Its sweep also sends the daily notification digests that are due (quartier.notifications).

A worker killed in the middle of an opinion-map run (``kill -9``, out of memory, a reboot) leaves
the map's lock held and its task RUNNING forever. This worker checks at start and then every
``--sweep-interval`` seconds: a lost run is queued again (services.conversation_recompute_sweep),
and a recompute task that has been RUNNING longer than any live run holds its lock is reported
failed.
"""

import logging
import os
import threading
import time
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval
from django_tasks_db.models import DBTaskResult

from quartier.deliberation import services
from quartier.deliberation.tasks import recompute_conversation
from quartier.notifications.services import digests_send_due

logger = logging.getLogger(__name__)


def interrupted_runs_fail() -> int:
    """Mark recompute tasks that a dead worker left RUNNING as failed; returns how many."""
    now = timezone.now()
    return (
        DBTaskResult.objects.running()
        .filter(
            task_path=recompute_conversation.module_path,
            # Past this age the run's lock is taken over anyway: it cannot be a live run.
            started_at__lt=now - services.RECOMPUTE_STALE_AFTER,
        )
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="quartier.deliberation.tasks.WorkerLost",
            traceback="The worker stopped during this run; the map was queued again.",
        )
    )


def sweep() -> None:
    try:
        failed = interrupted_runs_fail()
        queued = services.conversation_recompute_sweep()
        if failed or queued:
            logger.warning(
                "Recovered from a stopped worker: %s interrupted runs failed, %s runs queued",
                failed,
                queued,
            )
    except Exception:
        # A locked SQLite file or a lost connection: the next sweep tries again.
        logger.exception("Sweep for lost opinion-map runs failed")
    try:
        # The daily digests whose hour has come (within a minute of it, at this interval).
        digests_send_due()
    except Exception:
        logger.exception("Sending the daily digests failed; the next sweep tries again")
    finally:
        connections.close_all()  # this thread's connections only


class Command(DatabaseWorkerCommand):
    help = "Run the background worker; re-queue opinion-map runs that a stopped worker left behind"

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            type=valid_interval,
            default=60.0,
            help="Seconds between checks for lost opinion-map runs (default: %(default)r)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep_interval: float = options.pop("sweep_interval")
        # With --reload the parent process only watches files; its child runs the worker.
        reloading = options["reload"] and not options["batch"]
        if not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            sweep()  # before the first task, so that --batch runs what it queues

            def sweep_regularly() -> None:
                while True:
                    time.sleep(sweep_interval)
                    sweep()

            threading.Thread(target=sweep_regularly, name="recompute-sweep", daemon=True).start()
        super().handle(*args, **options)
