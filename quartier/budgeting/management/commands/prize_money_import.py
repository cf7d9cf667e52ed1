"""Import a pabulib file as a finished prize-money vote (results computed with the given rule).

No voter id from the file is kept: every ballot gets a fresh random receipt."""

from django.core.management.base import BaseCommand, CommandError

from quartier.budgeting import services
from quartier.budgeting.errors import BudgetingError
from quartier.budgeting.vocabulary import Rule
from quartier.cities.selectors import city_get


class Command(BaseCommand):
    help = "Import a pabulib .pb file as a finished prize-money vote of a city."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--city", required=True, help="the city's slug")
        parser.add_argument("--title", default="")
        parser.add_argument("--rule", choices=Rule.values, default=Rule.EQUAL_SHARES)
        parser.add_argument(
            "--completion",
            choices=services.COMPLETIONS,
            default="add1",
            help="equal shares: add1 (compute tool), add1-no-greedy (pabutools' Add1), none",
        )

    def handle(self, *args, **options):
        try:
            city = city_get(slug=options["city"])
        except Exception as error:  # Http404 from the selector
            raise CommandError(f"unknown city {options['city']!r}") from error
        try:
            with open(options["file"], encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['file']}: {error}") from None
        rule_options = (
            {"completion": options["completion"]} if options["rule"] != Rule.GREEDY else None
        )
        try:
            process = services.prize_money_import(
                city=city,
                pabulib_text=text,
                title=options["title"],
                rule=options["rule"],
                rule_options=rule_options,
                source=options["file"].rsplit("/", 1)[-1],
            )
        except BudgetingError as error:
            raise CommandError(f"{options['file']}: {error.message}") from None
        self.stdout.write(f"imported as process {process.pk} ({process.title})")
