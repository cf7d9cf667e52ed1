from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quartier.budgeting.allocation import split_by_population


def test_a_split_by_population_adds_up_and_shows_its_arithmetic():
    shares = split_by_population(1_000, {"A": 1, "B": 1, "C": 1})
    assert [s.amount for s in shares] == [334, 333, 333]
    assert all(s.exact == Fraction(1000, 3) for s in shares)
    assert sum(s.amount for s in shares) == 1_000


def test_rounding_to_a_unit_keeps_the_total():
    shares = split_by_population(
        1_000_000, {"Nord": 60_000, "Süd": 30_000, "West": 10_000}, unit=100
    )
    assert [s.amount for s in shares] == [600_000, 300_000, 100_000]
    shares = split_by_population(10_000, {"a": 2, "b": 2, "c": 2}, unit=1_000)
    assert sorted(s.amount for s in shares) == [3_000, 3_000, 4_000]
    assert sum(s.amount for s in shares) == 10_000


def test_ties_do_not_depend_on_the_order_of_the_districts():
    one = split_by_population(100, {"b": 1, "a": 1, "c": 1})
    other = split_by_population(100, {"c": 1, "a": 1, "b": 1})
    assert (
        {s.key: s.amount for s in one}
        == {s.key: s.amount for s in other}
        == {"a": 34, "b": 33, "c": 33}
    )


@pytest.mark.parametrize(
    ("total", "populations", "unit"),
    [
        (-1, {"a": 1}, 1),
        (100, {}, 1),
        (100, {"a": 0}, 1),
        (100, {"a": -1, "b": 5}, 1),
        (150, {"a": 1}, 100),
        (100, {"a": 1}, 0),
    ],
)
def test_what_cannot_be_split_is_refused(total, populations, unit):
    with pytest.raises(ValueError):
        split_by_population(total, populations, unit=unit)


@given(
    st.integers(0, 10**9),
    st.dictionaries(
        st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1, max_size=15
    ),
)
def test_largest_remainders_are_within_one_unit_of_the_exact_share(total, populations):
    if sum(populations.values()) == 0:
        return
    shares = split_by_population(total, populations)
    assert sum(s.amount for s in shares) == total
    for share in shares:
        assert abs(share.amount - share.exact) < 1
