"""Load the Dortmund demo city: districts, hotspots and a few example ideas (once)."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from quartier.accounts.models import InnovatorType, User
from quartier.cities.models import City
from quartier.cities.services import city_upsert, districts_import_geojson, hotspots_import_csv
from quartier.deliberation.selectors import conversations_on_idea
from quartier.deliberation.services import conversation_open, statement_moderate
from quartier.ideas import teams
from quartier.ideas.models import Idea, InnovationKind, Source
from quartier.ideas.services import idea_submit
from quartier.labs import services as labs
from quartier.labs.selectors import tests_of as lab_tests_of
from quartier.legal.selectors import legal_page_get
from quartier.legal.services import legal_page_save
from quartier.participation.models import CityRole
from quartier.participation.services import (
    process_update_settings,
    role_grant_by_system,
    role_revoke_by_system,
)

DEMO_DATA = Path(__file__).resolve().parents[3] / "cities" / "demo_data" / "dortmund"

# The city's texts in both of the site's languages (the data is German, its readers are not
# all). The BKG source note is required with every use of the boundary (GeoNutzV / dl-de/by-2-0:
# source and a change notice); see demo_data/dortmund/README.md, sections 1 and 2.
ATTRIBUTION = {
    "de": "Stadtgrenze: © GeoBasis-DE / BKG 2013 (Daten verändert). "
    "Stadtbezirke: Näherung (Voronoi-Zellen der Bezirkszentren aus Wikipedia), nicht amtlich. "
    "Einwohnerzahlen: Stadt Dortmund, Dortmunder Statistik. "
    "Innovationsorte: Presse, Stadt, Einrichtungen, Wikipedia (Quelle je Ort).",
    "en": "City boundary: © GeoBasis-DE / BKG 2013 (data modified). "
    "Districts: an approximation (Voronoi cells around the district centres given in "
    "Wikipedia), not the official boundaries. "
    "Population figures: City of Dortmund, Dortmunder Statistik. "
    "Innovation places: press, city, institutions, Wikipedia (source given for each place).",
}
DISTRICTS_NOTE = {
    "de": "Die Bezirksgrenzen sind eine Näherung (Voronoi-Zellen um die Bezirkszentren), nicht "
    "die amtlichen Stadtbezirke. Die Zuordnung von Orten zu Bezirken ist nur ein Anhaltspunkt.",
    "en": "The district boundaries are an approximation (Voronoi cells around the district "
    "centres), not the official ones. Which district a place lies in is only a rough guide.",
}

EXAMPLE_IDEAS: list[dict[str, Any]] = [
    {
        "title": "Pocket-Park statt Parkplätze am Borsigplatz",
        "summary": "Vier Parkplätze werden zu einem kleinen Park mit Bänken, Beeten und Schatten.",
        "description": "Am **Borsigplatz** fehlt Grün zum Verweilen. Vorschlag:\n\n"
        "- vier Stellplätze in einen Pocket-Park umwandeln\n- Hochbeete, die Nachbarn pflegen\n"
        "- ein Sommer lang als Reallabor testen und dann gemeinsam auswerten",
        "kind": InnovationKind.ECOLOGICAL,
        "innovator_type": InnovatorType.RESIDENT,
        "lat": 51.523333,
        "lon": 7.481667,
    },
    {
        "title": "Reparatur-Café im Makerspace",
        "summary": "Einmal im Monat reparieren Nachbarinnen und Nachbarn gemeinsam Geräte.",
        "description": "Mit 3D-Druckern lassen sich Ersatzteile herstellen. Ein offenes "
        "Reparatur-Café verbindet Technik und Nachbarschaft.",
        "kind": InnovationKind.SOCIAL,
        "innovator_type": InnovatorType.CIVIL_SOCIETY,
        "lat": 51.5146,
        "lon": 7.4474,
    },
    {
        "title": "Sensoren für Hitzeinseln in Hörde",
        "summary": "Schülerinnen und Schüler messen im Sommer die Temperatur in ihren Straßen.",
        "description": "Ein Projekt mit der Wissenschaft: günstige Sensoren, offene Daten, "
        "Karten der heißesten Orte und Ideen für mehr Schatten.",
        "kind": InnovationKind.TECHNOLOGICAL,
        "innovator_type": InnovatorType.STUDENT,
        "lat": 51.4880,
        "lon": 7.5080,
    },
    {
        "title": "Pop-up-Laden für Gründerinnen im Hafen",
        "summary": "Leerstehende Ladenlokale werden für drei Monate an junge Gründungen vergeben.",
        "description": "Start-ups testen ihre Produkte direkt bei den Menschen im Quartier.",
        "kind": InnovationKind.ENTREPRENEURIAL,
        "innovator_type": InnovatorType.BUSINESS,
        "lat": 51.5250,
        "lon": 7.4440,
    },
    {
        "title": "Nachbarschaftstheater im Hinterhof",
        "summary": "Geschichten aus dem Viertel, gespielt von den Menschen, die dort wohnen.",
        "description": "Eine Idee von einer Karte beim Nachbarschaftsfest: Theater und digitale "
        "Kunst in Hinterhöfen der Nordstadt.",
        "kind": InnovationKind.CULTURAL,
        "innovator_type": InnovatorType.ART_CULTURE,
        "lat": 51.5270,
        "lon": 7.4700,
        "source": Source.ANALOG,
        "analog_origin": "Nachbarschaftsfest Nordstadt (Beispiel)",
    },
]


EXAMPLE_STATEMENTS = [
    "Am Borsigplatz fehlt Grün zum Verweilen.",
    "Die Geschäfte rund um den Platz brauchen die Parkplätze.",
    "Ein Pocket-Park macht den Platz für Kinder sicherer.",
    "Lieferverkehr braucht Halteflächen direkt am Platz.",
    "Bäume und Beete kühlen den Platz im Sommer.",
    "Der Platz sollte erst ein Jahr lang als Reallabor getestet werden.",
    "Nachbarinnen und Nachbarn würden die Beete pflegen.",
    "Ich wohne in der Nordstadt.",
]

SITE_NAME = "Quartier Dortmund"
_EXAMPLE_NOTE = (
    "> **Beispieltext – von der Stadt zu ersetzen.** Diese Seite zeigt nur, wo der Text "
    "der Stadt stehen wird; sie ist keine Rechtsauskunft.\n\n"
)
EXAMPLE_LEGAL_TEXTS = {
    "impressum": _EXAMPLE_NOTE
    + "## Anbieter\n\nStadt Dortmund (Beispiel)  \nFriedensplatz 1  \n44135 Dortmund\n\n"
    "## Kontakt\n\nE-Mail: quartier@quartier.invalid\n\n"
    "## Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV)\n\nName der verantwortlichen Person",
    "datenschutz": _EXAMPLE_NOTE
    + "## Verantwortliche Stelle\n\nStadt Dortmund (Beispiel), Friedensplatz 1, 44135 Dortmund\n\n"
    "## Welche Daten wir speichern\n\n* Ihre E-Mail-Adresse (nicht öffentlich)\n"
    "* Ihren Anzeigenamen (öffentlich, ein Pseudonym ist erlaubt)\n"
    "* Was Sie schreiben: Ideen, Kommentare, Unterstützungen, Stimmen\n\n"
    "## Cookies\n\nWir setzen nur Cookies, die für die Nutzung technisch erforderlich sind "
    "(§ 25 Abs. 2 Nr. 2 TDDDG), und keine zur Analyse oder Werbung:\n\n"
    "* `sessionid`: hält Sie angemeldet, bis Sie sich abmelden oder zwei Wochen vergangen sind\n"
    "* `csrftoken`: schützt Formulare vor fremden Websites\n"
    "* `django_language`: die Sprache, die Sie gewählt haben\n"
    "* `quartier_city`: die zuletzt besuchte Stadt, damit die Kontoseiten deren Navigation und "
    "Rechtstexte zeigen; gilt bis zum Schließen des Browsers\n"
    "* `quartier_pseudonym`: Ihr Pseudonym in einem Meinungsbild ohne Konto; gilt ein Jahr\n\n"
    "## Schutz vor Missbrauch\n\nUm massenhafte Beiträge zu verhindern, zählen wir Beiträge "
    "je Internetadresse. Die Adresse speichern wir dabei nicht, sondern nur einen mit einem "
    "geheimen Schlüssel gebildeten Prüfwert, der nach einer Stunde gelöscht wird.\n\n"
    "## Abstimmungen über das Preisgeld\n\nDas Wählerverzeichnis vermerkt nur, *dass* ein "
    "Abstimmungscode oder ein Konto abgestimmt hat, nicht wann und nicht wie. Stimmzettel werden "
    "ohne Verbindung zu Ihrer Person gespeichert und nach dem Ende anonym veröffentlicht.\n\n"
    "## Ihre Rechte\n\nSie können Ihre Daten im Profil herunterladen und Ihr Konto löschen "
    "(Art. 15, 17 und 20 DSGVO).",
    "nutzungsbedingungen": _EXAMPLE_NOTE
    + "## Mitmachen\n\nSie brauchen ein Konto mit bestätigter E-Mail-Adresse, um Ideen, "
    "Kommentare und Unterstützungen zu schreiben.\n\n"
    "## Netiquette\n\nBitte bleiben Sie sachlich und respektvoll. Beiträge, die gegen diese "
    "Regeln verstoßen, kann die Moderation ausblenden.",
    "barrierefreiheit": _EXAMPLE_NOTE
    + "## Stand der Vereinbarkeit mit den Anforderungen\n\nDiese Plattform soll die "
    "Anforderungen der BITV 2.0 erfüllen. Die Prüfung durch die Stadt steht noch aus.\n\n"
    "## Durchsetzungsverfahren\n\nHier nennt die Stadt die Schlichtungsstelle des Landes.",
}


def _with_german_quality(collection: dict, text: str) -> dict:
    for feature in collection["features"]:
        feature["properties"]["geometry_quality_de"] = text
    return collection


def _with_german_descriptions(text: str, german: dict[str, dict[str, str]]) -> str:
    """The hotspot CSV with a ``description_de`` column (the importer's per-language column)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = {row["name"] for row in rows} - set(german)
    if missing:  # a new place in the data needs its German text too
        raise CommandError(f"translations-de.json has no German for: {', '.join(sorted(missing))}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*rows[0], "description_de"])
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "description_de": german[row["name"]]["description"]})
    return out.getvalue()


PRIZE_MONEY_TITLE = "1.000.000 € für Projekte aus der Nachbarschaft (Beispiel)"
PRIZE_MONEY_DESCRIPTION = (
    "Ein Beispiel: Dortmund hat als Europäische Innovationshauptstadt ein Preisgeld von "
    "1.000.000 € gewonnen. 400.000 € gehen an Projekte für die ganze Stadt, 600.000 € werden "
    "nach Einwohnerzahl auf die zwölf Stadtbezirke verteilt. Reichen Sie bis zum Ende der "
    "Vorschlagsphase Projekte ein; nach der Prüfung stimmen alle ab 14 Jahren mit dem "
    "Abstimmungscode aus ihrem Brief ab. Gewählt wird mit der Methode der gleichen Anteile."
)
# Proposals grown from example ideas (by the start of the idea's title); the "proposals" helper
# may add more. A district's proposal goes into the pot of the district its idea lies in.
EXAMPLE_PROPOSALS: list[dict[str, Any]] = [
    {
        "idea": "Pocket-Park",
        "city_wide": False,
        "title": "Pocket-Park am Borsigplatz (Beispiel)",
        "description": "Vier Stellplätze werden zu einem kleinen Park mit Bänken, Hochbeeten "
        "und Schatten; Nachbarinnen und Nachbarn pflegen die Beete.",
        "estimate": 35_000,
    },
    {
        "idea": "Sensoren für Hitzeinseln",
        "city_wide": False,
        "title": "Hitzesensoren für Hörde (Beispiel)",
        "description": "Zwanzig Sensoren messen ein Jahr lang Temperatur und Feuchte; die Daten "
        "sind offen und zeigen, wo Bäume und Trinkbrunnen am meisten helfen.",
        "estimate": 18_000,
    },
    {
        "idea": "Reparatur-Café",
        "city_wide": True,
        "title": "Reparatur-Cafés in allen Stadtbezirken (Beispiel)",
        "description": "Werkzeug, Ersatzteile und ein Jahr Raummiete für ein monatliches "
        "Reparatur-Café in jedem der zwölf Stadtbezirke.",
        "estimate": 96_000,
    },
    {
        "idea": "Nachbarschaftstheater",
        "city_wide": True,
        "title": "Theater in Dortmunder Hinterhöfen (Beispiel)",
        "description": "Ein Sommer lang spielt ein Ensemble in Hinterhöfen der ganzen Stadt; "
        "der Eintritt ist frei, die Stücke entstehen mit den Nachbarschaften.",
        "estimate": 60_000,
    },
]


class Command(BaseCommand):
    help = "Load the Dortmund demo city (districts, hotspots, example ideas). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-past-vote",
            action="store_true",
            help="leave out the real past vote (Assen 2024) - the unit tests' Dortmund",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            boundary = json.loads((DEMO_DATA / "stadtgrenze.geojson").read_text("utf-8"))
            boundary_geometry = (
                boundary["features"][0]["geometry"] if "features" in boundary else boundary
            )
            city = city_upsert(
                slug="dortmund",
                name="Dortmund",
                centre_lat=51.5136,
                centre_lon=7.4653,
                default_zoom=11,
                language="de",
                boundary=boundary_geometry,
                data_attribution=ATTRIBUTION,
                districts_note=DISTRICTS_NOTE,
            )
            # The data's own texts are English; German comes from translations-de.json.
            german = json.loads((DEMO_DATA / "translations-de.json").read_text("utf-8"))
            districts = districts_import_geojson(
                city=city,
                collection=_with_german_quality(
                    json.loads((DEMO_DATA / "stadtbezirke-approx.geojson").read_text("utf-8")),
                    german["districts"]["geometry_quality"],
                ),
                language="en",
            )
            hotspots = hotspots_import_csv(
                city=city,
                text=_with_german_descriptions(
                    (DEMO_DATA / "hotspots.csv").read_text("utf-8"), german["hotspots"]
                ),
                language="en",
            )
            created = self._load_examples(city)
            conversations = self._load_example_conversation(city)
            self._load_example_team_work(city)
            legal_pages = self._load_example_legal_pages(city)
            if not options.get("without_past_vote"):
                _load_real_past_vote(city)
            prize_money = self._load_example_prize_money(city)
            self._name_site()
        self.stdout.write(
            self.style.SUCCESS(
                f"Dortmund: {len(districts)} districts, {len(hotspots)} hotspots, "
                f"{created} example ideas, {conversations} example opinion map and "
                f"{legal_pages} example legal pages and {prize_money} example prize-money vote "
                "added."
            )
        )

    def _load_examples(self, city: City) -> int:
        if Idea.objects.filter(city=city, is_example=True).exists():
            return 0
        staff = self._example_team(city)
        for example in EXAMPLE_IDEAS:
            idea_submit(city=city, author=staff, is_example=True, **example)
        return len(EXAMPLE_IDEAS)

    def _load_example_conversation(self, city: City) -> int:
        idea = Idea.objects.filter(
            city=city, is_example=True, title__startswith="Pocket-Park"
        ).first()
        if idea is None or conversations_on_idea(idea=idea).exists():
            return 0
        team = self._example_team(city)
        conversation = conversation_open(
            city=city,
            creator=team,
            idea=idea,
            question="Parkplätze am Borsigplatz in einen Pocket-Park umwandeln? (Beispiel)",
            description="Ein Beispiel-Meinungsbild: Stimmen Sie den Aussagen zu, "
            "lehnen Sie sie ab oder überspringen Sie sie.",
            seed_statements=EXAMPLE_STATEMENTS,
            allow_anonymous=True,
        )
        # A demographic question: asked of everyone, kept out of the groups and the consensus.
        statement_moderate(
            statement=conversation.statements.get(text=EXAMPLE_STATEMENTS[-1]),
            moderator=team,
            status="accepted",
            is_meta=True,
        )
        return 1

    def _load_example_team_work(self, city: City) -> None:
        """The pocket park's team looks for a graphic designer and plans a living-lab test
        (the example team leads it: it submitted the example)."""
        idea = Idea.objects.filter(
            city=city, is_example=True, title__startswith="Pocket-Park"
        ).first()
        if idea is None or lab_tests_of(idea=idea).exists():
            return
        lead = self._example_team(city)
        teams.open_role_publish(
            idea=idea,
            actor=lead,
            title="Grafik",
            skills="Plakate, Beschilderung",
            description="Ein Plakat, das zum Test einlädt, und Schilder für die Hochbeete.",
        )
        start = timezone.localdate() + timedelta(days=7)
        labs.lab_test_plan(
            idea=idea,
            actor=lead,
            plan=labs.Plan(
                hypothesis="Ein Pocket-Park auf vier Stellplätzen lässt Menschen länger am "
                "Borsigplatz verweilen, und Kinder spielen dort sicherer.",
                measures="Verweildauer (zweimal täglich gezählt) und die Bewertungen der "
                "Testenden.",
                place_name="Borsigplatz, Nordseite",
                lat=51.5203,
                lon=7.4836,
                starts_on=start,
                ends_on=start + timedelta(days=13),
                testers_wanted=20,
                questions=[
                    "Wie gern haben Sie sich im Pocket-Park aufgehalten?",
                    "Wie sicher fühlten sich Kinder dort?",
                    "Sollte der Pocket-Park bleiben?",
                ],
            ),
        )

    def _load_example_legal_pages(self, city: City) -> int:
        # Only pages the city has not written: a rerun never overwrites the city's own text.
        written = 0
        for kind, text in EXAMPLE_LEGAL_TEXTS.items():
            if legal_page_get(city=city, kind=kind) is None:
                contact = "barrierefreiheit@quartier.invalid" if kind == "barrierefreiheit" else ""
                legal_page_save(city=city, kind=kind, text=text, contact_email=contact, editor=None)
                written += 1
        return written

    # --- The prize-money vote (issue #10): 1,000,000 EUR, in its proposal phase ------------------

    def _load_example_prize_money(self, city: City) -> int:
        """Dortmund's prize money as an example vote: a city-wide pot and the twelve districts'
        pots split by population, collecting proposals; a few example proposals from ideas."""
        from dataclasses import replace
        from datetime import datetime, time, timedelta

        from django.utils import timezone

        from quartier.budgeting import services as budgeting
        from quartier.budgeting.models import Pot
        from quartier.cities.selectors import district_list
        from quartier.cities.services import district_for_idea_location
        from quartier.participation.selectors import process_list

        if any(
            p.options.get("is_example") for p in process_list(city=city).filter(kind="prize_money")
        ):
            return 0
        administration = self._example_administration(city)
        # Started two weeks ago: the proposal phase (four weeks) is running whenever it loads.
        start = timezone.make_aware(
            datetime.combine(timezone.localdate() - timedelta(days=14), time()),
            timezone.get_default_timezone(),
        )
        names = ["Vorschläge", "Prüfung", "Abstimmung", "Ergebnis", "Umsetzung"]
        phases = [
            replace(phase, name=name)
            for phase, name in zip(
                budgeting.prize_money_phases(starts_at=start), names, strict=True
            )
        ]
        process = budgeting.prize_money_create(
            city=city,
            creator=administration,
            title=PRIZE_MONEY_TITLE,
            description=PRIZE_MONEY_DESCRIPTION,
            phases=phases,
            ballot={"kind": "approval", "min_projects": 1, "max_projects": 5},
            rule="equalshares",
            eligibility={"min_age": 14, "residence": "city", "proof": "code"},
        )
        process_update_settings(process=process, actor=administration, changes={"is_example": True})
        budgeting.pot_save(
            process=process, actor=administration, name="Ganz Dortmund", amount=400_000
        )
        budgeting.pots_split_by_population(
            process=process,
            actor=administration,
            total=600_000,
            unit=1_000,
            districts=district_list(city=city),
        )
        team = self._example_team(city)
        for example in EXAMPLE_PROPOSALS:
            idea = Idea.objects.filter(
                city=city, is_example=True, title__startswith=example["idea"]
            ).first()
            lat, lon = (idea.lat, idea.lon) if idea is not None else (None, None)
            if example["city_wide"] or lat is None or lon is None:
                pot = Pot.objects.get(process=process, district__isnull=True)
            else:
                district = district_for_idea_location(city=city, lat=lat, lon=lon)
                pot = Pot.objects.get(process=process, district=district)
            budgeting.proposal_submit(
                process=process,
                author=team,
                pot=pot,
                idea=idea,
                title=example["title"],
                description=example["description"],
                estimate=example["estimate"],
                lat=lat,
                lon=lon,
            )
        # The example administration only set the vote up: it holds no role afterwards, so the
        # city's real administrators are the only ones on its roles page.
        role_revoke_by_system(city=city, user=administration, role=CityRole.Role.ADMIN)
        return 1

    def _example_administration(self, city: City) -> User:
        # The demo's example city administration: it sets up the example vote and cannot sign in.
        user, _created = User.objects.get_or_create(
            email="verwaltung-beispiel@quartier.invalid",
            defaults={"display_name": "Stadtverwaltung (Beispiel)"},
        )
        role_grant_by_system(city=city, user=user, role=CityRole.Role.ADMIN)
        if user.has_usable_password():
            user.set_unusable_password()
            user.save()
        return user

    def _name_site(self) -> None:
        # Mails and their subjects name the Site: "[Quartier Dortmund] ...", never example.com.
        site = Site.objects.get_current()
        if site.name != SITE_NAME:
            site.name = SITE_NAME
            if site.domain == "example.com":
                site.domain = "localhost:8000"
            site.save()

    def _example_team(self, city: City) -> User:
        # The demo's own editorial account: it moderates Dortmund, nothing else, and cannot
        # sign in (no usable password).
        staff, _created = User.objects.get_or_create(
            email="beispiele@quartier.invalid",
            defaults={"display_name": "Quartier-Team (Beispiele)"},
        )
        role_grant_by_system(city=city, user=staff, role=CityRole.Role.MODERATOR)
        if not staff.has_usable_password():
            staff.set_unusable_password()
            staff.save()
        EmailAddress.objects.get_or_create(
            user=staff, email=staff.email, defaults={"verified": True, "primary": True}
        )
        return staff


def _load_real_past_vote(city):
    """A real past prize-money vote (Assen 2024, pabulib open data), imported once ("results")."""
    from quartier.budgeting.demo import demo_assen_2024

    return demo_assen_2024(city=city)
