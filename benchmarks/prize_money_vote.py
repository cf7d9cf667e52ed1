"""Benchmark the prize-money vote under load: ballots cast with codes through gunicorn + PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
        .venv/bin/python benchmarks/prize_money_vote.py
    ... benchmarks/prize_money_vote.py --ballots 3000 --concurrency 16 --workers 4
    ... benchmarks/prize_money_vote.py --quick        # a smoke run (300 ballots)

Its own database (``quartier_bench_vote`` on the server of DATABASE_URL, dropped at the end unless
``--keep-db``), migrated, with the Dortmund demo and one open vote: a city-wide pot of 1,000,000
EUR, 12 projects on an approval ballot (1 to 5 projects), and as many voting codes as ballots.
``gunicorn config.wsgi`` starts with the production settings, as behind the TLS proxy of the
README (``X-Forwarded-Proto: https``): secure cookies, CSRF with Origin checks, sessions in
PostgreSQL, every validation and the secrecy rules as in production. Nothing is switched off.

Each simulated voter does what a browser does: GET the vote page (CSRF cookie), POST the code,
GET the ballot, POST the ballot (the confirmation page), POST the cast (the receipt). In the
middle of the run one gunicorn worker is killed with SIGKILL; a voter whose cast died with it
sends the same form again, as a browser's reload does (a cast that was stored answers with the
same receipt), and one whose earlier request died starts again with the code. A few codes are cast by two clients
at the same instant (each with its own session): exactly one may get a receipt.

Printed: ballots/s sustained, p50/p95 of the cast request and of the whole voter's way,
acknowledged receipts against stored ballots and voted register entries (they must be equal, and
no code may have voted twice), the race outcome, and, measured in the same run with the same
workers and concurrency, the requests/s of ``/healthz`` (the framework's floor) and the ratio.
Target (issue #10): ballots/s at least 25 % of the floor's requests/s.

gunicorn reads the repository's ``gunicorn.conf.py``, as in production (the app preloaded in the
master). Both phases use the same client, the standard library's ``http.client`` with one
connection per request (sync workers close each): with httpx the clients took 45 % of the two
cores during the floor and capped it, which flattered the ratio (see docs/benchmarks.md).
"""

# ruff: noqa: E501 - the report table below reads best one line per figure.
from __future__ import annotations

import argparse
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web_ideas as base

REPO = base.REPO
VENV_BIN = base.VENV_BIN
BENCH_DB = "quartier_bench_vote"
HOST = base.HOST
TARGET_RATIO = 0.25
CORES = os.cpu_count() or 1
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROMISE = re.compile(r'name="promise" value="([^"]+)"')
RECEIPT = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


def recreate_database(database_url: str) -> None:
    with base.admin_connect(database_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def drop_database(database_url: str) -> None:
    with base.admin_connect(database_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def prepare_vote(count: int) -> tuple[str, int, int, list[int], list[str]]:
    """The open vote and ``count`` codes: (city slug, process id, pot id, projects, codes)."""
    from datetime import timedelta

    from django.utils import timezone

    from quartier.budgeting import services
    from quartier.cities.models import City
    from quartier.conftest import make_user
    from quartier.participation.services import PhaseSpec
    from quartier.participation.vocabulary import Action

    city = City.objects.get(slug="dortmund")
    admin = make_user("bench-admin@example.org", name="Bench", superuser=True)
    now = timezone.now()
    process = services.prize_money_create(
        city=city,
        creator=admin,
        title="Benchmark vote",
        phases=[
            PhaseSpec(
                name="Proposals",
                starts_at=now - timedelta(days=2),
                ends_at=now - timedelta(minutes=5),
                allows=[Action.PROPOSE, Action.REVIEW],
            ),
            PhaseSpec(
                name="Vote",
                starts_at=now - timedelta(minutes=5),
                ends_at=now + timedelta(days=1),
                allows=[Action.VOTE],
            ),
        ],
        ballot={"kind": "approval", "min_projects": 1, "max_projects": 5},
    )
    # The proposals need their phase: file them before the vote by moving the phases later.
    from quartier.participation.models import Phase

    Phase.objects.filter(process=process, position=1).update(ends_at=now + timedelta(days=1))
    Phase.objects.filter(process=process, position=2).update(
        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    pot = services.pot_save(process=process, actor=admin, name="Stadtweit", amount=1_000_000)
    projects = []
    for number in range(12):
        # One author each: proposals are rate-limited per person, as for everyone.
        author = make_user(f"bench-author-{number}@example.org", name=f"Autorin {number}")
        proposal = services.proposal_submit(
            process=process,
            author=author,
            pot=pot,
            title=f"Projekt {number + 1}",
            description="Ein Projekt für den Benchmark.",
            estimate=40_000 + 15_000 * number,
        )
        services.proposal_review(proposal=proposal, reviewer=admin, feasible=True, reason="")
        projects.append(proposal.pk)
    _batch, issued = services.codes_issue(process=process, actor=admin, count=count)
    Phase.objects.filter(process=process, position=1).update(ends_at=now - timedelta(minutes=5))
    Phase.objects.filter(process=process, position=2).update(
        starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(days=1)
    )
    return city.slug, process.pk, pot.pk, projects, issued


# gunicorn as the idea benchmark starts it, with more workers and the proxy's header.
Server = base.Gunicorn


# What the TLS proxy of the README adds; the app then sees HTTPS, as in production.
PROXY = base.PROXY


# What a lost answer looks like here: the worker died under the request, or the connection
# was refused while gunicorn replaced it.
TransportError = (OSError, HTTPException)


@dataclass
class Answer:
    status_code: int
    text: str
    cookies: dict[str, str | None]  # None: the server deleted the cookie


def fetch(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    """One request on its own connection (gunicorn's sync workers close each one), with the
    standard library's client: the load generator shares the machine's two cores with the
    server, and a lighter client leaves more of them to the server in both phases alike."""
    connection = HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        cookies: dict[str, str | None] = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value, _, attributes = rest.partition(";")
            deleted = "max-age=0" in attributes.lower().replace(" ", "")
            cookies[name.strip()] = None if deleted else value
        return Answer(response.status, text, cookies)
    finally:
        connection.close()


class Voter:
    """One browser: its own cookies (kept by hand: they are Secure, and this is plain HTTP on
    loopback behind a pretend TLS proxy), Origin and Referer as a browser sends them."""

    def __init__(self, server: Server, origin: str) -> None:
        self.port = server.port
        self.origin = origin
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, data=None) -> Answer:
        headers = {**PROXY, "Origin": self.origin, "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            # A form as a browser sends it; repeated names (checkboxes) as repeated pairs.
            pairs = list(data.items()) if isinstance(data, dict) else list(data)
            body = urlencode(pairs).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = fetch(self.port, method, path, headers, body)
        for name, value in answer.cookies.items():
            if value is None:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def get(self, path: str) -> Answer:
        return self._send("GET", path)

    def post(self, path: str, data: dict | list) -> Answer:
        return self._send("POST", path, data)

    def close(self) -> None:
        self.cookies.clear()


def _token(response: Answer) -> str:
    match = CSRF.search(response.text)
    if not match:
        raise RuntimeError(f"no CSRF token in the answer ({response.status_code})")
    return match.group(1)


@dataclass
class Outcome:
    code: str
    receipt: str | None = None
    status: str = ""  # "receipt", "already voted", "error: ..."
    cast_seconds: float = 0.0
    way_seconds: float = 0.0
    restarts: int = 0


def prepare(
    server: Server, origin: str, paths: dict[str, str], code: str, choice: list[str]
) -> tuple[Voter, list[tuple[str, str]]] | str:
    """A voter's way up to the confirmation page: GET the vote page, POST the code, GET the
    ballot, POST it. Returns the browser and the confirmation form, or what went wrong."""
    voter = Voter(server, origin)
    page = voter.get(paths["vote"])
    answer = voter.post(paths["vote"], {"csrfmiddlewaretoken": _token(page), "code": code})
    if answer.status_code != 302:
        voter.close()
        return f"error: code step {answer.status_code}"
    ballot = voter.get(paths["ballot"])
    if ballot.status_code != 200 or "csrfmiddlewaretoken" not in ballot.text:
        voter.close()
        return (
            "already voted" if ballot.status_code == 200 else f"error: ballot {ballot.status_code}"
        )
    choices = [(paths["field"], p) for p in choice]
    confirm = voter.post(paths["ballot"], [("csrfmiddlewaretoken", _token(ballot)), *choices])
    promise = PROMISE.search(confirm.text)
    if confirm.status_code != 200 or not promise:
        voter.close()
        return f"error: confirm {confirm.status_code}"
    # The cast form as the confirmation page has it: the choices and the receipt's promise.
    return voter, [("csrfmiddlewaretoken", _token(confirm)), *choices, ("promise", promise[1])]


def cast(voter: Voter, paths: dict[str, str], fields, outcome: Outcome) -> Outcome:
    """POST the cast form; when the answer is lost (the worker died under it), send the same
    form again, as a browser's reload does: a stored cast answers with the same receipt."""
    before = time.perf_counter()
    for attempt in range(4):
        try:
            answer = voter.post(paths["cast"], fields)
            break
        except TransportError:
            if attempt == 3:
                raise
            outcome.restarts += 1
    outcome.cast_seconds = time.perf_counter() - before
    if answer.status_code == 200:
        match = RECEIPT.search(answer.text)
        outcome.receipt = match.group(1) if match else None
        outcome.status = "receipt" if match else "error: no receipt on the page"
    elif answer.status_code == 409:
        outcome.status = "already voted"
    else:
        outcome.status = f"error: cast {answer.status_code}"
    return outcome


def vote_with(
    server: Server,
    origin: str,
    paths: dict[str, str],
    code: str,
    choice: list[str],
    *,
    barrier: threading.Barrier | None = None,
    outcome: Outcome | None = None,
) -> Outcome:
    """The whole way, started again (as after reload) when the worker dies under a request."""
    outcome = outcome or Outcome(code=code)
    started = time.perf_counter()
    for _attempt in range(4):
        try:
            ready = prepare(server, origin, paths, code, choice)
            if isinstance(ready, str):
                outcome.status = ready
                return outcome
            voter, fields = ready
            try:
                if barrier is not None:
                    barrier.wait(timeout=30)
                cast(voter, paths, fields, outcome)
            finally:
                voter.close()
            outcome.way_seconds = time.perf_counter() - started
            return outcome
        except (*TransportError, threading.BrokenBarrierError):
            outcome.restarts += 1
            barrier = None
    outcome.status = "error: gave up after restarts"
    return outcome


def race(server: Server, origin: str, paths: dict[str, str], code: str, choice: list[str]):
    """Two clients, each with its own session, cast the same code at the same instant."""
    barrier = threading.Barrier(2)
    pair: list[Outcome] = []

    def one() -> None:
        pair.append(vote_with(server, origin, paths, code, choice, barrier=barrier))

    racers = [threading.Thread(target=one) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    return pair


def floor_rps(server: Server, concurrency: int, seconds: float) -> float:
    done = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work() -> None:
        nonlocal done
        while time.monotonic() < stop:
            if fetch(server.port, "GET", "/healthz", PROXY).status_code == 200:
                with lock:
                    done += 1

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.monotonic() - began)


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # a process that just ended
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in {"postgres", "postmaster"}:
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


class CpuSplit:
    """Where the machine's CPU goes during a phase (Linux /proc): the gunicorn workers, the
    PostgreSQL processes, these clients. A process that ends during the phase (the killed
    worker) is counted up to the last look; one that starts is counted from its start."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.began = self._now()

    def _now(self) -> dict[str, dict[int, float]]:
        workers = self.server.worker_pids()
        return {
            "gunicorn": {pid: _cpu_of(pid) for pid in workers},
            "postgres": {pid: _cpu_of(pid) for pid in _postgres_pids()},
        }

    def per_unit(self, units: int, client_seconds: float) -> str:
        ended = self._now()
        spent = {
            name: sum(cpu - self.began[name].get(pid, 0.0) for pid, cpu in ended[name].items())
            for name in ended
        }
        spent["clients"] = client_seconds
        return ", ".join(
            f"{name} {seconds / units * 1000:.2f} ms" for name, seconds in spent.items()
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--races", type=int, default=5, help="codes cast by two clients at once")
    parser.add_argument("--floor-seconds", type=float, default=15.0)
    parser.add_argument("--quick", action="store_true", help="300 ballots, 5 s floor")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.ballots, args.floor_seconds = 300, 5.0

    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    bench_url = base.server_url(database_url, BENCH_DB)
    workdir = Path(tempfile.mkdtemp(prefix="quartier-vote-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "benchmark-only-" + os.urandom(32).hex(),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": bench_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    server: Server | None = None
    signal.signal(signal.SIGTERM, base._interrupt)
    try:
        print(f"Preparing {BENCH_DB} ...", flush=True)
        recreate_database(database_url)
        manage = [str(VENV_BIN / "python"), "manage.py"]
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["load_demo"],
            ["collectstatic", "--no-input", "-v0"],
        ):
            subprocess.run(
                manage + command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
            )
        base.setup_django(env)
        from django.db import connection

        slug, process_id, pot_id, projects, issued = prepare_vote(args.ballots + args.races)
        connection.close()
        port = base.free_port()
        origin = f"https://{HOST}:{port}"
        env["CSRF_TRUSTED_ORIGINS"] = origin
        server = Server(env, port, workdir / "gunicorn.log", workers=args.workers, headers=PROXY)
        server.start()
        prefix = f"/{slug}/prize-money/{process_id}/vote/"
        paths = {
            "vote": prefix,
            "ballot": prefix + "ballot/",
            "cast": prefix + "cast/",
            "field": f"pot-{pot_id}",
        }
        print(base._machine(), flush=True)
        print(
            f"gunicorn {args.workers} sync workers, {args.concurrency} concurrent voters.",
            flush=True,
        )

        client_cpu = time.process_time()
        split = CpuSplit(server)
        floor = floor_rps(server, args.concurrency, args.floor_seconds)
        floor_client_seconds = time.process_time() - client_cpu
        floor_split = split.per_unit(round(floor * args.floor_seconds), floor_client_seconds)
        floor_client_share = floor_client_seconds / args.floor_seconds / CORES
        print(f"Floor: /healthz {floor:,.0f} requests/s", flush=True)

        import random

        rnd = random.Random(2026)
        work: queue.Queue[str] = queue.Queue()
        for code in issued[: args.ballots]:
            work.put(code)
        outcomes: list[Outcome] = []
        lock = threading.Lock()
        killed: list[int] = []
        prepared: queue.Queue = queue.Queue()
        ways: list[float] = []

        # Phase 1: every voter's way to the confirmation page (4 requests each).
        def prepare_thread() -> None:
            while True:
                try:
                    code = work.get_nowait()
                except queue.Empty:
                    return
                with lock:
                    choice = [str(p) for p in rnd.sample(projects, rnd.randint(1, 5))]
                started = time.perf_counter()
                try:
                    ready = prepare(server, origin, paths, code, choice)
                except TransportError as error:
                    ready = f"error: {type(error).__name__}"
                with lock:
                    ways.append(time.perf_counter() - started)
                if isinstance(ready, str):
                    with lock:
                        outcomes.append(Outcome(code=code, status=ready))
                else:
                    prepared.put((code, choice, *ready))

        def run(target) -> float:
            began = time.monotonic()
            threads = [threading.Thread(target=target) for _ in range(args.concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.monotonic() - began

        prepare_seconds = run(prepare_thread)

        # Phase 2: the casts, all at once; one worker dies a third of the way in.
        def cast_thread() -> None:
            while True:
                try:
                    code, choice, voter, fields = prepared.get_nowait()
                except queue.Empty:
                    return
                outcome = Outcome(code=code)
                try:
                    cast(voter, paths, fields, outcome)
                except TransportError:
                    outcome.restarts += 1
                    vote_with(server, origin, paths, code, choice, outcome=outcome)
                finally:
                    voter.close()
                with lock:
                    outcomes.append(outcome)
                    if not killed and len(outcomes) >= args.ballots // 3:
                        victims = server.worker_pids()
                        if victims:
                            os.kill(victims[0], signal.SIGKILL)
                            killed.append(victims[0])

        client_cpu = time.process_time()
        split = CpuSplit(server)
        seconds = run(cast_thread)
        cast_client_seconds = time.process_time() - client_cpu
        cast_client_share = cast_client_seconds / seconds / CORES

        race_outcomes = [
            race(server, origin, paths, code, [str(projects[0])]) for code in issued[args.ballots :]
        ]

        from quartier.budgeting.models import Ballot, RegisterEntry

        stored = Ballot.objects.filter(process_id=process_id).count()
        voted = RegisterEntry.objects.filter(process_id=process_id, voted=True).count()
        everyone = outcomes + [o for pair in race_outcomes for o in pair]
        receipts = [o.receipt for o in everyone if o.receipt]
        errors = sorted({o.status for o in everyone if o.status.startswith("error")})
        cast_ok = [o for o in outcomes if o.status == "receipt"]
        casts = [o.cast_seconds * 1000 for o in cast_ok]
        ways_ms = [w * 1000 for w in ways]
        cast_split = split.per_unit(max(len(outcomes), 1), cast_client_seconds)
        rate = len(cast_ok) / seconds
        ratio = rate / floor
        race_ok = all(
            sorted(o.status for o in pair) == ["already voted", "receipt"] for pair in race_outcomes
        )
        restarted = sum(o.restarts > 0 for o in outcomes)
        # A ballot the database kept while its worker died before answering, and whose resent
        # cast did not get its receipt: stored, never acknowledged. Must be 0.
        unacknowledged = stored - len(receipts)
        consistent = (
            len(receipts) == stored == voted == len(set(receipts)) and race_ok and not errors
        )
        twice = stored != voted or len(set(receipts)) != len(receipts)
        lines = [
            ("Ballots cast", f"{len(cast_ok):,} in {seconds:.1f} s = {rate:,.1f} ballots/s"),
            ("Cast request", f"p50 {percentile(casts, 50):.0f} ms, p95 {percentile(casts, 95):.0f} ms"),
            ("Way to the cast", f"p50 {percentile(ways_ms, 50):.0f} ms, p95 {percentile(ways_ms, 95):.0f} ms (4 requests; {len(ways) / prepare_seconds:,.1f} voters/s)"),
            ("Worker killed", f"pid {killed[0] if killed else '-'} (SIGKILL); voters who sent a request again: {restarted}"),
            ("Acknowledged", f"{len(receipts):,} receipts ({len(set(receipts)):,} distinct)"),
            ("Stored", f"{stored:,} ballots; {voted:,} register entries voted"),
            ("Races (2 clients, 1 code)", f"{len(race_outcomes)}: " + ("one receipt and one refusal each" if race_ok else str([[o.status for o in p] for p in race_outcomes]))),
            ("Errors", f"{len(errors)} {errors[:5]}"),
            ("Floor (/healthz)", f"{floor:,.0f} requests/s"),
            ("The clients' CPU", f"{floor_client_share:.0%} of the machine during the floor, {cast_client_share:.0%} during the casts"),
            ("CPU per /healthz", floor_split),
            ("CPU per cast", cast_split),
            ("Ratio to the floor", f"{ratio:.2f} (target >= {TARGET_RATIO:.2f}): " + ("MET" if ratio >= TARGET_RATIO else "MISSED")),
            ("Stored, not acknowledged", f"{unacknowledged}"),
            ("A code used twice", "NO" if not twice else "YES"),
            ("Acknowledged == stored", "yes" if consistent else "NO"),
        ]  # fmt: skip
        print()
        for label, value in lines:
            print(f"{label + ':':<28}{value}")
        return 0 if consistent else 1
    finally:
        if server is not None:
            server.stop()
        if not args.keep_db:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: S110 - django may not be set up yet
                pass
            drop_database(database_url)


if __name__ == "__main__":
    sys.exit(main())
