"""Synthetic conversations for tests: planted opinion blocs with noise and missing votes."""

from __future__ import annotations

import numpy as np

from opinion_clustering.votes import VoteEvent


def planted_blocs(
    bloc_sizes: tuple[int, ...],
    n_statements: int,
    *,
    seed: int = 0,
    flip_rate: float = 0.05,
    missing_rate: float = 0.2,
    opposed_fraction: float = 0.5,
) -> tuple[list[VoteEvent], dict[int, int]]:
    """Each bloc agrees with its own random stance vector; returns votes and participant -> bloc."""
    rng = np.random.default_rng(seed)
    stances = rng.choice([-1, 1], size=(len(bloc_sizes), n_statements))
    # Later blocs oppose the first on a leading share of statements so that they are distinct.
    opposed = round(n_statements * opposed_fraction)
    for bloc in range(1, len(bloc_sizes)):
        stances[bloc, :opposed] = -stances[0, :opposed]
    events: list[VoteEvent] = []
    truth: dict[int, int] = {}
    participant = 0
    timestamp = 0
    for bloc, size in enumerate(bloc_sizes):
        for _ in range(size):
            truth[participant] = bloc
            for statement in range(n_statements):
                if rng.random() < missing_rate:
                    continue
                vote = int(stances[bloc, statement])
                if rng.random() < flip_rate:
                    vote = -vote
                timestamp += 1
                events.append(VoteEvent(participant, statement, vote, timestamp))
            participant += 1
    return events, truth
