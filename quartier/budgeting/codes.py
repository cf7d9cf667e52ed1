"""Voting codes for the prize-money vote: printed in a letter, typed in by hand, stored as hashes.

Plain Python (no Django): the service layer passes the server secret in.

* **Alphabet.** Crockford's base 32: digits and capitals without I, L, O and U. On input, I and L
  are read as 1 and O as 0, lower case as upper case, and spaces and hyphens are ignored, so the
  letters people confuse on paper decode to the same code.
* **Entropy.** 15 random symbols, 75 bits. The codes are stored only as HMAC-SHA256 under a
  server secret; with 75 bits even someone who stole the database *and* the secret would need
  about 2^75 / n guesses per code found, so a fast keyed hash is enough. (A slow password hash per
  code is what made meinBerlin's generation take "up to a day", a4-meinberlin #4866.)
* **Check symbol.** A 16th symbol by Damm's algorithm over the quasigroup x∘y = 2·x + y in
  GF(32). It catches every single mistyped symbol and every swap of two neighbours, the two
  commonest typing errors, before the code is looked up (and counted against a rate limit).

Printed as four groups of four: ``7K3M-Q9TX-WB2D-E5HR``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_SYMBOLS = 15
CODE_SYMBOLS = DATA_SYMBOLS + 1
GROUP = 4

_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Letters that people read for others on paper; see Crockford's base 32.
_VALUE.update({"I": 1, "L": 1, "O": 0})


def _gf32_double(x: int) -> int:
    # Multiplication by the field element 2 in GF(2^5) with the primitive polynomial x^5+x^2+1.
    x <<= 1
    return x ^ 0b100101 if x & 0b100000 else x


# x∘y = 2x + y: a quasigroup (rows and columns are permutations), and weakly totally
# anti-symmetric because (c∘x)∘y = (c∘y)∘x implies (2+1)(x−y) = 0, so x = y.
_DAMM = [[_gf32_double(x) ^ y for y in range(32)] for x in range(32)]
# The check symbol c closes the chain: interim∘c = 0, i.e. c = 2·interim (in characteristic 2).
_CHECK_FOR = [_gf32_double(x) for x in range(32)]


class CodeError(ValueError):
    """A typed code that cannot be a voting code; ``reason`` is one of the constants below."""

    EMPTY = "empty"
    LENGTH = "length"
    SYMBOL = "symbol"
    CHECKSUM = "checksum"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _interim(values: list[int]) -> int:
    interim = 0
    for value in values:
        interim = _DAMM[interim][value]
    return interim


def check_symbol(data: str) -> str:
    """The check symbol for 15 data symbols (already normalised)."""
    return ALPHABET[_CHECK_FOR[_interim([_VALUE[symbol] for symbol in data])]]


def normalise(typed: str) -> str:
    """The canonical 16 symbols of a typed code, or ``CodeError`` saying what is wrong."""
    compact = "".join(typed.split()).replace("-", "").upper()
    if not compact:
        raise CodeError(CodeError.EMPTY)
    if len(compact) != CODE_SYMBOLS:
        raise CodeError(CodeError.LENGTH)
    try:
        values = [_VALUE[symbol] for symbol in compact]
    except KeyError:
        raise CodeError(CodeError.SYMBOL) from None
    if _interim(values) != 0:
        raise CodeError(CodeError.CHECKSUM)
    return "".join(ALPHABET[value] for value in values)


def formatted(code: str) -> str:
    """``7K3MQ9TXWB2DE5HR`` → ``7K3M-Q9TX-WB2D-E5HR``, as printed."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_hash(code: str, *, secret: bytes) -> str:
    """The keyed hash stored instead of the code (hex, 64 characters)."""
    return hmac.new(secret, code.encode("ascii"), hashlib.sha256).hexdigest()


def codes_generate(count: int) -> Iterator[str]:
    """``count`` distinct new codes (normalised, without hyphens)."""
    if count < 0:
        raise ValueError("count must not be negative")
    seen: set[str] = set()
    while len(seen) < count:
        # One byte per symbol: 256 is a multiple of 32, so ``byte & 31`` is uniform.
        batch = secrets.token_bytes(DATA_SYMBOLS * min(count - len(seen), 65_536))
        for start in range(0, len(batch), DATA_SYMBOLS):
            data = "".join(ALPHABET[b & 31] for b in batch[start : start + DATA_SYMBOLS])
            code = data + check_symbol(data)
            # 75 bits make a repeat astronomically rare; it is still never handed out twice.
            if code not in seen:
                seen.add(code)
                yield code


# --- Receipts: the voter's own key to their ballot -------------------------------------------


def receipt_new() -> str:
    """A receipt for a cast ballot: a code of the same form, shown to the voter once."""
    return next(codes_generate(1))


def receipt_hash(receipt: str) -> str:
    """Published beside the ballot in the .pb file: anyone can compute it from the receipt."""
    return hashlib.sha256(receipt.encode("ascii")).hexdigest()


def change_tag(receipt: str, *, entry_id: int) -> str:
    """Binds a ballot to a register entry through the receipt alone (ADR 0005).

    The server stores this tag on the ballot; with the receipt it can check that a ballot
    belongs to the entry asking to change it, and without it the tag reveals nothing."""
    return hmac.new(
        receipt.encode("ascii"), str(entry_id).encode("ascii"), hashlib.sha256
    ).hexdigest()
