"""The demo's real past vote: Assen 2024, imported from its published pabulib file."""

from pathlib import Path

from . import services
from .selectors import imported_vote

ASSEN_FILE = Path(__file__).resolve().parent / "demo_data" / "Netherlands_Assen_2024.pb"
ASSEN_TITLE = "Echte Abstimmung: Assen (Niederlande) 2024, „Assen Top Idee“"
ASSEN_DESCRIPTION = (
    "Die echte Abstimmung der Gemeinde Assen 2024 (Quelle: pabulib, offene Daten): Jugendliche "
    "von 12 bis 27 Jahren wählten unter 14 Projekten für 100.000 €. Assen entschied mit der "
    "Methode der gleichen Anteile (Add1, ohne Auffüllen nach Stimmen); Quartier zählt die "
    "84 Stimmzettel mit derselben Regel neu und kommt auf dasselbe Ergebnis."
)


def demo_assen_2024(*, city):
    """Import Assen's real 2024 vote into ``city`` once (a finished vote with its results)."""
    existing = imported_vote(city=city, source=ASSEN_FILE.name)
    if existing is not None:
        return existing
    process = services.prize_money_import(
        city=city,
        pabulib_text=ASSEN_FILE.read_text("utf-8"),
        title=ASSEN_TITLE,
        rule_options={"completion": "add1-no-greedy"},
        source=ASSEN_FILE.name,
    )
    process.description = ASSEN_DESCRIPTION
    process.save(update_fields=["description"])
    return process
