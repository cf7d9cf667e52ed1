"""The election as the rules see it: projects, ballots, budget; money as exact fractions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

VoteType = Literal["approval", "choose-1", "cumulative", "scoring", "ordinal"]
VOTE_TYPES: tuple[VoteType, ...] = ("approval", "choose-1", "cumulative", "scoring", "ordinal")


@dataclass(frozen=True)
class Project:
    project_id: str
    cost: Fraction
    # Every PROJECTS column except project_id and cost, as written in the file (order kept).
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def officially_selected(self) -> bool | None:
        value = self.extra.get("selected")
        if value is None or value.strip() == "":
            return None
        return value.strip() not in ("0", "")


@dataclass(frozen=True)
class Ballot:
    voter_id: str
    # Project ids in the order written; for ordinal ballots this is the ranking, best first.
    projects: tuple[str, ...]
    # Parallel to ``projects`` for cumulative and scoring ballots, otherwise empty.
    points: tuple[Fraction, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    meta: Mapping[str, str]
    projects: Mapping[str, Project]
    ballots: tuple[Ballot, ...]
    # Header columns as read, so that writing keeps optional columns in their order.
    project_columns: tuple[str, ...] = ("project_id", "cost")
    vote_columns: tuple[str, ...] = ("voter_id", "vote")

    @property
    def budget(self) -> Fraction:
        return parse_decimal(self.meta["budget"])

    @property
    def vote_type(self) -> VoteType:
        value = self.meta.get("vote_type", "approval")
        assert value in VOTE_TYPES
        return value  # type: ignore[return-value]

    @property
    def name(self) -> str:
        parts = [self.meta.get(key, "") for key in ("country", "unit", "subunit", "instance")]
        return " ".join(p for p in parts if p)

    def officially_selected(self) -> frozenset[str] | None:
        """The ``selected`` column (the city's outcome) or None when the file has none."""
        if "selected" not in self.project_columns:
            return None
        return frozenset(p.project_id for p in self.projects.values() if p.officially_selected)


def parse_decimal(text: str) -> Fraction:
    """A decimal as written in a pabulib file (``1532717.63``, ``12,5``), as an exact number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned or cleaned.lower() in ("nan", "inf", "-inf", "infinity"):
        raise ValueError(f"not a decimal number: {text!r}")
    return Fraction(cleaned)


def format_decimal(value: Fraction) -> str:
    """Inverse of :func:`parse_decimal` for values with a finite decimal expansion."""
    if value.denominator == 1:
        return str(value.numerator)
    digits = next((d for d in range(1, 40) if 10**d % value.denominator == 0), None)
    if digits is None:
        raise ValueError(f"{value} has no finite decimal expansion")
    scaled = value.numerator * (10**digits // value.denominator)
    sign = "-" if scaled < 0 else ""
    body = str(abs(scaled)).rjust(digits + 1, "0")
    return f"{sign}{body[:-digits]}.{body[-digits:]}".rstrip("0").rstrip(".")
