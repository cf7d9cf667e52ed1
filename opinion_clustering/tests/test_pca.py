import numpy as np
import pytest

from opinion_clustering import pca as pca_module
from opinion_clustering.pca import (
    PrincipalComponents,
    fit_and_project,
    impute_column_means,
    principal_components,
    project_participants,
    statement_extremity,
)
from opinion_clustering.votes import FloatMatrix


def _random_votes(rng: np.random.Generator, n_rows: int, n_columns: int) -> FloatMatrix:
    votes: FloatMatrix = rng.choice([-1.0, 0.0, 1.0], size=(n_rows, n_columns))
    votes[rng.random((n_rows, n_columns)) < 0.4] = np.nan
    return votes


def _assert_same_axes(found: FloatMatrix, expected: FloatMatrix) -> None:
    for axis, reference in zip(found, expected, strict=True):
        assert abs(abs(float(axis @ reference)) - 1.0) < 1e-8


def test_column_means_replace_only_missing_cells() -> None:
    values = np.array([[1.0, np.nan], [np.nan, -1.0], [0.0, 0.0]])
    assert impute_column_means(values).tolist() == [[1.0, -0.5], [0.5, -1.0], [0.0, 0.0]]


@pytest.mark.parametrize("shape", [(60, 20), (15, 40)])
def test_exact_axes_match_the_singular_vectors(shape: tuple[int, int]) -> None:
    imputed = impute_column_means(_random_votes(np.random.default_rng(1), *shape))
    result = principal_components(imputed)
    _, _, right = np.linalg.svd(imputed - imputed.mean(axis=0), full_matrices=False)
    _assert_same_axes(result.components, right[:2])
    np.testing.assert_allclose(result.center, imputed.mean(axis=0))


def test_krylov_axes_match_exact_cold_and_warm(monkeypatch: pytest.MonkeyPatch) -> None:
    imputed = impute_column_means(_random_votes(np.random.default_rng(2), 300, 120))
    exact = principal_components(imputed)
    monkeypatch.setattr(pca_module, "EXACT_EIGEN_LIMIT", 10)
    cold = principal_components(imputed)
    warm = principal_components(imputed, start=exact.components + 0.05)
    _assert_same_axes(cold.components, exact.components)
    _assert_same_axes(warm.components, exact.components)


def test_axes_keep_the_previous_orientation() -> None:
    imputed = impute_column_means(_random_votes(np.random.default_rng(3), 50, 12))
    first = principal_components(imputed)
    again = principal_components(imputed, start=-first.components)
    np.testing.assert_allclose(again.components, -first.components, atol=1e-10)


def test_projection_uses_voted_cells_scaled_by_sparsity() -> None:
    pca = PrincipalComponents(
        center=np.array([0.5, 0.0, 0.0, 0.0]),
        components=np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]),
    )
    values = np.array([[1.0, np.nan, np.nan, np.nan], [1.0, -1.0, 0.0, 0.0]])
    projected = project_participants(values, pca)
    # One vote of four: pushed out by sqrt(4 / 1) = 2.
    np.testing.assert_allclose(projected[0], [0.5 * 2, 0.0])
    np.testing.assert_allclose(projected[1], [0.5, -1.0])


def test_extremity_is_the_length_of_a_lone_agree_projection() -> None:
    pca = PrincipalComponents(
        center=np.array([0.5, -0.5]), components=np.array([[0.6, 0.8], [0.8, -0.6]])
    )
    lone_agree = np.array([[-1.0, np.nan], [np.nan, -1.0]])
    expected = np.linalg.norm(project_participants(lone_agree, pca), axis=1)
    np.testing.assert_allclose(statement_extremity(pca), expected)


@pytest.mark.parametrize("restarts", [8, 1])
def test_krylov_restarts_and_falls_back_to_exact_when_too_shallow(
    monkeypatch: pytest.MonkeyPatch, restarts: int
) -> None:
    imputed = impute_column_means(_random_votes(np.random.default_rng(5), 200, 90))
    exact = principal_components(imputed)
    monkeypatch.setattr(pca_module, "EXACT_EIGEN_LIMIT", 10)
    monkeypatch.setattr(pca_module, "KRYLOV_FIRST_DEPTH", 1)
    monkeypatch.setattr(pca_module, "KRYLOV_DEPTH", 2)
    monkeypatch.setattr(pca_module, "KRYLOV_RESTARTS", restarts)
    found = principal_components(imputed, start=np.roll(exact.components, 1, axis=1))
    _assert_same_axes(found.components, exact.components)


def test_fit_and_project_equals_imputing_then_projecting() -> None:
    values = _random_votes(np.random.default_rng(6), 40, 15)
    pca, projections = fit_and_project(values)
    reference = principal_components(impute_column_means(values))
    np.testing.assert_allclose(pca.center, reference.center)
    np.testing.assert_allclose(pca.components, reference.components, atol=1e-12)
    np.testing.assert_allclose(projections, project_participants(values, pca), atol=1e-12)
