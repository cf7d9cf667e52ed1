"""pabutools 1.2.3 as a test oracle: the rule names of ``quartier-pb`` mapped to pabutools calls.

pabutools is GPL-licensed; it is only *called* here (tests and benchmarks), never copied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ORACLE_RULES = (
    "mes",
    "mes-cardinality",
    "mes-add1",
    "mes-add1-greedy",
    "greedy",
    "greedy-cost",
    "phragmen",
)


def pabutools_version() -> str:
    from importlib.metadata import version

    return version("pabutools")


def load(path: str, *, multiprofile: bool = False) -> tuple[Any, Any]:
    from pabutools.election import parse_pabulib

    instance, profile = parse_pabulib(path)
    if multiprofile:
        # Same outcome (pabutools weighs identical ballots by multiplicity), much less time.
        profile = profile.as_multiprofile()
    return instance, profile


def _names(allocation: Any) -> list[str]:
    return sorted(str(project.name) for project in allocation)


def applies(rule: str, instance: Any, profile: Any) -> bool:
    """pabutools' Phragmén only accepts approval profiles."""
    from pabutools.election import AbstractApprovalProfile

    return rule != "phragmen" or isinstance(profile, AbstractApprovalProfile)


def run(rule: str, instance: Any, profile: Any) -> list[str]:
    from pabutools.election import Cardinality_Sat, Cost_Sat
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    calls: dict[str, Callable[[], Any]] = {
        "mes": lambda: method_of_equal_shares(instance, profile, sat_class=Cost_Sat),
        "mes-cardinality": lambda: method_of_equal_shares(
            instance, profile, sat_class=Cardinality_Sat
        ),
        "mes-add1": lambda: method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        ),
        "mes-add1-greedy": lambda: complete_with_greedy(
            instance,
            profile,
            method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1),
        ),
        # Cost satisfaction divided by cost is the approval count: greedy by votes.
        "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat),
        # Cardinality satisfaction divided by cost: greedy by votes per cost.
        "greedy-cost": lambda: greedy_utilitarian_welfare(
            instance, profile, sat_class=Cardinality_Sat
        ),
        "phragmen": lambda: sequential_phragmen(instance, profile),
    }
    return _names(calls[rule]())


def complete_with_greedy(instance: Any, profile: Any, outcome: Any) -> Any:
    """What ``completion_by_rule_combination([mes, greedy])`` does once MES has run.

    Split out so that the recorder can reuse a finished (slow) Add1 run for both rules.
    """
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    if instance.is_exhaustive(outcome):
        return outcome
    return greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, initial_budget_allocation=outcome
    )
