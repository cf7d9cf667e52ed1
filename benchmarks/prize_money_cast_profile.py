"""Where a cast's time goes: casts through the test client with the production settings on the
vote benchmark's database, under cProfile, with the statements of the last one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/prize_money_vote.py --quick --keep-db
    .venv/bin/python benchmarks/prize_money_cast_profile.py [--casts 200] [--sort tottime]

Prints the milliseconds per cast (inflated by the profiler, compare runs with each other), the
statements of one cast and the profile's top lines. It issues its own codes in that vote.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROMISE = re.compile(r'name="promise" value="([^"]+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--casts", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no profiler: CPU milliseconds per cast and per receipt page",
    )
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/quartier_bench_vote"
    )
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="quartier-cast-profile-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": "profile-only-" + os.urandom(32).hex(),
            "DATABASE_URL": args.database,
            "ALLOWED_HOSTS": "testserver",
            "DEBUG": "0",
            "STATIC_ROOT": str(Path(workdir) / "static"),
            "MEDIA_ROOT": str(Path(workdir) / "media"),
        }
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from quartier.budgeting import services
    from quartier.budgeting.models import Pot, Proposal
    from quartier.participation.models import Process

    call_command("collectstatic", "--no-input", "-v0")
    try:
        process = Process.objects.filter(title="Benchmark vote").latest("pk")
    except Exception as error:  # no database, or no vote in it
        print(f"No benchmark vote in {args.database} ({type(error).__name__}): run")
        print("benchmarks/prize_money_vote.py --quick --keep-db first.")
        return 2
    pot = Pot.objects.get(process=process)
    projects = [str(p.pk) for p in Proposal.objects.filter(pot=pot)[:3]]
    admin = get_user_model().objects.filter(is_superuser=True).first()
    _batch, issued = services.codes_issue(process=process, actor=admin, count=args.casts)
    vote = f"/{process.city.slug}/prize-money/{process.pk}/vote/"
    choices = {f"pot-{pot.pk}": projects}
    profile = cProfile.Profile()
    spent = cpu = 0.0
    statements: list[str] = []
    for code in issued:
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        assert client.post(vote, {"code": code}, secure=True).status_code == 302
        confirm = client.post(vote + "ballot/", {"step": "check", **choices}, secure=True)
        promise = PROMISE.search(confirm.content.decode())
        assert promise, confirm.status_code
        with CaptureQueriesContext(connection) as queries:
            began, began_cpu = time.perf_counter(), time.process_time()
            if not args.plain:
                profile.enable()
            answer = client.post(vote + "cast/", {**choices, "promise": promise[1]}, secure=True)
            if not args.plain:
                profile.disable()
            spent += time.perf_counter() - began
            cpu += time.process_time() - began_cpu
        assert answer.status_code == 200, answer.status_code
        statements = [(q["sql"] or "(prepared statement)")[:100] for q in queries.captured_queries]
    under = "" if args.plain else " (under the profiler)"
    print(
        f"{spent / args.casts * 1000:.1f} ms per cast, {cpu / args.casts * 1000:.1f} ms CPU{under}"
    )
    if args.plain:
        print(f"The receipt page alone: {_receipt_cpu(client, process) * 1000:.2f} ms CPU")
    print(f"{len(statements)} statements in the last cast:")
    for statement in statements:
        print("   ", statement)
    if not args.plain:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)
    return 0


def _receipt_cpu(client, process, rounds: int = 300) -> float:
    """CPU seconds to render the receipt page in the site's layout, as the cast view does."""
    from django.test import RequestFactory
    from django.urls import resolve

    from quartier.budgeting.views.voting import _receipt_page

    path = f"/{process.city.slug}/prize-money/{process.pk}/vote/cast/"
    request = RequestFactory().post(path, secure=True)
    request.resolver_match = resolve(path)
    request.city = process.city
    request.session = client.session
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    _receipt_page(request, process.city, process, "A" * 16, changed=False)
    began = time.process_time()
    for _ in range(rounds):
        _receipt_page(request, process.city, process, "A" * 16, changed=False)
    return (time.process_time() - began) / rounds


if __name__ == "__main__":
    sys.exit(main())
