"""Issue a big batch of voting codes and write the print shop's files (CSV, optionally PDF).

    manage.py voting_codes_issue --process ID --count N [--district NAME] --csv FILE [--pdf FILE]

The codes are generated, hashed into the register and written to the files in one run; they
exist nowhere else afterwards (ADR 0005), so keep the files safe and delete them once printed.
The CSV's columns are documented in ``quartier/budgeting/exports.py``.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse

from quartier.accounts.models import User
from quartier.budgeting import exports, services
from quartier.budgeting.selectors import prize_money_find
from quartier.budgeting.views.setup import letter_text, page_link
from quartier.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue voting codes for a prize-money vote and write the print shop's CSV (and PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--process", type=int, required=True, help="the vote's id")
        parser.add_argument("--count", type=int, required=True, help="how many codes")
        parser.add_argument("--district", default="", help="the district's name or slug")
        parser.add_argument("--label", default="", help="the batch's label")
        parser.add_argument("--csv", required=True, help="the CSV file to write")
        parser.add_argument("--pdf", default="", help="also write a PDF with one letter per code")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address for the vote URL, e.g. https://quartier.dortmund.de "
            "(default: https:// and the Site's domain)",
        )
        parser.add_argument(
            "--by",
            default="",
            help="the email of the city administrator recorded in the audit log "
            "(default: who set up the vote)",
        )

    def handle(self, *args, **options):
        process = prize_money_find(process_id=options["process"])
        if process is None:
            raise CommandError(f"No prize-money vote with the id {options['process']}.")
        if options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        district = None
        if options["district"]:
            district = process.city.districts.filter(
                Q(name__iexact=options["district"]) | Q(slug=options["district"])
            ).first()
            if district is None:
                raise CommandError(f"No district {options['district']!r} in {process.city.name}.")
        actor = process.created_by
        if options["by"]:
            actor = User.objects.filter(email__iexact=options["by"]).first()
            if actor is None:
                raise CommandError(f"No account with the email {options['by']!r}.")
        csv_path = Path(options["csv"])
        if not csv_path.parent.is_dir():
            raise CommandError(f"The folder of {csv_path} does not exist.")
        vote_url = self._vote_url(process, options["base_url"])

        started = time.perf_counter()
        try:
            batch, issued = services.codes_issue(
                process=process,
                actor=actor,
                count=options["count"],
                district=district,
                label=options["label"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        stored = time.perf_counter()
        exports.csv_write(
            csv_path,
            issued,
            district=district.name if district else "",
            batch=batch.label or str(batch.pk),
            vote_url=vote_url,
        )
        written = time.perf_counter()
        self.stdout.write(
            f"{len(issued)} codes issued in batch {batch.pk}: generated, hashed and stored in "
            f"{stored - started:.1f} s, CSV written in {written - stored:.1f} s "
            f"({written - started:.1f} s in all) to {csv_path}."
        )
        if options["pdf"]:
            pdf = exports.letters_pdf(
                issued, text=letter_text(process, vote_url=vote_url, district=district)
            )
            Path(options["pdf"]).write_bytes(pdf)
            self.stdout.write(
                f"{len(issued)} letters written in {time.perf_counter() - written:.1f} s "
                f"to {options['pdf']}."
            )
        self.stdout.write(
            self.style.WARNING(
                "The codes are in these files only: keep them safe and delete them once printed."
            )
        )

    def _vote_url(self, process, base_url: str) -> str:
        if not base_url:
            from django.contrib.sites.models import Site

            base_url = f"https://{Site.objects.get_current().domain}"
        path = page_link("budget_vote", process) or reverse(
            "budget_overview", kwargs={"city_slug": process.city.slug, "process_id": process.pk}
        )
        return base_url.rstrip("/") + path
