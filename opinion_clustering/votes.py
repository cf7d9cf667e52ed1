"""The vote matrix: one row per participant, one column per statement, latest vote wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

AGREE = 1
DISAGREE = -1
PASS = 0

# Polis' math codes agree as -1 and disagree as +1, the reverse of its CSV exports and of the
# `VoteEvent.vote` convention used everywhere outside this package's arithmetic.
INTERNAL_SIGN = -1.0

FloatMatrix = NDArray[np.float64]


class VoteEvent(NamedTuple):
    # A tuple rather than a dataclass so that a list of events converts to an array in one C call.
    participant_id: int
    statement_id: int
    vote: int  # +1 agree, -1 disagree, 0 pass (export convention)
    timestamp: int = 0


@dataclass
class VoteMatrix:
    """Latest votes in Polis' internal sign; NaN where a participant has not voted.

    `from_events` orders rows and columns by id; `record` appends unseen ids at the end. The order
    here is only storage: analyze() always works in id order (see conversation._canonical_order).
    """

    participant_ids: list[int] = field(default_factory=list)
    statement_ids: list[int] = field(default_factory=list)
    values: FloatMatrix = field(default_factory=lambda: np.full((0, 0), np.nan))
    _participant_index: dict[int, int] = field(default_factory=dict, repr=False)
    _statement_index: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._participant_index = {pid: row for row, pid in enumerate(self.participant_ids)}
        self._statement_index = {tid: col for col, tid in enumerate(self.statement_ids)}
        if self.values.shape != (len(self.participant_ids), len(self.statement_ids)):
            raise ValueError(
                "values must have one row per participant and one column per statement"
            )

    @classmethod
    def from_events(cls, events: Iterable[VoteEvent]) -> VoteMatrix:
        table = _event_table(events)
        participants, rows = _distinct_with_positions(table[0])
        statements, columns = _distinct_with_positions(table[1])
        matrix = cls(
            participants.tolist(),
            statements.tolist(),
            np.full((len(participants), len(statements)), np.nan),
        )
        votes = table[2]
        timestamps = table[3]
        # Exports and database queries usually arrive in time order already; skip the sort then.
        if len(timestamps) > 1 and np.any(timestamps[1:] < timestamps[:-1]):
            # A stable sort keeps input order among equal timestamps: the later line wins a tie.
            by_time = np.argsort(timestamps, kind="stable")
            rows, columns, votes = rows[by_time], columns[by_time], votes[by_time]
        matrix._write_latest(rows, columns, votes)
        return matrix

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)

    def participant_row(self, participant_id: int) -> int:
        return self._participant_index[participant_id]

    def statement_column(self, statement_id: int) -> int:
        return self._statement_index[statement_id]

    def record(self, events: Iterable[VoteEvent]) -> None:
        """Apply events in order (a later vote overwrites an earlier one), growing as needed."""
        table = _event_table(events)
        rows = self._indices(table[0], self.participant_ids, self._participant_index)
        columns = self._indices(table[1], self.statement_ids, self._statement_index)
        n_rows, n_columns = len(self.participant_ids), len(self.statement_ids)
        if self.values.shape != (n_rows, n_columns):
            grown = np.full((n_rows, n_columns), np.nan)
            old_rows, old_columns = self.values.shape
            grown[:old_rows, :old_columns] = self.values
            self.values = grown
        self._write_latest(rows, columns, table[2])

    def _write_latest(
        self, rows: NDArray[np.intp], columns: NDArray[np.intp], votes: NDArray[np.int64]
    ) -> None:
        if len(votes) and np.abs(votes).max() > 1:
            raise ValueError(f"vote must be -1, 0 or 1, got {sorted(set(votes.tolist()))}")
        if not len(votes):
            return
        cells = rows * self.values.shape[1] + columns
        if self.values.size <= 16 * len(votes) + 65_536:
            # Many votes for the matrix size (a full load): the last position per cell by a
            # linear scatter-max beats sorting all events.
            last_position = np.full(self.values.size, -1, dtype=np.int64)
            np.maximum.at(last_position, cells, np.arange(len(cells), dtype=np.int64))
            latest = last_position[last_position >= 0]
        else:
            # A small batch: the last occurrence is the first one in the reversed sequence.
            _, first_reversed = np.unique(cells[::-1], return_index=True)
            latest = len(cells) - 1 - first_reversed
        self.values.flat[cells[latest]] = INTERNAL_SIGN * votes[latest]

    @staticmethod
    def _indices(
        ids: NDArray[np.int64], known: list[int], index: dict[int, int]
    ) -> NDArray[np.intp]:
        """Position of each id, appending unseen ids in order of first appearance."""
        unique, first_seen, inverse = np.unique(ids, return_index=True, return_inverse=True)
        positions = np.empty(len(unique), dtype=np.intp)
        for slot in np.argsort(first_seen, kind="stable").tolist():
            identifier = int(unique[slot])
            position = index.get(identifier)
            if position is None:
                position = len(known)
                index[identifier] = position
                known.append(identifier)
            positions[slot] = position
        return positions[inverse.reshape(-1)]

    def copy(self) -> VoteMatrix:
        return VoteMatrix(list(self.participant_ids), list(self.statement_ids), self.values.copy())

    def vote_counts(self) -> NDArray[np.int64]:
        return np.asarray((~np.isnan(self.values)).sum(axis=1), dtype=np.int64)

    def export_vote(self, participant_id: int, statement_id: int) -> int | None:
        value = self.values[
            self.participant_row(participant_id), self.statement_column(statement_id)
        ]
        return None if np.isnan(value) else int(INTERNAL_SIGN * value)


def _distinct_with_positions(
    ids: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
    """Sorted distinct ids and each id's position among them (np.unique with return_inverse)."""
    if len(ids) and ids.min() >= 0 and ids.max() < 4 * len(ids) + 1024:
        # Database ids are small and dense: counting is linear where sorting is not.
        present = np.bincount(ids) > 0
        positions = np.cumsum(present) - 1
        return np.flatnonzero(present).astype(np.int64), positions[ids].astype(np.intp)
    distinct, inverse = np.unique(ids, return_inverse=True)
    return distinct, inverse.reshape(-1).astype(np.intp)


def _event_table(events: Iterable[VoteEvent]) -> NDArray[np.int64]:
    """Four contiguous rows: participants, statements, votes, timestamps."""
    listed = list(events)
    # Flattening the tuples lets fromiter fill the array without a Python object per row;
    # transposing to contiguous rows makes the sorts that follow several times faster.
    flat = np.fromiter(chain.from_iterable(listed), np.int64, 4 * len(listed))
    return np.ascontiguousarray(flat.reshape(-1, 4).T)
