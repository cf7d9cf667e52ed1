"""How closely two groupings of the same participants agree."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Hubert and Arabie's adjusted Rand index: 1 for identical partitions up to labels."""
    if len(first) != len(second):
        raise ValueError("both labelings must cover the same participants")
    n = len(first)
    if n < 2:
        return 1.0
    _, first_codes = np.unique(np.asarray(first, dtype=object).astype(str), return_inverse=True)
    _, second_codes = np.unique(np.asarray(second, dtype=object).astype(str), return_inverse=True)
    table = np.zeros((first_codes.max() + 1, second_codes.max() + 1))
    np.add.at(table, (first_codes, second_codes), 1)

    def pairs(counts: NDArray[np.float64]) -> float:
        return float((counts * (counts - 1) / 2).sum())

    index = pairs(table)
    rows, columns = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * columns / (n * (n - 1) / 2)
    maximum = (rows + columns) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)
