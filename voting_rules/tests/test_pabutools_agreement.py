"""Identical winners to pabutools 1.2.3: live on the small files, from a recorded fixture on the
large ones (benchmarks/record_pabutools_outcomes.py writes it; pabutools needs minutes there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from voting_rules.equal_shares import is_exhaustive, run_equal_shares
from voting_rules.profile import compile_profile
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


@pytest.mark.realdata
def test_budapest_add1_end_point_agrees_with_pabutools_spot_check(shared_data: Path) -> None:
    """pabutools cannot run Budapest's Add1 to the end (22,001 unit steps, > 10 min), so the
    recorder asked it for MES at the end point our Add1 finds and one unit before: exhaustive with
    our winners there, not exhaustive just below (no proof that no earlier point is exhaustive).
    """
    name = "Hungary_Budapest_2024.pb"
    spot = RECORDED["outcomes"][name]["mes-add1-spot-check"]["pabutools_mes_at_steps"]
    profile = compile_profile(real_election(shared_data, name), compat=True)
    start = profile.budget / profile.voters
    for steps, expected in spot.items():
        run = run_equal_shares(profile, per_voter_budget=start + int(steps))
        assert profile.ids(run.chosen) == expected["winners"]
        assert is_exhaustive(profile, run.chosen, run.eligible) == expected["exhaustive"]
    assert [spot[k]["exhaustive"] for k in sorted(spot, key=int)] == [False, True]


@pytest.mark.realdata
def test_budapest_add1_ends_at_the_spot_checked_point(shared_data: Path) -> None:
    name = "Hungary_Budapest_2024.pb"
    spot = RECORDED["outcomes"][name]["mes-add1-spot-check"]["pabutools_mes_at_steps"]
    outcome = tally(real_election(shared_data, name), "mes-add1", Options(compat=True))
    last = max(spot, key=int)
    assert outcome.details["add1_steps"] == last
    assert list(outcome.winners) == spot[last]["winners"]
