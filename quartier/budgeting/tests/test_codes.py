"""Voting codes: what a person types is caught before it is looked up, and stored only hashed."""

import itertools
from collections import Counter

import pytest

from quartier.budgeting import codes
from quartier.budgeting.codes import ALPHABET, CodeError


def test_the_check_table_is_a_quasigroup():
    # Every row and column a permutation: one changed symbol always changes the interim.
    for row in codes._DAMM:
        assert sorted(row) == list(range(32))
    for column in zip(*codes._DAMM, strict=True):
        assert sorted(column) == list(range(32))


def test_a_generated_code_is_valid_and_formatted_in_four_groups():
    code = next(codes.codes_generate(1))
    assert len(code) == 16 and set(code) <= set(ALPHABET)
    assert codes.normalise(code) == code
    printed = codes.formatted(code)
    assert printed.count("-") == 3 and printed.replace("-", "") == code


def test_every_single_mistyped_symbol_is_caught():
    for code in itertools.islice(codes.codes_generate(40), 40):
        for position, symbol in itertools.product(range(16), ALPHABET):
            if code[position] == symbol:
                continue
            typo = code[:position] + symbol + code[position + 1 :]
            with pytest.raises(CodeError) as caught:
                codes.normalise(typo)
            assert caught.value.reason == CodeError.CHECKSUM


def test_every_swap_of_two_neighbours_is_caught():
    for code in itertools.islice(codes.codes_generate(400), 400):
        for position in range(15):
            a, b = code[position], code[position + 1]
            if a == b:
                continue
            swapped = code[:position] + b + a + code[position + 2 :]
            with pytest.raises(CodeError):
                codes.normalise(swapped)


def test_confusable_letters_case_spaces_and_hyphens_are_forgiven():
    # Build a code that contains 0 and 1, then type it the way people do.
    data = "0123456789ABCDE"
    code = data + codes.check_symbol(data)
    typed = " o-I23 4567-89ab-cde" + code[-1].lower() + " "
    assert codes.normalise(typed) == code
    assert codes.normalise(typed.replace("I", "l")) == code


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", CodeError.EMPTY),
        (" - - ", CodeError.EMPTY),
        ("ABCD-EFGH", CodeError.LENGTH),
        ("ABCD-EFGH-JKMN-PQRST", CodeError.LENGTH),
        ("ABCD-EFGH-JKMN-PQR!", CodeError.SYMBOL),
        ("ABCD-EFGH-JKMN-PQRÜ", CodeError.SYMBOL),
        ("ABCD-EFGH-JKMN-PQRU", CodeError.SYMBOL),  # U is left out of the alphabet
    ],
)
def test_what_cannot_be_a_code_says_why(typed, reason):
    with pytest.raises(CodeError) as caught:
        codes.normalise(typed)
    assert caught.value.reason == reason


def test_codes_are_distinct_and_their_symbols_uniform():
    generated = list(codes.codes_generate(20_000))
    assert len(set(generated)) == 20_000
    counts = Counter(symbol for code in generated for symbol in code[:15])
    expected = 20_000 * 15 / 32
    # Chi-square with 31 degrees of freedom; 70 is far beyond the 99.99th percentile (~64).
    chi_square = sum((counts[s] - expected) ** 2 / expected for s in ALPHABET)
    assert chi_square < 70


def test_the_hash_depends_on_the_secret_and_not_on_how_the_code_was_typed():
    code = next(codes.codes_generate(1))
    first = codes.code_hash(codes.normalise(code.lower()), secret=b"one")
    assert first == codes.code_hash(codes.normalise(codes.formatted(code)), secret=b"one")
    assert first != codes.code_hash(code, secret=b"two")
    assert len(first) == 64 and code not in first


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        list(codes.codes_generate(-1))
    assert list(codes.codes_generate(0)) == []


def test_a_receipt_opens_its_own_ballot_and_no_other():
    receipt = codes.receipt_new()
    assert codes.normalise(receipt) == receipt
    tag = codes.change_tag(receipt, entry_id=7)
    assert codes.change_tag(receipt, entry_id=7) == tag
    assert codes.change_tag(receipt, entry_id=8) != tag
    assert codes.change_tag(codes.receipt_new(), entry_id=7) != tag
    assert codes.receipt_hash(receipt) != codes.receipt_hash(codes.receipt_new())
    assert len(codes.receipt_hash(receipt)) == 64
