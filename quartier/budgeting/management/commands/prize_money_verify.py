"""Recompute a published .pb file and say whether its ``selected`` column matches.

Exit 0: it matches; 1: it does not (the differing projects are listed); 2: the file is malformed
or unreadable (one line naming the problem)."""

import sys
from fractions import Fraction

from django.core.management.base import BaseCommand

import voting_rules
from quartier.budgeting.services import result_verify


class Command(BaseCommand):
    help = "Recompute a published prize-money .pb file and compare it with its selected column."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--rule",
            required=True,
            choices=sorted(voting_rules.RULES),
            help="e.g. equalshares (the compute tool), mes-add1, mes, greedy",
        )
        parser.add_argument(
            "--comparison", choices=voting_rules.rules.COMPARISONS, default="satisfaction"
        )
        parser.add_argument("--seed", type=int, default=None, help="the lot drawn for ties")
        parser.add_argument("--threshold", default=None)
        parser.add_argument("--compat", action="store_true", help="pabutools' conventions")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
            differing = result_verify(
                pabulib_text=text,
                rule=options["rule"],
                options=voting_rules.Options(
                    lot_seed=options["seed"],
                    comparison=options["comparison"],
                    compat=options["compat"],
                    threshold=Fraction(options["threshold"]) if options["threshold"] else None,
                ),
            )
        except (OSError, UnicodeDecodeError, ValueError, voting_rules.PabulibError) as error:
            self.stderr.write(f"{path}: {error}".replace("\n", " "))
            sys.exit(2)
        if differing:
            self.stdout.write(
                f"{path}: does NOT match {options['rule']}: projects {', '.join(differing)} differ"
            )
            sys.exit(1)
        self.stdout.write(f"{path}: the selected column matches {options['rule']}")
