"""The `equalshares` rule's completions and Add1 options, as the compute tool names them."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from voting_rules.election import Ballot, Election, Project
from voting_rules.rules import Options, tally


def _election(seed: int) -> Election:
    rnd = random.Random(seed)
    ids = [f"p{j}" for j in range(rnd.randint(6, 14))]
    popularity = [rnd.random() ** 2 for _ in ids]
    ballots = tuple(
        Ballot(
            f"v{i}", tuple(sorted(set(rnd.choices(ids, weights=popularity, k=rnd.randint(1, 4)))))
        )
        for i in range(rnd.randint(20, 80))
    )
    return Election(
        meta={"budget": str(rnd.randint(1000, 5000)), "vote_type": "approval"},
        projects={pid: Project(pid, Fraction(rnd.randint(100, 1500))) for pid in ids},
        ballots=ballots,
    )


@pytest.mark.parametrize("seed", range(30))
def test_each_completion_builds_on_the_one_before(seed: int) -> None:
    election = _election(seed)
    plain = tally(election, "equalshares", Options(completion="none", comparison="none"))
    assert plain.winners == tally(election, "mes").winners
    utilitarian = tally(
        election, "equalshares", Options(completion="utilitarian", comparison="none")
    )
    assert set(plain.winners) <= set(utilitarian.winners)
    add1 = tally(election, "equalshares", Options(completion="add1", comparison="none"))
    add1u = tally(election, "equalshares", Options(completion="add1u", comparison="none"))
    # Add1 only ever adds money, and the greedy completion only adds projects that still fit.
    assert set(add1.winners) <= set(add1u.winners)
    assert add1u.cost <= add1u.budget and utilitarian.cost <= utilitarian.budget
    assert add1u.winners == tally(election, "equalshares", Options(comparison="none")).winners


@pytest.mark.parametrize("seed", range(30))
def test_without_the_exhaustive_stop_add1_spends_at_least_as_much(seed: int) -> None:
    election = _election(seed)
    stopping = tally(election, "equalshares", Options(completion="add1", comparison="none"))
    going_on = tally(
        election,
        "equalshares",
        Options(completion="add1", comparison="none", add1_exhaustive=False),
    )
    # Both keep the last outcome that fits; without the stop, Add1 raises the budget further.
    assert going_on.cost <= going_on.budget
    assert int(going_on.details["add1_steps"]) >= int(stopping.details["add1_steps"])
