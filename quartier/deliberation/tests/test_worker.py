"""Recovery of opinion-map runs whose worker died, down to a real worker process killed mid-run."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from quartier.cities.models import City
from quartier.conftest import make_user
from quartier.deliberation import services
from quartier.deliberation.models import Conversation, Vote
from quartier.deliberation.tasks import recompute_conversation

STATEMENTS = [f"Aussage {number}" for number in range(1, 9)]
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ROOT = Path(__file__).resolve().parents[3]
# Longer ago than RECOMPUTE_STALE_AFTER: the run that took the lock then is dead.
LONG_AGO = services.RECOMPUTE_STALE_AFTER + timedelta(minutes=1)
# RECOMPUTE_STALE_AFTER in the worker processes: longer than a worker takes to start, so that
# the new worker first meets the dead run's lock while it is fresh, as after a real crash.
STALE_SECONDS = 10


def open_map(city: City, creator) -> Conversation:
    return services.conversation_open(
        city=city, creator=creator, question="Mehr Bänke am Hafen?", seed_statements=STATEMENTS
    )


def votes_of(conversation: Conversation, people: int, *, start: int = 0) -> None:
    """Two blocs of people, voting directly into the table (no recompute is requested)."""
    statements = list(conversation.statements.order_by("id"))
    for number in range(start, start + people):
        participant = services.participant_join(
            conversation=conversation, user=make_user(f"person{number}@example.org")
        )
        for index, statement in enumerate(statements):
            choice = 1 if index % 2 == number % 2 else -1
            Vote.objects.create(participant=participant, statement=statement, choice=choice)


def vote(conversation: Conversation, email: str) -> None:
    participant = services.participant_join(conversation=conversation, user=make_user(email))
    statement = conversation.statements.order_by("id")[0]
    services.vote_cast(participant=participant, statement=statement, choice=1)


def queued() -> list:
    return recompute_conversation.get_backend().results  # type: ignore[attr-defined]


def state(conversation: Conversation, **fields) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(**fields)


@pytest.fixture
def conversation(dortmund, moderator) -> Conversation:
    conversation = open_map(dortmund, moderator)
    votes_of(conversation, 4)
    return conversation


@pytest.fixture
def dummy_tasks():
    """A backend that only records what is queued (and supports deferred tasks, like the DB)."""
    with override_settings(TASKS=DUMMY_TASKS):
        yield queued()


def killed_run(conversation: Conversation, *, ago: timedelta, pending: bool) -> None:
    """What a worker killed during a run leaves behind: the lock, and a task due back then."""
    started = timezone.now() - ago
    state(
        conversation,
        computing_since=started,
        recompute_pending=pending,
        recompute_due_at=started,
    )


# --- the recovery logic ---------------------------------------------------------------------


def test_a_vote_after_a_dead_run_queues_a_run_again(
    conversation, dummy_tasks, django_capture_on_commit_callbacks
):
    # The bug: the run died, a later vote set the flag, its task found the lock and ended; from
    # then on no vote queued anything, because the flag was already set.
    killed_run(
        conversation, ago=services.RECOMPUTE_STALE_AFTER + timedelta(minutes=1), pending=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        vote(conversation, "late@example.org")
    assert [task.args for task in dummy_tasks] == [[conversation.pk]]
    # ... and only once: the next vote sees the task that is now due.
    with django_capture_on_commit_callbacks(execute=True):
        vote(conversation, "later@example.org")
    assert len(dummy_tasks) == 1


def test_a_vote_queues_again_when_the_pending_request_lost_its_task(
    conversation, dummy_tasks, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - services.RECOMPUTE_STALE_AFTER - timedelta(seconds=1)
    state(conversation, recompute_pending=True, recompute_due_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        vote(conversation, "late@example.org")
    assert len(dummy_tasks) == 1


def test_a_live_run_gets_no_duplicate(
    conversation, dummy_tasks, django_capture_on_commit_callbacks
):
    killed_run(conversation, ago=timedelta(seconds=30), pending=True)  # fresh: maybe still alive
    with django_capture_on_commit_callbacks(execute=True):
        vote(conversation, "late@example.org")
    assert dummy_tasks == []
    assert services.conversation_recompute_sweep() == 0
    assert dummy_tasks == []


def test_a_vote_racing_the_start_of_a_run_is_queued_again(
    conversation, dummy_tasks, django_capture_on_commit_callbacks
):
    state(conversation, recompute_pending=True, recompute_due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        vote(conversation, "late@example.org")
        # Before this vote commits, a run takes the flag and reads the votes without it.
        state(conversation, recompute_pending=False)
    assert len(dummy_tasks) == 1
    assert Conversation.objects.get(pk=conversation.pk).recompute_pending


def test_the_sweep_requeues_a_dead_run_without_any_vote(conversation, dummy_tasks):
    killed_run(
        conversation, ago=services.RECOMPUTE_STALE_AFTER + timedelta(minutes=1), pending=False
    )
    assert services.conversation_recompute_sweep() == 1
    assert [task.args for task in dummy_tasks] == [[conversation.pk]]
    assert services.conversation_recompute_sweep() == 0  # the new task is due: no duplicate
    # The task takes the stale lock over and stores what the dead run never did.
    assert services.conversation_recompute_requested(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert conversation.computed_votes == 4 * len(STATEMENTS)
    assert conversation.computing_since is None and not conversation.recompute_pending


def test_the_sweep_requeues_a_pending_request_whose_task_was_lost(conversation, dummy_tasks):
    long_ago = timezone.now() - services.RECOMPUTE_STALE_AFTER - timedelta(seconds=1)
    state(conversation, recompute_pending=True, recompute_due_at=long_ago)
    assert services.conversation_recompute_sweep() == 1
    state(conversation, recompute_pending=True, recompute_due_at=timezone.now())
    assert services.conversation_recompute_sweep() == 0  # a task due just now is not lost


def test_a_task_that_finds_the_lock_held_queues_a_run_for_when_it_goes_stale(
    conversation, dummy_tasks
):
    killed_run(conversation, ago=timedelta(seconds=30), pending=False)
    holder = Conversation.objects.get(pk=conversation.pk).computing_since
    assert services.conversation_recompute_requested(conversation_id=conversation.pk) is False
    assert len(dummy_tasks) == 1
    assert dummy_tasks[0].task.run_after == holder + services.RECOMPUTE_STALE_AFTER
    # A second task finding the same lock adds nothing: the follow-up is due.
    assert services.conversation_recompute_requested(conversation_id=conversation.pk) is False
    assert len(dummy_tasks) == 1
    # Should the holder finish, nothing is owed: its end queues no second run.
    assert not Conversation.objects.get(pk=conversation.pk).recompute_pending


def test_a_task_with_nothing_pending_does_not_run(conversation, dummy_tasks):
    assert services.conversation_recompute_requested(conversation_id=conversation.pk) is False
    assert Conversation.objects.get(pk=conversation.pk).computed_at is None
    assert dummy_tasks == []


def test_a_run_whose_lock_was_taken_over_stores_nothing(conversation, monkeypatch):
    analyse = services._analyse

    def overtaken(conversation):
        outcome = analyse(conversation)
        state(conversation, computing_since=timezone.now() + timedelta(seconds=1))
        return outcome

    monkeypatch.setattr(services, "_analyse", overtaken)
    assert services.conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert conversation.results is None and conversation.computing_since is not None


def test_requests_during_a_failed_run_are_queued_again(conversation, dummy_tasks, monkeypatch):
    def broken(conversation):
        state(conversation, recompute_pending=True)  # a vote arrives during the run
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services, "_analyse", broken)
    assert services.conversation_recompute(conversation_id=conversation.pk)
    assert len(dummy_tasks) == 1
    assert "engine exploded" in Conversation.objects.get(pk=conversation.pk).compute_error


# --- the results page -----------------------------------------------------------------------


def test_the_results_page_says_how_many_votes_are_not_counted_yet(client, conversation):
    services.conversation_recompute(conversation_id=conversation.pk)
    url = reverse("conversation_results", args=["dortmund", conversation.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not counted yet" not in page
    votes_of(conversation, 1, start=10)  # 8 votes after the results were computed
    state(conversation, recompute_pending=True)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "8 newer votes are not counted yet" in page
    state(conversation, recompute_pending=False, compute_error="RuntimeError: boom")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "8 newer votes are not counted yet" in page
    assert "The last update failed" in page


# --- a real worker, killed in the middle of a run ------------------------------------------


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database that worker processes see too; its URL.

    PostgreSQL: the test database itself (committed data, thanks to transactional_db). SQLite:
    the test database is in memory, so this test works on a copy in a file instead.
    """
    connection = connections["default"]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        yield f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    path = tmp_path / "worker.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    in_file = connection.__class__({**db, "NAME": str(path)}, "default")
    connections["default"] = in_file
    try:
        yield f"sqlite:///{path}"
    finally:
        in_file.close()
        connections["default"] = connection


class Workers:
    """Worker processes started by the test; each is killed at the end by its own pid."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.folder = folder
        self.slow = folder / "slow"
        self.started = folder / "started"
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",  # what `make run` starts
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "OPENBLAS_NUM_THREADS": "1",
            "TEST_STALE_AFTER": str(STALE_SECONDS),
            "TEST_SLOW_FILE": str(self.slow),
            "TEST_STARTED_FILE": str(self.started),
        }

    def start(self) -> subprocess.Popen:
        log = (self.folder / f"worker{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "quartier.deliberation.tests.worker_process"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(path.read_text()[-3000:] for path in sorted(self.folder.glob("*.log")))

    def wait_for(self, condition, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not happen within {timeout} s.\n{self.logs()}")
            time.sleep(0.1)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def workers(shared_database, tmp_path):
    workers = Workers(shared_database, tmp_path)
    yield workers
    workers.stop_all()


def test_a_worker_killed_mid_run_is_recovered_by_the_next_worker(workers, monkeypatch):
    call_command("load_demo", stdout=io.StringIO())
    city = City.objects.get(slug="dortmund")
    conversation = open_map(city, make_user("mod@example.org", city=city, role="moderator"))
    votes_of(conversation, 8)
    monkeypatch.setattr(services, "RECOMPUTE_DELAY", timedelta(0))

    def fetched() -> Conversation:
        return Conversation.objects.get(pk=conversation.pk)

    def tasks():
        return DBTaskResult.objects.filter(task_path=recompute_conversation.module_path)

    with override_settings(TASKS=DATABASE_TASKS):
        # A vote queues a run in the database; the worker runs it.
        vote(conversation, "first@example.org")
        assert tasks().filter(status=TaskResultStatus.READY).count() == 1
        first = workers.start()
        workers.wait_for(lambda: fetched().computed_votes == 8 * 8 + 1, "The first analysis")

        # The next run hangs; a vote arrives meanwhile; the worker is killed in the middle.
        workers.slow.touch()
        vote(conversation, "second@example.org")
        workers.wait_for(workers.started.exists, "The slow run")
        vote(conversation, "third@example.org")
        waiting = tasks().filter(status=TaskResultStatus.READY).latest("enqueued_at")
        assert fetched().computing_since is not None
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        workers.slow.unlink()
        interrupted = tasks().get(status=TaskResultStatus.RUNNING)

        # A new worker takes the stale lock over: every vote is counted, nothing stays stuck,
        # and the interrupted task is reported failed instead of RUNNING forever.
        workers.start()
        # The queued task meets the dead run's lock (fresh unless the worker was slow to start)
        # and ends; a vote arrives while the flag is still set. This is where the map used to
        # stop updating for good.
        workers.wait_for(
            lambda: DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.SUCCESSFUL,
            "The queued task",
        )
        vote(conversation, "fourth@example.org")
        workers.wait_for(
            lambda: fetched().computed_votes == 8 * 8 + 4 and fetched().computing_since is None,
            "Recovery after the kill",
            timeout=STALE_SECONDS + 20,
        )
        workers.wait_for(
            lambda: DBTaskResult.objects.get(pk=interrupted.pk).status == TaskResultStatus.FAILED,
            "Reporting the interrupted task",
        )
        # Whatever was queued meanwhile has run (the follow-ups of the lock are no-ops by now).
        workers.wait_for(
            lambda: (
                not tasks()
                .filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
                .filter(run_after__lte=timezone.now())
                .exists()
            ),
            "Running every task that is due",
        )
    recovered = fetched()
    assert not recovered.recompute_pending and recovered.compute_error == ""
    assert recovered.results["votes"] == 8 * 8 + 4
