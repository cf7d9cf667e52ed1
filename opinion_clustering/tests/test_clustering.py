import numpy as np
from sklearn.metrics import silhouette_score

from opinion_clustering.clustering import Cluster, distance_matrix, kmeans, silhouette


def test_cold_start_uses_the_first_distinct_rows_as_centres() -> None:
    points = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [0.1, 0.0], [10.1, 0.0]])
    clusters = kmeans(points, [1, 2, 3, 4, 5], 2)
    assert [c.id for c in clusters] == [0, 1]
    assert [set(c.members) for c in clusters] == [{1, 2, 4}, {3, 5}]
    np.testing.assert_allclose(clusters[1].center, [10.05, 0.0])


def test_fewer_distinct_points_than_k_gives_fewer_clusters() -> None:
    points = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    assert len(kmeans(points, [1, 2, 3], 100)) == 2


def test_weights_pull_the_centre() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [100.0, 0.0]])
    clusters = kmeans(points, [1, 2, 3], 2, weights=np.array([1.0, 3.0, 1.0]))
    np.testing.assert_allclose(clusters[0].center, [0.75, 0.0])


def test_warm_start_keeps_ids_and_splits_off_the_most_distant_new_point() -> None:
    previous = (Cluster(id=7, members=(1, 2), center=(0.0, 0.0)),)
    points = np.array([[0.0, 0.0], [0.2, 0.0], [5.0, 5.0]])
    clusters = kmeans(points, [1, 2, 3], 2, previous=previous)
    assert [(c.id, set(c.members)) for c in clusters] == [(7, {1, 2}), (8, {3})]


def test_warm_start_forgets_members_who_left() -> None:
    previous = (
        Cluster(id=0, members=(1,), center=(0.0, 0.0)),
        Cluster(id=1, members=(9,), center=(4.0, 0.0)),
    )
    points = np.array([[0.0, 0.0], [4.0, 0.0]])
    clusters = kmeans(points, [1, 2], 2, previous=previous)
    # As in Polis, a new cluster takes the largest surviving id plus one.
    assert [(c.id, c.members) for c in clusters] == [(0, (1,)), (1, (2,))]


def test_silhouette_matches_the_textbook_definition() -> None:
    rng = np.random.default_rng(4)
    points = np.vstack([rng.normal(0, 1, (12, 2)), rng.normal(4, 1, (9, 2))])
    labels = np.array([0] * 12 + [1] * 9)
    labels[3] = 2  # a singleton scores 0 in both definitions
    expected = silhouette_score(points, labels)
    assert abs(silhouette(distance_matrix(points), labels) - expected) < 1e-12
