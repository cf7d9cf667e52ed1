"""One recomputation of a conversation, from the vote matrix and the state of the last one.

Follows polismath.math.conversation's small-conversation update graph. The caller stores the
returned `ClusteringState` and passes it back next time: that is what keeps participants in the
conversation once they are in, warm-starts the clusterings, and smooths the number of groups.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from opinion_clustering.clustering import Cluster, distance_matrix, kmeans, silhouette
from opinion_clustering.pca import (
    PrincipalComponents,
    fit_and_project,
    statement_extremity,
)
from opinion_clustering.statistics import (
    CommonGround,
    Consensus,
    RepresentativeStatement,
    VoteTallies,
    common_ground,
    group_informed_consensus,
    majority_consensus,
    representative_statements,
    routing_priorities,
    tally,
    with_zeroed_columns,
)
from opinion_clustering.votes import FloatMatrix, VoteMatrix


@dataclass(frozen=True)
class ClusteringOptions:
    base_k: int = 100
    max_k: int = 5
    base_iterations: int = 100
    # Polis passes its group iteration count under a keyword its k-means ignores: 20 applies.
    group_iterations: int = 20
    k_buffer: int = 4
    min_votes: int = 7
    greedy_participants: int = 15
    forced_k: int | None = None


@dataclass(frozen=True)
class KSmoother:
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True)
class ClusteringState:
    in_conversation: frozenset[int] = frozenset()
    component_statement_ids: tuple[int, ...] = ()
    components: tuple[tuple[float, ...], ...] = ()
    base_clusters: tuple[Cluster, ...] = ()
    group_clusterings: tuple[tuple[int, tuple[Cluster, ...]], ...] = ()  # (k, clusters) pairs
    k_smoother: KSmoother = field(default_factory=KSmoother)

    def clustering_for(self, k: int) -> tuple[Cluster, ...] | None:
        return dict(self.group_clusterings).get(k)

    def to_json(self) -> dict[str, Any]:
        return {
            "in_conversation": sorted(self.in_conversation),
            "component_statement_ids": list(self.component_statement_ids),
            "components": [list(c) for c in self.components],
            "base_clusters": [_cluster_to_json(c) for c in self.base_clusters],
            "group_clusterings": {
                str(k): [_cluster_to_json(c) for c in clusters]
                for k, clusters in self.group_clusterings
            },
            "k_smoother": {
                "last_k": self.k_smoother.last_k,
                "last_k_count": self.k_smoother.last_k_count,
                "smoothed_k": self.k_smoother.smoothed_k,
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClusteringState:
        smoother = data.get("k_smoother", {})
        return cls(
            in_conversation=frozenset(int(p) for p in data.get("in_conversation", ())),
            component_statement_ids=tuple(int(t) for t in data.get("component_statement_ids", ())),
            components=tuple(tuple(float(x) for x in c) for c in data.get("components", ())),
            base_clusters=tuple(_cluster_from_json(c) for c in data.get("base_clusters", ())),
            group_clusterings=tuple(
                sorted(
                    (int(k), tuple(_cluster_from_json(c) for c in clusters))
                    for k, clusters in data.get("group_clusterings", {}).items()
                )
            ),
            k_smoother=KSmoother(
                last_k=smoother.get("last_k"),
                last_k_count=int(smoother.get("last_k_count", 0)),
                smoothed_k=smoother.get("smoothed_k"),
            ),
        )


def _cluster_to_json(cluster: Cluster) -> dict[str, Any]:
    return {"id": cluster.id, "members": list(cluster.members), "center": list(cluster.center)}


def _cluster_from_json(data: Mapping[str, Any]) -> Cluster:
    return Cluster(
        id=int(data["id"]),
        members=tuple(int(m) for m in data["members"]),
        center=tuple(float(x) for x in data["center"]),
    )


@dataclass(frozen=True)
class Analysis:
    participant_ids: tuple[int, ...]
    statement_ids: tuple[int, ...]
    projections: FloatMatrix  # (participants, 2), every participant including those not clustered
    pca: PrincipalComponents
    in_conversation: frozenset[int]
    base_clusters: tuple[Cluster, ...]
    group_clusters: tuple[Cluster, ...]  # members are base cluster ids
    k: int | None
    silhouettes: dict[int, float]
    groups: dict[int, int]  # participant id -> group id, clustered participants only
    group_tallies: VoteTallies  # rows follow group_ids
    group_ids: tuple[int, ...]
    repness: dict[int, tuple[RepresentativeStatement, ...]]
    consensus: Consensus  # Polis' majority of everyone, whatever the groups think
    common_ground: CommonGround  # what every group agrees (or disagrees) with
    group_informed_consensus: dict[int, float]
    statement_extremity: dict[int, float]
    priorities: dict[int, float]
    state: ClusteringState


def analyze(
    matrix: VoteMatrix,
    *,
    moderated_out: Collection[int] = frozenset(),
    meta: Collection[int] = frozenset(),
    state: ClusteringState | None = None,
    options: ClusteringOptions | None = None,
    unvoted_statements: Collection[int] = frozenset(),
) -> Analysis:
    """Recompute everything from the current votes; deterministic given (matrix, state, options).

    `unvoted_statements` only receive a routing priority: as in Polis, the math itself sees a
    statement once it has a vote, so that it does not change the sparsity scaling before then.
    """
    options = options or ClusteringOptions()
    state = state or ClusteringState()
    participant_ids, statement_ids, raw = _canonical_order(matrix)
    zeroed_ids = set(moderated_out) | set(meta)
    rating = _zero_columns(raw, statement_ids, zeroed_ids)

    vote_counts = np.asarray((~np.isnan(raw)).sum(axis=1), dtype=np.int64)
    in_conversation = _in_conversation(
        participant_ids, vote_counts, len(statement_ids), state, options
    )

    start = _previous_components(state, statement_ids)
    pca, projections = fit_and_project(rating, start=start)

    in_rows = np.array(
        [row for row, pid in enumerate(participant_ids) if pid in in_conversation], dtype=np.intp
    )
    base_clusters = tuple(
        kmeans(
            projections[in_rows],
            [participant_ids[row] for row in in_rows],
            options.base_k,
            previous=state.base_clusters or None,
            max_iterations=options.base_iterations,
        )
    )
    clusterings, silhouettes = _group_clusterings(base_clusters, state, options)
    if options.forced_k is not None:
        # A forced k says nothing about which k the data prefers: the smoother stays as it was.
        smoother = state.k_smoother
        k: int | None = options.forced_k
    else:
        smoother = _smooth_k(state.k_smoother, silhouettes, options.k_buffer)
        k = smoother.smoothed_k
        if k is not None and k not in clusterings:
            k = smoother.last_k
    group_clusters = clusterings.get(k, ()) if k is not None else ()

    members_of_base = {cluster.id: cluster.members for cluster in base_clusters}
    groups = {
        participant: group.id
        for group in group_clusters
        for base_id in group.members
        for participant in members_of_base[base_id]
    }
    group_ids = tuple(group.id for group in group_clusters)
    row_of = {pid: row for row, pid in enumerate(participant_ids)}
    membership = np.zeros((len(group_ids), len(participant_ids)), dtype=bool)
    for participant, group_id in groups.items():
        membership[group_ids.index(group_id), row_of[participant]] = True

    # Group counts for consensus and routing come from the raw votes; repness and majority
    # consensus use the zeroed matrix and then drop the zeroed statements, as Polis does.
    group_tallies = tally(raw, membership)
    zeroed_columns = np.array([tid in zeroed_ids for tid in statement_ids], dtype=bool)
    zeroed_tallies = with_zeroed_columns(group_tallies, zeroed_columns, membership.sum(axis=1))
    everyone_tallies = with_zeroed_columns(
        tally(raw, np.ones((1, len(participant_ids)), dtype=bool)),
        zeroed_columns,
        np.array([len(participant_ids)]),
    )
    extremity = statement_extremity(pca)
    meta_ids = set(meta)
    is_meta = np.array([tid in meta_ids for tid in statement_ids], dtype=bool)
    consensus_values = group_informed_consensus(group_tallies)
    priorities = routing_priorities(group_tallies, extremity, is_meta)

    new_state = ClusteringState(
        in_conversation=frozenset(in_conversation),
        component_statement_ids=statement_ids,
        components=tuple(tuple(float(x) for x in axis) for axis in pca.components),
        base_clusters=base_clusters,
        group_clusterings=tuple(sorted(clusterings.items())),
        k_smoother=smoother,
    )
    return Analysis(
        participant_ids=participant_ids,
        statement_ids=statement_ids,
        projections=projections,
        pca=pca,
        in_conversation=frozenset(in_conversation),
        base_clusters=base_clusters,
        group_clusters=tuple(group_clusters),
        k=len(group_clusters) or None,
        silhouettes=silhouettes,
        groups=groups,
        group_tallies=group_tallies,
        group_ids=group_ids,
        repness=representative_statements(zeroed_tallies, group_ids, statement_ids, zeroed_ids)
        if group_ids
        else {},
        consensus=majority_consensus(everyone_tallies, statement_ids, zeroed_ids),
        common_ground=common_ground(group_tallies, group_ids, statement_ids, zeroed_ids),
        group_informed_consensus=_by_statement(statement_ids, consensus_values)
        if group_ids
        else {},
        statement_extremity=_by_statement(statement_ids, extremity),
        priorities=_by_statement(statement_ids, priorities)
        | _unvoted_priorities(set(unvoted_statements) - set(statement_ids), meta_ids),
        state=new_state,
    )


def _canonical_order(matrix: VoteMatrix) -> tuple[tuple[int, ...], tuple[int, ...], FloatMatrix]:
    """Rows by participant id, columns by statement id.

    k-means starts from the first distinct rows, so row order decides the groups at the margin.
    Participant ids count up as people join, in Polis and in Quartier alike, so id order is join
    order; it is also what makes the result independent of how the caller assembled the matrix.
    """
    rows = np.argsort(np.asarray(matrix.participant_ids, dtype=np.int64), kind="stable")
    columns = np.argsort(np.asarray(matrix.statement_ids, dtype=np.int64), kind="stable")
    values = matrix.values
    if np.any(rows != np.arange(len(rows))):
        values = values[rows]
    if np.any(columns != np.arange(len(columns))):
        values = values[:, columns]
    return (
        tuple(matrix.participant_ids[i] for i in rows),
        tuple(matrix.statement_ids[i] for i in columns),
        values,
    )


def _unvoted_priorities(statement_ids: set[int], meta_ids: set[int]) -> dict[int, float]:
    ordered = sorted(statement_ids)
    nothing = np.zeros((1, len(ordered)), dtype=np.int64)
    priorities = routing_priorities(
        VoteTallies(agree=nothing, disagree=nothing, seen=nothing),
        np.zeros(len(ordered)),
        np.array([tid in meta_ids for tid in ordered], dtype=bool),
    )
    return _by_statement(tuple(ordered), priorities)


def _by_statement(statement_ids: tuple[int, ...], values: NDArray[np.float64]) -> dict[int, float]:
    return dict(zip(statement_ids, values.tolist(), strict=True))


def _zero_columns(
    raw: FloatMatrix, statement_ids: tuple[int, ...], zeroed_ids: Collection[int]
) -> FloatMatrix:
    """Moderated-out and meta statements become a 0 for everyone, so they count as voted."""
    columns = [col for col, tid in enumerate(statement_ids) if tid in zeroed_ids]
    if not columns:
        return raw
    rating = raw.copy()
    rating[:, columns] = 0.0
    return rating


def _in_conversation(
    participant_ids: tuple[int, ...],
    vote_counts: NDArray[np.int64],
    n_statements: int,
    state: ClusteringState,
    options: ClusteringOptions,
) -> set[int]:
    votes_needed = min(options.min_votes, n_statements)
    members = set(state.in_conversation) & set(participant_ids)
    members |= {
        pid
        for pid, count in zip(participant_ids, vote_counts.tolist(), strict=True)
        if count >= votes_needed and count > 0
    }
    shortfall = options.greedy_participants - len(members)
    if shortfall > 0:
        # Stable sort: among equal counts the earlier participant wins, reproducibly.
        candidates = sorted(
            (row for row, pid in enumerate(participant_ids) if pid not in members),
            key=lambda row: -vote_counts[row],
        )
        members |= {participant_ids[row] for row in candidates[:shortfall] if vote_counts[row] > 0}
    return members


def _previous_components(
    state: ClusteringState, statement_ids: tuple[int, ...]
) -> FloatMatrix | None:
    if not state.components:
        return None
    previous = np.asarray(state.components, dtype=np.float64)
    column_of = {tid: col for col, tid in enumerate(state.component_statement_ids)}
    start = np.zeros((previous.shape[0], len(statement_ids)))
    for col, tid in enumerate(statement_ids):
        old = column_of.get(tid)
        if old is not None:
            start[:, col] = previous[:, old]
    return start


def _group_clusterings(
    base_clusters: tuple[Cluster, ...], state: ClusteringState, options: ClusteringOptions
) -> tuple[dict[int, tuple[Cluster, ...]], dict[int, float]]:
    if len(base_clusters) < 2:
        return {}, {}
    centers = np.array([cluster.center for cluster in base_clusters])
    base_ids = [cluster.id for cluster in base_clusters]
    weights = np.array([len(cluster.members) for cluster in base_clusters], dtype=np.float64)
    max_k = min(options.max_k, 2 + len(base_clusters) // 12)
    # A forced k needs no competition; the other clusterings are left to warm-start cold later.
    ks = list(range(2, max_k + 1)) if options.forced_k is None else [options.forced_k]
    distances = distance_matrix(centers)
    index_of = {base_id: index for index, base_id in enumerate(base_ids)}
    clusterings: dict[int, tuple[Cluster, ...]] = {}
    silhouettes: dict[int, float] = {}
    for k in ks:
        clusters = tuple(
            kmeans(
                centers,
                base_ids,
                k,
                weights=weights,
                previous=state.clustering_for(k),
                max_iterations=options.group_iterations,
            )
        )
        labels = np.zeros(len(base_ids), dtype=np.intp)
        for label, cluster in enumerate(clusters):
            labels[[index_of[m] for m in cluster.members]] = label
        clusterings[k] = clusters
        # A k whose k-means lost clusters duplicates a smaller k; Polis would let it win a tie
        # and then show fewer groups than it claims, so it does not compete.
        if len(clusters) == k:
            silhouettes[k] = silhouette(distances, labels)
    return clusterings, silhouettes


def _smooth_k(previous: KSmoother, silhouettes: dict[int, float], buffer: int) -> KSmoother:
    """A new k is shown only after winning `buffer` consecutive updates, so groups don't flicker."""
    if not silhouettes:
        return previous
    best = max(silhouettes.values())
    # Polis' max-key returns the last of equal maxima, i.e. the larger k.
    this_k = max(k for k, value in silhouettes.items() if value == best)
    count = previous.last_k_count + 1 if previous.last_k == this_k else 1
    switch = count >= buffer or previous.smoothed_k is None
    smoothed = this_k if switch else previous.smoothed_k
    return KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)
