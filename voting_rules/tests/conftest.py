from __future__ import annotations

from functools import cache
from pathlib import Path

from voting_rules.election import Election
from voting_rules.pabulib import read_election

SMALL_FILES = (
    "Netherlands_Assen_2024.pb",
    "Poland_Warszawa_2019_Las.pb",
    "Poland_Czestochowa_2024_Podjasnogorska.pb",
    "Poland_Swiecie_2023.pb",
)
LARGE_FILES = (
    "Netherlands_Amsterdam_252.pb",
    "Hungary_Budapest_2024.pb",
    "Poland_Katowice_2024.pb",
    "Poland_Krakow_2020.pb",
)


@cache
def real_election(folder: Path, name: str) -> Election:
    """Parsed once per test session: the large files take a moment each."""
    return read_election(folder / "pabulib" / name)
