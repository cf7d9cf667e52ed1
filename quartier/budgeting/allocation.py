"""Splitting a sum of money across districts in proportion to their population.

Plain Python. Largest remainders (Hamilton's method) in whole units: every district gets the
whole units of its exact share, and the units left over go to the largest remainders, so the
amounts add up to the total exactly and each differs from its exact share by less than a unit.
Ties in the remainder go to the larger population, then to the name, so the split never depends
on the order the districts are listed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Share:
    key: str
    population: int
    exact: Fraction  # total × population / all people, before rounding
    amount: int  # a multiple of the unit


def split_by_population(total: int, populations: dict[str, int], *, unit: int = 1) -> list[Share]:
    """Shares of ``total`` (whole currency units) in proportion to ``populations``.

    ``unit`` rounds every amount to a multiple of it (e.g. 100 EUR); ``total`` must be one."""
    if total < 0:
        raise ValueError("The total must not be negative.")
    if unit < 1 or total % unit:
        raise ValueError("The total must be a whole number of rounding units.")
    if not populations:
        raise ValueError("There are no districts to split the money across.")
    if any(people < 0 for people in populations.values()):
        raise ValueError("A population must not be negative.")
    everyone = sum(populations.values())
    if everyone == 0:
        raise ValueError("The districts have no population to split by.")
    units = total // unit
    exact_units = {key: Fraction(units * people, everyone) for key, people in populations.items()}
    amounts = {key: int(share) for key, share in exact_units.items()}  # floor: shares are >= 0
    left = units - sum(amounts.values())
    by_remainder = sorted(
        populations,
        key=lambda key: (-(exact_units[key] - amounts[key]), -populations[key], key),
    )
    for key in by_remainder[:left]:
        amounts[key] += 1
    return [
        Share(
            key=key,
            population=populations[key],
            exact=exact_units[key] * unit,
            amount=amounts[key] * unit,
        )
        for key in populations
    ]
