"""Identical winners to pabutools 1.2.3: live on the small files, from a recorded fixture on the
large ones (benchmarks/record_pabutools_outcomes.py writes it; pabutools needs minutes there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from voting_rules.rules import Options, tally
from voting_rules.tests import pabutools_oracle
from voting_rules.tests.conftest import LARGE_FILES, SMALL_FILES, real_election

FIXTURE = Path(__file__).parent / "fixtures" / "pabutools_outcomes.json"
RECORDED: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.realdata
@pytest.mark.parametrize("name", SMALL_FILES)
def test_small_files_agree_with_live_pabutools(shared_data: Path, name: str) -> None:
    instance, profile = pabutools_oracle.load(str(shared_data / "pabulib" / name))
    election = real_election(shared_data, name)
    for rule in pabutools_oracle.ORACLE_RULES:
        if not pabutools_oracle.applies(rule, instance, profile):
            continue
        expected = pabutools_oracle.run(rule, instance, profile)
        ours = tally(election, rule, Options(compat=True))
        assert list(ours.winners) == expected, rule


def test_fixture_was_recorded_with_the_installed_pabutools() -> None:
    assert RECORDED["pabutools_version"] == pabutools_oracle.pabutools_version()


# Our own Add1 on Budapest needs minutes (22,001 unit steps), and pabutools' more than ten:
# see voting_rules/README.md.
TOO_SLOW_FOR_CI = {
    ("Hungary_Budapest_2024.pb", "mes-add1"),
    ("Hungary_Budapest_2024.pb", "mes-add1-greedy"),
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", LARGE_FILES)
def test_large_files_agree_with_recorded_pabutools(shared_data: Path, name: str) -> None:
    election = real_election(shared_data, name)
    compared = 0
    for rule, entry in sorted(RECORDED["outcomes"][name].items()):
        if "winners" not in entry or (name, rule) in TOO_SLOW_FOR_CI:
            continue
        ours = tally(election, rule, Options(compat=True))
        assert list(ours.winners) == entry["winners"], rule
        compared += 1
    assert compared >= 4
