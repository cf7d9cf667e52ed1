"""Two principal components of the mean-imputed vote matrix and Polis' sparsity-aware projection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from opinion_clustering.votes import FloatMatrix

# Below this size an exact symmetric eigendecomposition is cheaper than iterating.
EXACT_EIGEN_LIMIT = 400
KRYLOV_BLOCK = 4
KRYLOV_DEPTH = 6
# A warm start (last update's axes) usually converges in a shallow space; try that first.
KRYLOV_FIRST_DEPTH = 4
KRYLOV_RESTARTS = 8
RESIDUAL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class PrincipalComponents:
    center: FloatMatrix  # per statement
    components: FloatMatrix  # (2, statements), orthonormal rows


def impute_column_means(values: FloatMatrix) -> FloatMatrix:
    voted = ~np.isnan(values)
    counts = voted.sum(axis=0)
    sums = np.where(voted, values, 0.0).sum(axis=0)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return np.where(voted, values, means)


def principal_components(
    imputed: FloatMatrix,
    n_components: int = 2,
    start: FloatMatrix | None = None,
) -> PrincipalComponents:
    """Top principal axes, exact up to RESIDUAL_TOLERANCE whatever the start.

    Polis runs 100 power iterations from the previous axes; converging fully instead makes the
    result independent of history, and the previous axes only serve as a fast start and to keep
    each axis pointing the same way between updates.
    """
    n_rows, n_columns = imputed.shape
    center = imputed.mean(axis=0) if n_rows else np.zeros(n_columns)
    centered = imputed - center
    if n_columns == 0:
        return PrincipalComponents(center, np.zeros((n_components, 0)))
    if min(n_rows, n_columns) <= EXACT_EIGEN_LIMIT:
        axes = _exact_axes(centered, n_components)
    else:
        axes = _krylov_axes(centered, n_components, start)
    return PrincipalComponents(center, _orient(axes, start))


def fit_and_project(
    values: FloatMatrix, start: FloatMatrix | None = None
) -> tuple[PrincipalComponents, FloatMatrix]:
    """PCA of the mean-imputed votes and every participant's sparsity-aware projection.

    Equal to principal_components(impute_column_means(values)) followed by project_participants,
    but shares one centred matrix: a mean-imputed cell is exactly 0 once centred, which is also
    what the projection counts for an unvoted cell.
    """
    voted = ~np.isnan(values)
    counts = voted.sum(axis=0)
    sums = np.where(voted, values, 0.0).sum(axis=0)
    center = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    centered = np.where(voted, values - center, 0.0)
    n_rows, n_columns = values.shape
    if n_columns == 0:
        return PrincipalComponents(center, np.zeros((2, 0))), np.zeros((n_rows, 2))
    if min(n_rows, n_columns) <= EXACT_EIGEN_LIMIT:
        axes = _exact_axes(centered, 2)
    else:
        axes = _krylov_axes(centered, 2, start)
    pca = PrincipalComponents(center, _orient(axes, start))
    scale = np.sqrt(n_columns / np.maximum(voted.sum(axis=1), 1))
    return pca, np.asarray((centered @ pca.components.T) * scale[:, None], dtype=np.float64)


def _exact_axes(centered: FloatMatrix, n_components: int) -> FloatMatrix:
    n_rows, n_columns = centered.shape
    if n_columns <= n_rows:
        _, vectors = np.linalg.eigh(centered.T @ centered)
        axes = vectors[:, ::-1][:, :n_components].T
    else:
        # Fewer participants than statements: diagonalise the smaller Gram matrix instead.
        values, vectors = np.linalg.eigh(centered @ centered.T)
        order = np.argsort(values)[::-1][:n_components]
        axes = (centered.T @ vectors[:, order]).T
        norms = np.linalg.norm(axes, axis=1, keepdims=True)
        axes = np.divide(axes, norms, out=np.zeros_like(axes), where=norms > 0)
    if axes.shape[0] < n_components:
        axes = np.vstack([axes, np.zeros((n_components - axes.shape[0], n_columns))])
    return np.ascontiguousarray(axes)


def _krylov_axes(
    centered: FloatMatrix, n_components: int, start: FloatMatrix | None
) -> FloatMatrix:
    """Block Krylov with Rayleigh-Ritz: a handful of products with the data, never X^T X itself."""
    n_columns = centered.shape[1]
    # A fixed seed keeps a cold start deterministic; previous axes, when given, come first.
    block = np.random.default_rng(0).standard_normal((n_columns, KRYLOV_BLOCK))
    if start is not None and start.shape == (n_components, n_columns):
        block[:, :n_components] = start.T
    for attempt in range(KRYLOV_RESTARTS):
        basis, _ = np.linalg.qr(block)
        blocks = [basis]
        depth = KRYLOV_FIRST_DEPTH if attempt == 0 and start is not None else KRYLOV_DEPTH
        for _ in range(depth):
            grown = centered.T @ (centered @ blocks[-1])
            whole = np.hstack(blocks)
            for _ in range(2):  # twice is enough for Gram-Schmidt to be numerically orthogonal
                grown -= whole @ (whole.T @ grown)
            grown, _ = np.linalg.qr(grown)
            blocks.append(grown)
        # Re-orthonormalising the whole basis guards against an exhausted Krylov space.
        basis, _ = np.linalg.qr(np.hstack(blocks))
        image = centered.T @ (centered @ basis)
        ritz_values, ritz_vectors = np.linalg.eigh(basis.T @ image)
        top = np.argsort(ritz_values)[::-1][:KRYLOV_BLOCK]
        axes = basis @ ritz_vectors[:, top]
        residuals = image @ ritz_vectors[:, top] - axes * ritz_values[top]
        scale = max(float(ritz_values[top[0]]), 1e-300)
        if np.all(
            np.linalg.norm(residuals[:, :n_components], axis=0) <= RESIDUAL_TOLERANCE * scale
        ):
            return np.ascontiguousarray(axes[:, :n_components].T)
        block = axes
    return _exact_axes(centered, n_components)


def _orient(axes: FloatMatrix, start: FloatMatrix | None) -> FloatMatrix:
    """Fix each axis' sign: like the previous axis if there is one, else largest entry positive."""
    oriented = axes.copy()
    for index, axis in enumerate(oriented):
        if start is not None and start.shape == axes.shape and float(axis @ start[index]) != 0.0:
            flip = float(axis @ start[index]) < 0
        else:
            flip = axis.size > 0 and axis[int(np.argmax(np.abs(axis)))] < 0
        if flip:
            oriented[index] = -axis
    return oriented


def project_participants(values: FloatMatrix, pca: PrincipalComponents) -> FloatMatrix:
    """Project only the cells a participant voted, pushed out by sqrt(statements / votes cast).

    Without the scaling, people who voted on few statements would sit near the centre merely
    because their unvoted cells contribute nothing.
    """
    voted = ~np.isnan(values)
    deviations = np.where(voted, values - pca.center, 0.0)
    projected = deviations @ pca.components.T
    n_statements = values.shape[1]
    scale = np.sqrt(n_statements / np.maximum(voted.sum(axis=1), 1))
    return np.asarray(projected * scale[:, None], dtype=np.float64)


def statement_extremity(pca: PrincipalComponents) -> NDArray[np.float64]:
    """Length of each statement's projection as a lone agree vote, as Polis computes it."""
    n_statements = pca.center.shape[0]
    lone_agree = -1.0 - pca.center
    lengths = np.abs(lone_agree) * np.linalg.norm(pca.components, axis=0)
    return np.asarray(lengths * np.sqrt(n_statements), dtype=np.float64)
