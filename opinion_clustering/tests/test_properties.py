import random

from hypothesis import given, settings
from hypothesis import strategies as st

from opinion_clustering import VoteMatrix, analyze
from opinion_clustering.comparison import adjusted_rand_index
from opinion_clustering.tests.factories import planted_blocs

# Derandomised so that CI runs the same examples every time; explore locally with more.
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)


def _partition(groups: dict[int, int]) -> set[frozenset[int]]:
    members: dict[int, set[int]] = {}
    for participant, group in groups.items():
        members.setdefault(group, set()).add(participant)
    return {frozenset(m) for m in members.values()}


@SETTINGS
@given(
    sizes=st.tuples(st.integers(5, 30), st.integers(5, 30), st.integers(0, 20)),
    n_statements=st.integers(5, 25),
    seed=st.integers(0, 10_000),
    shuffle_seed=st.integers(0, 10_000),
)
def test_participant_and_statement_order_does_not_change_groups(
    sizes: tuple[int, int, int], n_statements: int, seed: int, shuffle_seed: int
) -> None:
    events, _ = planted_blocs(sizes, n_statements, seed=seed, flip_rate=0.2, missing_rate=0.3)
    reference = analyze(VoteMatrix.from_events(events))
    shuffled = list(events)
    random.Random(shuffle_seed).shuffle(shuffled)
    # Recording in shuffled order changes both row and column order of the matrix.
    matrix = VoteMatrix()
    matrix.record(shuffled)
    latest = VoteMatrix.from_events(events)
    assert sorted(matrix.participant_ids) == sorted(latest.participant_ids)
    assert _partition(analyze(matrix).groups) == _partition(reference.groups)


@SETTINGS
@given(
    sizes=st.tuples(st.integers(10, 60), st.integers(10, 60)),
    n_statements=st.integers(20, 40),
    seed=st.integers(0, 10_000),
    flip_rate=st.floats(0.0, 0.05),
    # More missing votes spread a bloc radially (the sparsity scaling pushes light voters out),
    # and Polis' silhouette may then rightly prefer a third group: that is not a planted split.
    missing_rate=st.floats(0.0, 0.15),
)
def test_two_planted_blocs_are_found_exactly(
    sizes: tuple[int, int], n_statements: int, seed: int, flip_rate: float, missing_rate: float
) -> None:
    events, truth = planted_blocs(
        sizes,
        n_statements,
        seed=seed,
        flip_rate=flip_rate,
        missing_rate=missing_rate,
        opposed_fraction=1.0,
    )
    matrix = VoteMatrix.from_events(events)
    analysis = analyze(matrix)
    assert analysis.k == 2
    active = {
        pid
        for pid, count in zip(matrix.participant_ids, matrix.vote_counts(), strict=True)
        if count >= min(7, n_statements)
    }
    assert active <= set(analysis.groups)
    participants = sorted(analysis.groups)
    assert (
        adjusted_rand_index(
            [truth[p] for p in participants], [analysis.groups[p] for p in participants]
        )
        == 1.0
    )
