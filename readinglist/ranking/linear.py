"""Weighted L2-regularised logistic regression over sparse rows, fitted by L-BFGS (numpy).

Imported only when a model is trained. A sparse matrix is three flat arrays (row, column,
value of each non-zero entry); its products with a vector are ``np.bincount`` calls, so one
gradient over 30,000 abstracts costs about 20 ms. No BLAS call is made: on vectors this
small, a threaded BLAS spends more time waking its threads than computing (three times the
whole fit on a busy two-core machine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Callable

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

MAX_ITERATIONS = 20
"""Enough: on 30,000 decisions, 10 iterations rank as well as 200 (held-out ROC-AUC 0.874
and 0.872; the fit starts from the likeness weights); the cap bounds the training time."""
HISTORY = 10


@dataclass(frozen=True, slots=True)
class Sparse:
    """An ``n_rows`` x ``n_cols`` matrix given by its non-zero entries."""

    rows: Ints
    cols: Ints
    values: Floats
    n_rows: int
    n_cols: int

    def dot(self, w: Floats) -> Floats:
        """``X @ w``."""
        out = np.bincount(self.rows, weights=self.values * w[self.cols], minlength=self.n_rows)
        return cast("Floats", out)

    def tdot(self, r: Floats) -> Floats:
        """``X.T @ r``."""
        out = np.bincount(self.cols, weights=self.values * r[self.rows], minlength=self.n_cols)
        return cast("Floats", out)


@dataclass(frozen=True, slots=True)
class Fit:
    weights: Floats  # one per sparse column
    dense: Floats  # one per dense column
    intercept: float
    iterations: int


def fit_logistic(
    x: Sparse,
    dense: Floats,
    y: Floats,
    sample_weight: Floats,
    l2: float,
    offset: Floats | None = None,
) -> Fit:
    """Minimise the weighted mean log-loss plus ``l2 / 2 * |w|^2`` (intercept not penalised).

    ``x`` and ``dense`` are the sparse and dense columns of the same rows; ``y`` is +1 or -1.
    """
    n_sparse, n_dense = x.n_cols, dense.shape[1]
    s = sample_weight / sample_weight.sum()

    def loss_grad(theta: Floats) -> tuple[float, Floats]:
        w, v, b = theta[:n_sparse], theta[n_sparse:-1], theta[-1]
        margin = x.dot(w) + _times(dense, v) + b
        if offset is not None:
            margin += offset
        z = -y * margin
        loss = _dot(s, np.logaddexp(0.0, z)) + 0.5 * l2 * (_dot(w, w) + _dot(v, v))
        # d/dmargin of log(1 + exp(-y m)) = -y * sigmoid(-y m)
        r = -y * s * _sigmoid(z)
        grad = np.empty_like(theta)
        grad[:n_sparse] = x.tdot(r) + l2 * w
        grad[n_sparse:-1] = (dense * r[:, None]).sum(axis=0) + l2 * v
        grad[-1] = r.sum()
        return loss, grad

    theta, iterations = _lbfgs(loss_grad, np.zeros(n_sparse + n_dense + 1))
    return Fit(theta[:n_sparse], theta[n_sparse:-1], float(theta[-1]), iterations)


def _dot(a: Floats, b: Floats) -> float:
    return float(np.multiply(a, b).sum())


def _times(matrix: Floats, v: Floats) -> Floats:
    """``matrix @ v`` for a few columns, without BLAS."""
    out: Floats = (matrix * v).sum(axis=1)
    return out


def _sigmoid(z: Floats) -> Floats:
    out: Floats = np.exp(-np.logaddexp(0.0, -z))
    return out


def _lbfgs(
    f_and_g: Callable[[Floats], tuple[float, Floats]],
    x: Floats,
    *,
    tol: float = 1e-7,
    gtol: float = 1e-6,
) -> tuple[Floats, int]:
    """Limited-memory BFGS with a backtracking (Armijo) line search; enough for a convex loss."""
    f, g = f_and_g(x)
    history: list[tuple[Floats, Floats, float]] = []
    iteration = 0
    for iteration in range(1, MAX_ITERATIONS + 1):  # noqa: B007 (returned below)
        if float(np.max(np.abs(g))) <= gtol:
            break
        q = g.copy()
        alphas = []
        for s_k, y_k, rho in reversed(history):
            a = rho * _dot(s_k, q)
            alphas.append(a)
            q -= a * y_k
        if history:
            s_k, y_k, _ = history[-1]
            q *= _dot(s_k, y_k) / _dot(y_k, y_k)
        else:
            q /= max(1.0, math.sqrt(_dot(g, g)))
        for (s_k, y_k, rho), a in zip(history, reversed(alphas), strict=True):
            q += s_k * (a - rho * _dot(y_k, q))
        direction = -q
        slope = _dot(g, direction)
        if slope >= 0:  # not a descent direction: forget the curvature, go downhill
            history.clear()
            direction, slope = -g, -_dot(g, g)
        step = 1.0
        while True:
            x_new = x + step * direction
            f_new, g_new = f_and_g(x_new)
            if f_new <= f + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        s_new, y_new = x_new - x, g_new - g
        sy = _dot(s_new, y_new)
        if sy > 1e-12:
            history.append((s_new, y_new, 1.0 / sy))
            if len(history) > HISTORY:
                history.pop(0)
        done = abs(f - f_new) <= tol * max(1.0, abs(f))
        x, f, g = x_new, f_new, g_new
        if done:
            break
    return x, iteration
