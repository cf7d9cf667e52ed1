"""The close of a Budapest-2024-sized prize-money vote: results, .pb files and explanations.

    .venv/bin/python benchmarks/prize_money_close.py                    # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        .venv/bin/python benchmarks/prize_money_close.py

Builds the vote from ../shared/data/pabulib/Hungary_Budapest_2024.pb through the services
(``prize_money_import_ballots``: pot, proposals, ballots bulk-inserted with fresh receipts) in a
throw-away test database (``test_<name>``, created and dropped here), then times
``services.vote_close`` as a city administrator calls it: pot_election from the ballot rows,
the rule with full explanations, greedy for the comparison, the stored .pb text, the audit entry
and (PostgreSQL) the CLUSTER rewrite of the ballot table. Target: under 15 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
TARGET_SECONDS = 15.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--file", default=str(REPO.parent / "shared/data/pabulib/Hungary_Budapest_2024.pb")
    )
    parser.add_argument("--completion", default="add1", help="equal shares' completion")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from quartier.accounts.models import User
    from quartier.budgeting import services
    from quartier.budgeting.models import Ballot, Proposal
    from quartier.cities.models import City
    from quartier.participation.services import PhaseSpec, process_set_phases, role_grant_by_system
    from quartier.participation.vocabulary import Action

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        call_command("load_demo", "--without-past-vote", stdout=io.StringIO())
        city = City.objects.get(slug="dortmund")
        admin = User.objects.create_user(email="bench-admin@example.org", password=None)
        role_grant_by_system(city=city, user=admin, role="admin")
        started = time.perf_counter()
        process = services.prize_money_import_ballots(
            city=city,
            pabulib_text=Path(args.file).read_text("utf-8-sig"),
            title="Budapest 2024 (benchmark)",
            rule_options={"completion": args.completion},
            source=Path(args.file).name,
        )
        built = time.perf_counter() - started
        now = timezone.now()
        process_set_phases(
            process=process,
            actor=admin,
            phases=[
                PhaseSpec(
                    name="Vote",
                    starts_at=now - timedelta(days=10),
                    ends_at=now - timedelta(days=1),
                    allows=[Action.VOTE],
                ),
                PhaseSpec(
                    name="Result", starts_at=now - timedelta(days=1), allows=["show_results"]
                ),
            ],
        )
        ballots = Ballot.objects.filter(process=process).count()
        projects = Proposal.objects.filter(process=process).count()
        started = time.perf_counter()
        (result,) = services.vote_close(process=process, actor=admin)
        close = time.perf_counter() - started
        print(
            f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {connection.vendor}, "
            f"load average {os.getloadavg()[0]:.1f}, rule {result.rule} "
            f"(completion {args.completion})"
        )
        print(
            f"ballots {ballots}, projects {projects}, winners {len(result.winners)}, "
            f"explanations {len(result.explanations)}, .pb {len(result.pabulib):,} characters"
        )
        print(f"build (import through the services, bulk insert): {built:.2f} s")
        print(
            f"close (results + .pb + explanations): {close:.2f} s "
            f"= {close / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:.0f} s target"
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
