"""The vote matrix: one row per participant, one column per statement, latest vote wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

AGREE = 1
DISAGREE = -1
PASS = 0

# Polis' math codes agree as -1 and disagree as +1, the reverse of its CSV exports and of the
# `VoteEvent.vote` convention used everywhere outside this package's arithmetic.
INTERNAL_SIGN = -1.0

FloatMatrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class VoteEvent:
    participant_id: int
    statement_id: int
    vote: int  # +1 agree, -1 disagree, 0 pass (export convention)
    timestamp: int = 0


@dataclass
class VoteMatrix:
    """Latest votes in Polis' internal sign; NaN where a participant has not voted.

    Rows and columns keep the order in which participants and statements first appeared, because
    k-means is initialised from the first distinct rows and that order must be reproducible.
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
        matrix = cls()
        # A stable sort keeps file order among equal timestamps, so the last row written wins ties.
        matrix.record(sorted(events, key=lambda event: event.timestamp))
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
        latest: dict[tuple[int, int], float] = {}
        for event in events:
            if event.vote not in (AGREE, DISAGREE, PASS):
                raise ValueError(f"vote must be -1, 0 or 1, got {event.vote!r}")
            row = self._participant_index.get(event.participant_id)
            if row is None:
                row = len(self.participant_ids)
                self._participant_index[event.participant_id] = row
                self.participant_ids.append(event.participant_id)
            column = self._statement_index.get(event.statement_id)
            if column is None:
                column = len(self.statement_ids)
                self._statement_index[event.statement_id] = column
                self.statement_ids.append(event.statement_id)
            latest[row, column] = INTERNAL_SIGN * event.vote
        n_rows, n_columns = len(self.participant_ids), len(self.statement_ids)
        if self.values.shape != (n_rows, n_columns):
            grown = np.full((n_rows, n_columns), np.nan)
            old_rows, old_columns = self.values.shape
            grown[:old_rows, :old_columns] = self.values
            self.values = grown
        if latest:
            # numpy leaves the winner among repeated fancy indices unspecified, hence the dict.
            cells = np.asarray(list(latest.keys()), dtype=np.intp)
            self.values[cells[:, 0], cells[:, 1]] = np.fromiter(latest.values(), dtype=np.float64)

    def copy(self) -> VoteMatrix:
        return VoteMatrix(list(self.participant_ids), list(self.statement_ids), self.values.copy())

    def vote_counts(self) -> NDArray[np.int64]:
        return np.asarray((~np.isnan(self.values)).sum(axis=1), dtype=np.int64)

    def export_vote(self, participant_id: int, statement_id: int) -> int | None:
        value = self.values[
            self.participant_row(participant_id), self.statement_column(statement_id)
        ]
        return None if np.isnan(value) else int(INTERNAL_SIGN * value)
