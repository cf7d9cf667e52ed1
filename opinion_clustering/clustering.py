"""Polis' k-means: first-distinct-rows start, warm start from the last update, silhouette."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from opinion_clustering.votes import FloatMatrix

CONVERGENCE_DISTANCE = 0.01


@dataclass(frozen=True)
class Cluster:
    id: int
    members: tuple[int, ...]
    center: tuple[float, ...]


@dataclass
class _Partition:
    """Working form: cluster ids, their centres, and each point's cluster index (-1 for none)."""

    ids: list[int]
    centers: FloatMatrix
    labels: NDArray[np.intp]


def kmeans(
    points: FloatMatrix,
    member_ids: Sequence[int],
    k: int,
    *,
    weights: NDArray[np.float64] | None = None,
    previous: Sequence[Cluster] | None = None,
    max_iterations: int = 20,
) -> list[Cluster]:
    """Clusters sorted by id. Empty clusters disappear, so fewer than k may come back."""
    if len(member_ids) == 0:
        return []
    point_weights = np.ones(len(member_ids)) if weights is None else np.asarray(weights, float)
    if previous:
        partition = _clean_start(points, member_ids, previous, k, point_weights)
    else:
        partition = _first_distinct_rows(points, k)
    iterations_left = max_iterations
    while True:
        stepped = _assign_and_recenter(points, point_weights, partition)
        if iterations_left == 0 or _same_centers(partition.centers, stepped.centers):
            partition = stepped
            break
        partition = stepped
        iterations_left -= 1
    return _to_clusters(partition, member_ids)


def _first_distinct_rows(points: FloatMatrix, k: int) -> _Partition:
    _, first_rows = np.unique(points, axis=0, return_index=True)
    chosen = np.sort(first_rows)[:k]
    return _Partition(
        ids=list(range(len(chosen))),
        centers=points[chosen].copy(),
        labels=np.full(len(points), -1, dtype=np.intp),
    )


def _nearest(points: FloatMatrix, centers: FloatMatrix) -> tuple[NDArray[np.intp], FloatMatrix]:
    # Summing per dimension, in place, avoids a (points, centres, dimensions) temporary: this is
    # the innermost loop of every k-means step, and d is 2 here.
    squared = np.subtract.outer(points[:, 0], centers[:, 0])
    np.multiply(squared, squared, out=squared)
    for dimension in range(1, points.shape[1]):
        difference = np.subtract.outer(points[:, dimension], centers[:, dimension])
        np.multiply(difference, difference, out=difference)
        squared += difference
    nearest = np.argmin(squared, axis=1)
    return nearest, np.sqrt(squared[np.arange(len(points)), nearest])


def _weighted_centers(
    points: FloatMatrix, weights: NDArray[np.float64], labels: NDArray[np.intp], n_clusters: int
) -> tuple[FloatMatrix, NDArray[np.intp]]:
    """Weighted mean per cluster index, and how many points each holds (unassigned ignored)."""
    if labels.size and labels.min() < 0:
        assigned = labels >= 0
        points, weights, labels = points[assigned], weights[assigned], labels[assigned]
    counts = np.bincount(labels, minlength=n_clusters)
    totals = np.bincount(labels, weights=weights, minlength=n_clusters)
    weighted = points * weights[:, None]
    centers = np.empty((n_clusters, points.shape[1]))
    for dimension in range(points.shape[1]):
        centers[:, dimension] = np.bincount(
            labels, weights=weighted[:, dimension], minlength=n_clusters
        )
    occupied = totals > 0
    centers[occupied] /= totals[occupied, None]
    centers[~occupied] = 0.0
    return centers, counts


def _assign_and_recenter(
    points: FloatMatrix, weights: NDArray[np.float64], partition: _Partition
) -> _Partition:
    labels, _ = _nearest(points, partition.centers)
    centers, counts = _weighted_centers(points, weights, labels, len(partition.ids))
    kept = np.flatnonzero(counts > 0)
    relabel = np.full(len(partition.ids), -1, dtype=np.intp)
    relabel[kept] = np.arange(len(kept))
    return _Partition([partition.ids[i] for i in kept], centers[kept], relabel[labels])


def _same_centers(before: FloatMatrix, after: FloatMatrix) -> bool:
    """Polis compares the two lists of centres sorted lexicographically, pairwise."""
    ordered_before = before[np.lexsort(before.T[::-1])]
    ordered_after = after[np.lexsort(after.T[::-1])]
    paired = min(len(ordered_before), len(ordered_after))
    moves = np.linalg.norm(ordered_before[:paired] - ordered_after[:paired], axis=1)
    return bool(np.all(moves < CONVERGENCE_DISTANCE))


def _clean_start(
    points: FloatMatrix,
    member_ids: Sequence[int],
    previous: Sequence[Cluster],
    k: int,
    weights: NDArray[np.float64],
) -> _Partition:
    """Polis' clean-start-clusters: keep the last clusters' identities and split off outliers.

    Keeping ids and memberships stable between updates is what keeps a group's colour and
    number on the opinion map from jumping around as votes arrive.
    """
    row_of = {member: row for row, member in enumerate(member_ids)}
    labels = np.full(len(member_ids), -1, dtype=np.intp)
    ids: list[int] = []
    for cluster in previous:
        rows = [row_of[m] for m in cluster.members if m in row_of]
        if rows:
            labels[rows] = len(ids)
            ids.append(cluster.id)
    if not ids:
        labels[:] = 0
        ids = [max((c.id for c in previous), default=-1) + 1]
    centers, counts = _weighted_centers(points, weights, labels, len(ids))
    ids, labels = _merge_identical_centers(ids, centers, counts, labels)

    possible = min(k, len(np.unique(points, axis=0)))
    while True:
        centers, _ = _weighted_centers(points, weights, labels, len(ids))
        if len(ids) >= possible:
            break
        _, distances = _nearest(points, centers)
        outlier = int(np.argmax(distances))
        if distances[outlier] <= 0:
            break
        labels[outlier] = len(ids)
        ids.append(max(ids) + 1)
    return _Partition(ids, centers, labels)


def _merge_identical_centers(
    ids: list[int], centers: FloatMatrix, counts: NDArray[np.intp], labels: NDArray[np.intp]
) -> tuple[list[int], NDArray[np.intp]]:
    kept: list[int] = []  # indices into ids of the surviving clusters
    first_at: dict[tuple[float, ...], int] = {}
    merged_into = np.arange(len(ids))
    sizes = counts.astype(np.int64).copy()
    for index, center in enumerate(centers.tolist()):
        twin = first_at.setdefault(tuple(center), index)
        if twin == index:
            kept.append(index)
            continue
        # The merged cluster keeps the larger one's id; on a tie, the later one's (as Polis).
        if sizes[index] >= sizes[twin]:
            ids[twin] = ids[index]
        sizes[twin] += sizes[index]
        merged_into[index] = twin
    position = {old: new for new, old in enumerate(kept)}
    remap = np.array([position[merged_into[i]] for i in range(len(ids))], dtype=np.intp)
    new_labels = np.where(labels >= 0, remap[np.maximum(labels, 0)], -1)
    return [ids[i] for i in kept], new_labels


def _to_clusters(partition: _Partition, member_ids: Sequence[int]) -> list[Cluster]:
    members: list[list[int]] = [[] for _ in partition.ids]
    for row, label in enumerate(partition.labels.tolist()):
        members[label].append(member_ids[row])
    clusters = [
        Cluster(id=cid, members=tuple(m), center=tuple(float(x) for x in center))
        for cid, m, center in zip(partition.ids, members, partition.centers, strict=True)
    ]
    return sorted(clusters, key=lambda cluster: cluster.id)


def distance_matrix(points: FloatMatrix) -> FloatMatrix:
    return np.asarray(np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2))


def silhouette(distances: FloatMatrix, labels: NDArray[np.intp]) -> float:
    """Mean silhouette over points; a point alone in its cluster scores 0, as in Polis."""
    n_points = len(labels)
    groups = np.unique(labels)
    if n_points == 0 or len(groups) < 2:
        return 0.0
    one_hot = (labels[:, None] == groups[None, :]).astype(float)
    sizes = one_hot.sum(axis=0)
    sums = distances @ one_hot  # distance from each point to all members of each group
    own = np.searchsorted(groups, labels)
    own_size = sizes[own] - 1
    within = np.divide(
        sums[np.arange(n_points), own], own_size, out=np.zeros(n_points), where=own_size > 0
    )
    means = sums / sizes
    means[np.arange(n_points), own] = np.inf
    between = means.min(axis=1)
    spread = np.maximum(within, between)
    scores = np.divide(between - within, spread, out=np.zeros(n_points), where=spread > 0)
    scores[own_size == 0] = 0.0
    return float(scores.mean())
