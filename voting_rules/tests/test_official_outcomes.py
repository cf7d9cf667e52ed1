"""The `selected` column is the city's official outcome; each is reproduced by a named rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from voting_rules.rules import Options, tally
from voting_rules.tests.conftest import real_election

OFFICIAL = [
    # Equal shares with Add1 as pabutools runs it; no greedy completion (it would add project 7).
    ("Netherlands_Assen_2024.pb", "mes-add1", Options(compat=True)),
    ("Poland_Swiecie_2023.pb", "mes-add1", Options(compat=True)),
    ("Poland_Swiecie_2023.pb", "equalshares", Options()),
    ("Poland_Warszawa_2019_Las.pb", "greedy", Options()),
    # Cumulative ballots: greedy by total points.
    ("Poland_Czestochowa_2024_Podjasnogorska.pb", "greedy", Options()),
    # Cumulative ballots, minimum score 200 (META min_project_score_threshold).
    ("Poland_Katowice_2024.pb", "greedy-threshold", Options()),
    # Ordinal ballots scored 3/2/1 by rank.
    ("Poland_Krakow_2020.pb", "greedy", Options()),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "rule", "options"), OFFICIAL)
def test_official_outcome_is_reproduced(
    shared_data: Path, name: str, rule: str, options: Options
) -> None:
    election = real_election(shared_data, name)
    official = election.officially_selected()
    assert official is not None
    assert set(tally(election, rule, options).winners) == official
