"""Participatory-budgeting voting rules in pure Python: pabulib I/O, equal shares, greedy, Phragmén.

No Django, no quartier imports: the platform converts its rows into :class:`Election` and calls
:func:`tally`.
"""

from voting_rules.election import Ballot, Election, Project
from voting_rules.outcome import Explanation, Outcome, Payment
from voting_rules.pabulib import (
    PabulibError,
    format_election,
    parse_election,
    read_election,
    write_election,
)
from voting_rules.rules import RULES, Options, UnknownRule, tally

__all__ = [
    "RULES",
    "Ballot",
    "Election",
    "Explanation",
    "Options",
    "Outcome",
    "PabulibError",
    "Payment",
    "Project",
    "UnknownRule",
    "format_election",
    "parse_election",
    "read_election",
    "tally",
    "write_election",
]
