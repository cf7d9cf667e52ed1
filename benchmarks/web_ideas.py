"""Benchmark the idea list page and the whole-city GeoJSON under gunicorn on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/web_ideas.py
    make benchmark
    ... benchmarks/web_ideas.py --sizes 10000,100000 --requests 300 --concurrency 4
    ... benchmarks/web_ideas.py --quick          # small smoke run (1,000 ideas, 40 requests)

The script uses its own database (``quartier_bench`` on the server of DATABASE_URL, dropped and
created at the start, dropped again at the end unless ``--keep-db``), migrates it, loads the
Dortmund demo and seeds ideas with COPY: points spread over the 12 districts in proportion to their
population (the district is assigned by point-in-polygon, as the app does), random kinds, innovator
types, ages up to three years, skewed support and comment counters (the columns the list sorts by;
no Support or Comment rows), 1 % hidden by moderators. For every size it starts ``gunicorn
config.wsgi -w 2`` with the production settings (DEBUG off) on 127.0.0.1, sends a bounded number of
requests with httpx from a few threads and prints p50/p95 latency, requests/s and the workers' CPU
time per request for the list page, a middle page of the list (no target; deep OFFSETs), the
whole-city GeoJSON, two searches (no target) and a trivial Django view (``/healthz``, the
framework's floor), with each p95's ratio to the floor's. All traffic goes to 127.0.0.1; gunicorn
is stopped and the database dropped even on error.

The machine is shared (other jobs, and this client runs beside the server), so the load average
is printed with the figures; CPU ms per request is the steadier number for comparing code.

Targets (issue 2): list page p95 < 100 ms and whole-city GeoJSON p95 < 500 ms at 100,000 ideas.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from shapely import contains_xy

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
BENCH_DB = "quartier_bench"
HOST = "127.0.0.1"
CITY = "dortmund"
TARGET_SIZE = 100_000
TARGETS_MS = {"list": 100.0, "geojson": 500.0}  # p95, at TARGET_SIZE ideas
# What the README's TLS proxy adds: production redirects plain HTTP to HTTPS otherwise.
PROXY = {"X-Forwarded-Proto": "https"}

KINDS = ["social", "ecological", "technological", "entrepreneurial", "cultural"]
INNOVATOR_TYPES = [
    "resident",
    "student",
    "science",
    "business",
    "art_culture",
    "administration",
    "civil_society",
]
SUBJECTS = [
    "Gemeinschaftsgarten",
    "Reparatur-Café",
    "Lastenrad-Verleih",
    "Sensoren für Hitzeinseln",
    "Pop-up-Laden",
    "Nachbarschaftstheater",
    "Bücherschrank",
    "Trinkbrunnen",
    "Solardach",
    "Sprachcafé",
    "Coding-Club",
    "Foodsharing-Regal",
    "Spielstraße",
    "Makerspace",
    "Quartiersapp",
    "Fassadengrün",
    "Werkstatt für Jugendliche",
    "Open-Air-Kino",
]
PLACES = [
    "am Marktplatz",
    "im Hinterhof",
    "an der Schule",
    "im Park",
    "am Bahnhof",
    "im Hafen",
    "an der Haltestelle",
    "im leeren Ladenlokal",
    "auf dem Parkplatz",
    "am Spielplatz",
]
PREFIXES = ["Vorschlag:", "Pilotprojekt:", "Idee:", "Neu:", "Gemeinsam:", "Reallabor:", "", ""]
STREETS = [
    "Rheinische Straße",
    "Hansastraße",
    "Münsterstraße",
    "Hohe Straße",
    "Kaiserstraße",
    "Schützenstraße",
    "Hermannstraße",
    "Borsigplatz",
    "Westfalendamm",
    "Mallinckrodtstraße",
    "Evinger Straße",
    "Wittbräucker Straße",
    "Hörder Bahnhofstraße",
    "Harkortstraße",
    "Bodelschwingher Straße",
]
SENTENCES = [
    "Nachbarinnen und Nachbarn treffen sich einmal im Monat und planen gemeinsam.",
    "Ein Sommer lang als Reallabor testen und danach zusammen auswerten.",
    "Die Schule und der Sportverein haben schon Interesse gezeigt.",
    "Kosten sind gering, wenn die Stadt die Fläche zur Verfügung stellt.",
    "Offene Daten helfen, die Wirkung zu messen und zu teilen.",
    "Ältere Menschen und Kinder profitieren besonders davon.",
    "Wir suchen noch Mitstreiterinnen und Mitstreiter aus dem Viertel.",
]


# --------------------------------------------------------------------------- database


def server_url(database_url: str, dbname: str) -> str:
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(f"DATABASE_URL must point to PostgreSQL, not {parts.scheme!r}.")
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit("The benchmark only talks to a PostgreSQL server on 127.0.0.1.")
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", "", ""))


def admin_connect(database_url: str) -> psycopg.Connection:
    """A connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    for dbname in ("postgres", urlsplit(database_url).path.lstrip("/") or "postgres"):
        try:
            return psycopg.connect(server_url(database_url, dbname), autocommit=True)
        except psycopg.OperationalError:
            continue
    sys.exit("Cannot connect to PostgreSQL; is it running on 127.0.0.1:5432? (make postgres)")


def recreate_database(database_url: str) -> None:
    with admin_connect(database_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
        # The README's deployment setting for SSDs; without it PostgreSQL may read a whole table
        # for a search count where an index serves (measured: 140 ms instead of 30 ms).
        conn.execute(f"ALTER DATABASE {BENCH_DB} SET random_page_cost = 1.1")


def drop_database(database_url: str) -> None:
    with admin_connect(database_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


# --------------------------------------------------------------------------- seeding


def setup_django(env: dict[str, str]) -> None:
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"):
        os.environ[name] = env[name]
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per request


class Seeder:
    """Adds ideas to the Dortmund demo city with COPY, in a reproducible random order."""

    def __init__(self, seed: int = 2026) -> None:
        from shapely.geometry import shape

        from quartier.cities.models import City

        self.random = random.Random(seed)
        self.city = City.objects.get(slug=CITY)
        districts = list(self.city.districts.order_by("pk"))
        if len(districts) != 12:
            raise RuntimeError(f"Expected the 12 Stadtbezirke, found {len(districts)}.")
        self.districts = districts
        self.shapes = [shape(d.geometry) for d in districts]
        self.weights = [d.population or 1 for d in districts]
        self.seeded = 0
        self.user_ids = self._create_users(2_000)

    def _create_users(self, count: int) -> list[int]:
        from django.contrib.auth.hashers import make_password

        from quartier.accounts.models import User

        unusable = make_password(None)
        users = [
            User(
                email=f"bench-{n}@quartier.invalid",
                display_name=f"Nachbar*in {n}",
                innovator_type=self.random.choice(INNOVATOR_TYPES),
                password=unusable,
            )
            for n in range(count)
        ]
        return [user.pk for user in User.objects.bulk_create(users, batch_size=1_000)]

    def _point(self) -> tuple[float, float, int]:
        """A random point in a district chosen by population, and that district's id."""
        index = self.random.choices(range(len(self.districts)), weights=self.weights)[0]
        polygon = self.shapes[index]
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        while True:
            lon = round(self.random.uniform(min_lon, max_lon), 6)
            lat = round(self.random.uniform(min_lat, max_lat), 6)
            if contains_xy(polygon, lon, lat):
                return lat, lon, self.districts[index].pk

    def check_assignment(self, samples: int = 200) -> None:
        """The seeded district must be the one the app assigns (quartier.cities.services)."""
        from quartier.cities.services import district_at

        state = self.random.getstate()
        for _ in range(samples):
            lat, lon, district_id = self._point()
            found = district_at(city=self.city, lat=lat, lon=lon)
            if found is None or found.pk != district_id:
                raise RuntimeError(f"({lat}, {lon}): seeded {district_id}, app says {found}")
        self.random.setstate(state)

    def _row(self, now: datetime) -> tuple:
        rnd = self.random
        lat, lon, district_id = self._point()
        subject, place = rnd.choice(SUBJECTS), rnd.choice(PLACES)
        street = f" ({rnd.choice(STREETS)})" if rnd.random() < 0.5 else ""
        title = f"{rnd.choice(PREFIXES)} {subject} {place}{street}".strip()[:120]
        summary = " ".join(rnd.sample(SENTENCES, 2))[:300]
        paragraphs = [" ".join(rnd.sample(SENTENCES, 3)) for _ in range(rnd.randint(1, 3))]
        description = "\n\n".join(paragraphs)
        description_html = "".join(f"<p>{p}</p>\n" for p in paragraphs)
        created = now - timedelta(seconds=rnd.randint(0, 3 * 365 * 24 * 3600))
        # Most ideas get little attention, a few a lot (Pareto-like).
        supports = min(int(rnd.paretovariate(1.3)) - 1, 2_000)
        comments = min(int(rnd.paretovariate(1.6)) - 1, 500)
        hidden = rnd.random() < 0.01
        analog = rnd.random() < 0.05
        return (
            self.city.pk,
            district_id,
            rnd.choice(self.user_ids) if rnd.random() < 0.97 else None,
            title,
            summary,
            description,
            description_html,
            rnd.choice(KINDS),
            rnd.choice(INNOVATOR_TYPES),
            lat,
            lon,
            "idea",
            "analog" if analog else "online",
            "Stadtteilfest (Benchmark)" if analog else "",
            False,
            supports,
            comments,
            created,
            created,
            created + timedelta(days=1) if hidden else None,
            "Werbung (Benchmark)" if hidden else "",
            False,  # awaiting_review
            True,  # ever_published
            "",  # analog_author_name
            "",  # withdrawn_reason
        )

    def seed_to(self, total: int) -> float:
        """Add ideas until ``total`` benchmark ideas exist; returns the seconds it took."""
        from django.db import connection

        from quartier.cities.models import City
        from quartier.ideas.models import Idea

        started = time.perf_counter()
        columns = [
            "city_id",
            "district_id",
            "author_id",
            "title",
            "summary",
            "description",
            "description_html",
            "kind",
            "innovator_type",
            "lat",
            "lon",
            "stage",
            "source",
            "analog_origin",
            "is_example",
            "support_count",
            "comment_count",
            "created_at",
            "updated_at",
            "hidden_at",
            "hidden_reason",
            "awaiting_review",
            "ever_published",
            "analog_author_name",
            "withdrawn_reason",
        ]
        now = datetime.now(UTC)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
            sql = f"COPY {Idea._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with raw.copy(sql) as copy:
                while self.seeded < total:
                    copy.write_row(self._row(now))
                    self.seeded += 1
            cursor.execute(f"VACUUM ANALYZE {Idea._meta.db_table}")
        # What every idea write does: bump the layer's version so caches see the change.
        City.objects.filter(pk=self.city.pk).update(ideas_changed_at=datetime.now(UTC))
        return time.perf_counter() - started


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(
        self,
        env: dict[str, str],
        port: int,
        log: Path,
        *,
        workers: int = 2,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.env, self.port, self.log_path = env, port, log
        self.workers, self.headers = workers, headers or {}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"{HOST}:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                answer = httpx.get(f"{self.url}/healthz", headers=self.headers, timeout=1)
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 30 s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The workers' process ids (Linux /proc): the children of the master."""
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that just ended
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def workers_cpu_seconds(self) -> float | None:
        """User + system CPU of the workers so far (Linux /proc), to see cost beside latency."""
        if self.process is None:
            return None
        total = 0
        try:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # a process that just ended
                if int(fields[1]) == self.process.pid:  # fields[1] is the parent's pid
                    total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            return None
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # only the group we started
                self.process.wait()
        self.process = None
        if getattr(self, "log", None):
            self.log.close()


# --------------------------------------------------------------------------- load


@dataclass
class Result:
    name: str
    path: str
    p50: float
    p95: float
    rps: float
    cpu_ms: float | None  # server (gunicorn workers) CPU per request
    size: int  # bytes of one response body on the wire
    encoding: str  # Content-Encoding, if any


def measure(
    base: str,
    name: str,
    path: str,
    *,
    warmup: int,
    requests: int,
    concurrency: int,
    server_cpu: Callable[[], float | None],
) -> Result:
    """``warmup`` then ``requests`` GETs from ``concurrency`` threads, one client per thread."""
    latencies: list[float] = []
    sizes: list[int] = []
    encodings: set[str] = set()
    errors: list[str] = []
    lock = threading.Lock()

    def worker(count: int, record: bool) -> None:
        # What a browser sends; the server decides whether to compress.
        headers = {"Accept-Encoding": "gzip, deflate", **PROXY}
        with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
            for _ in range(count):
                started = time.perf_counter()
                try:
                    # The body as it comes off the wire, like a browser receives it (gzip when
                    # the server compresses): httpx's .content would add ~150 ms of joining
                    # and decoding per 19 MB in this Python client, which is not the server.
                    with client.stream("GET", path) as response:
                        size = sum(len(chunk) for chunk in response.iter_raw(1 << 20))
                        encoding = response.headers.get("Content-Encoding", "")
                except httpx.HTTPError as error:
                    with lock:
                        errors.append(repr(error))
                    return
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code != 200:
                        errors.append(f"{path}: HTTP {response.status_code}")
                        return
                    if record:
                        latencies.append(elapsed)
                        sizes.append(size)
                        encodings.add(encoding)

    def run(total: int, record: bool) -> float:
        shares = [
            total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)
        ]
        threads = [threading.Thread(target=worker, args=(n, record)) for n in shares if n]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    run(warmup, record=False)
    cpu_before = server_cpu()
    wall = run(requests, record=True)
    cpu_after = server_cpu()
    if errors:
        raise RuntimeError(f"{name}: {len(errors)} failed requests, first: {errors[0]}")
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return Result(
        name=name,
        path=path,
        p50=statistics.median(ordered) * 1000,
        p95=p95 * 1000,
        rps=len(ordered) / wall,
        cpu_ms=(
            (cpu_after - cpu_before) * 1000 / len(ordered)
            if cpu_before is not None and cpu_after is not None
            else None
        ),
        size=max(sizes),
        encoding=",".join(sorted(e for e in encodings if e)),
    )


def _machine() -> str:
    """Latency on a shared machine depends on what else runs: say so next to the figures."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"Machine: {os.cpu_count()} CPUs, load average {load} (client and server share them)."


def print_table(size: int, visible: int, results: list[Result], floor: Result) -> bool:
    """Print one size's table; returns False when a target applies and is missed."""
    ok = True
    print(f"\n{size:,} seeded ideas ({visible:,} visible in the city); {_machine()}")
    header = (
        f"{'endpoint':<52} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p95/floor':>9} "
        f"{'CPU ms/req':>10}  target"
    )
    print(header)
    print("-" * len(header) + "-" * 12)
    for result in results:
        target = TARGETS_MS.get(result.name)
        if target is None:
            verdict = "(floor)" if result is floor else "-"
        else:
            holds = result.p95 < target
            if size >= TARGET_SIZE:
                verdict = f"p95 < {target:.0f} ms: {'MET' if holds else 'MISSED'}"
                ok = ok and holds
            else:
                verdict = f"p95 < {target:.0f} ms: {'yes' if holds else 'no'} (target at 100k)"
        wire = f"{result.size / 1024:,.0f} KiB" + (f" {result.encoding}" if result.encoding else "")
        label = f"{result.path} ({wire})"
        cpu = "-" if result.cpu_ms is None else f"{result.cpu_ms:.1f}"
        print(
            f"{label:<52} {result.p50:>8.1f} {result.p95:>8.1f} {result.rps:>8.1f} "
            f"{result.p95 / floor.p95:>9.1f} {cpu:>10}  {verdict}"
        )
    return ok


# --------------------------------------------------------------------------- main


def _interrupt(signum, frame) -> None:
    """SIGTERM (from make or CI) takes the same cleanup path as Ctrl+C."""
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated idea counts")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1,000 ideas, 40 requests")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep-db", action="store_true", help=f"keep {BENCH_DB} afterwards")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes, args.warmup, args.requests = [1_000], 8, 40
    if sorted(sizes) != sizes or not sizes or sizes[0] < 1:
        parser.error("--sizes must be positive and ascending (ideas are added, never removed)")

    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    bench_url = server_url(database_url, BENCH_DB)
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "benchmark-only-" + os.urandom(32).hex(),  # prod wants >= 50 characters
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": bench_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    signal.signal(signal.SIGTERM, _interrupt)
    server: Gunicorn | None = None
    all_ok = True
    try:
        print(f"Preparing {BENCH_DB} on {urlsplit(bench_url).hostname} ...", flush=True)
        recreate_database(database_url)
        manage = [str(VENV_BIN / "python"), "manage.py"]
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["load_demo"],
            ["collectstatic", "--no-input", "-v0"],
        ):
            subprocess.run(manage + command, cwd=REPO, env=env, check=True)
        setup_django(env)
        from django.db import connection

        seeder = Seeder()
        seeder.check_assignment()
        print(f"gunicorn 2 workers, {args.warmup} warm-up + {args.requests} requests per endpoint,")
        print(f"concurrency {args.concurrency} (threads + httpx), all on {HOST}.", flush=True)
        print(_machine(), flush=True)
        for size in sizes:
            seconds = seeder.seed_to(size)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM ideas_idea WHERE city_id = %s AND hidden_at IS NULL",
                    [seeder.city.pk],
                )
                visible = cursor.fetchone()[0]
            connection.close()
            print(f"\nSeeded {size:,} ideas in {seconds:.1f} s; starting gunicorn ...", flush=True)
            server = Gunicorn(env, free_port(), workdir / "gunicorn.log", headers=PROXY)
            server.start()
            base = f"http://{HOST}:{server.port}"
            endpoints = [
                ("floor", "/healthz"),
                ("list", f"/{CITY}/ideas/"),
                # Not a target: the middle page, where a plain OFFSET would read half the rows.
                ("deep page", f"/{CITY}/ideas/?page={max(1, visible // 20 // 2)}"),
                ("geojson", f"/api/v1/cities/{CITY}/ideas.geojson"),
                # Not targets: searches (full text with word starts; a part of a compound).
                ("search", f"/{CITY}/ideas/?q=Lastenrad"),
                ("search part", f"/{CITY}/ideas/?q=theater"),
            ]
            results = [
                measure(
                    base,
                    name,
                    path,
                    warmup=args.warmup,
                    requests=args.requests,
                    concurrency=args.concurrency,
                    server_cpu=server.workers_cpu_seconds,
                )
                for name, path in endpoints
            ]
            server.stop()
            server = None
            all_ok = print_table(size, visible, results, results[0]) and all_ok
        if sizes[-1] >= TARGET_SIZE:
            print("\nAll targets met." if all_ok else "\nA target was missed.")
        return 0 if all_ok else 1
    except subprocess.CalledProcessError as error:
        print(
            f"Setup failed: {' '.join(error.cmd)} exited with {error.returncode}", file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        print("Interrupted; cleaning up.", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
        log = workdir / "gunicorn.log"
        if log.exists() and log.stat().st_size:
            print(
                f"--- gunicorn log ---\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr
            )
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if not args.keep_db:
            drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
