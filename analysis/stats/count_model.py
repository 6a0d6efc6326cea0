"""Count regression on categorical covariates in time that grows with the documents only linearly.

Slogan counts per document are regressed on region and quarter indicators with log length as the
offset (:func:`analysis.slogans.statistics.nb_effects`). The design has one row per document but
only as many distinct rows as there are region × quarter cells, so every product the fit needs
(score, information) is a sum over documents within a cell, taken once per iteration with
``np.bincount``, followed by algebra on the cells: a fit on 100,000 documents costs about what the
general-purpose fitters (statsmodels) spend on one factorisation of the document × parameter matrix.

- :func:`nb2_regression`: negative binomial (NB2, Var = μ + αμ²) by maximum likelihood, alternating
  Fisher scoring for the coefficients given α and a Newton search for α given the coefficients (as
  MASS's ``glm.nb`` does); standard errors from the inverse of the observed information of
  (coefficients, α), as statsmodels' ``NegativeBinomial`` reports them.
- :func:`quasi_poisson`: the Poisson maximum-likelihood coefficients with the Pearson scale
  (statsmodels' ``GLM(...).fit(scale="X2")``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats


@dataclass
class CountFit:
    """What a count regression reports: coefficients, standard errors, Wald 95% intervals and
    p-values (indexed by the design's column names), α (0 for quasi-Poisson), convergence."""
    params: pd.Series
    bse: pd.Series
    alpha: float
    converged: bool
    iterations: int

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * stats.norm.sf(np.abs(self.params / self.bse)), index=self.params.index)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        z = stats.norm.ppf(0.5 + level / 2)
        return pd.DataFrame({0: self.params - z * self.bse, 1: self.params + z * self.bse})


def _cell_sums(values: np.ndarray, cell: np.ndarray, n_cells: int) -> np.ndarray:
    return np.bincount(cell, weights=values, minlength=n_cells)


def _poisson_start(y, cell, Xc, offset, max_iter: int = 100, tol: float = 1e-8) -> tuple[np.ndarray, int]:
    """Poisson maximum likelihood of the coefficients: exact from the cells' counts and exposures
    (Σy and Σe^offset per cell are sufficient). Newton steps solved by least squares, stopped on the
    relative change of the deviance, as statsmodels' GLM does: a level with very few occurrences
    drifts toward −∞ without failing, and the Wald rule in ``nb_effects`` reports it."""
    C = Xc.shape[0]
    Y = _cell_sums(y, cell, C)
    E = _cell_sums(np.exp(offset), cell, C)
    beta = np.zeros(Xc.shape[1])
    beta[0] = np.log((Y.sum() + 0.5) / E.sum())
    deviance = np.inf
    for it in range(1, max_iter + 1):
        mu = E * np.exp(Xc @ beta)
        beta = beta + np.linalg.lstsq(Xc.T @ (mu[:, None] * Xc), Xc.T @ (Y - mu), rcond=None)[0]
        mu = E * np.exp(Xc @ beta)
        new = 2 * float((special.xlogy(Y, Y / np.where(mu > 0, mu, 1)) - (Y - mu)).sum())
        if abs(new - deviance) <= tol * (abs(new) + 0.1):
            return beta, it
        deviance = new
    return beta, max_iter


def _nb_loglik(y, mu, alpha, positive) -> float:
    r = 1.0 / alpha
    yp = y[positive]
    ll = (special.gammaln(yp + r) - special.gammaln(r) - special.gammaln(yp + 1)).sum()
    return float(ll + (y * np.log(alpha * mu)).sum() - ((y + r) * np.log1p(alpha * mu)).sum())


def _alpha_derivatives(y, mu, alpha, positive) -> tuple[float, float]:
    """First and second derivative of the NB2 log-likelihood in α (the coefficients fixed)."""
    r = 1.0 / alpha
    yp = y[positive]
    A = special.digamma(yp + r) - special.digamma(r)
    dA = special.polygamma(1, yp + r) - special.polygamma(1, r)
    am = alpha * mu
    g = (-A.sum() / alpha ** 2 + (y.sum() / alpha) + (np.log1p(am)).sum() / alpha ** 2
         - ((y + r) * mu / (1 + am)).sum())
    h = (dA.sum() / alpha ** 4 + 2 * A.sum() / alpha ** 3 - y.sum() / alpha ** 2
         + (mu / (1 + am)).sum() / alpha ** 2 - 2 * np.log1p(am).sum() / alpha ** 3
         + (mu / (1 + am)).sum() / alpha ** 2 + ((y + r) * mu * mu / (1 + am) ** 2).sum())
    return float(g), float(h)


def nb2_regression(y: np.ndarray, cell: np.ndarray, Xc: pd.DataFrame, offset: np.ndarray,
                   max_iter: int = 200, tol: float = 1e-9) -> CountFit:
    """NB2 regression of the counts ``y`` of documents in cells ``cell`` (0..C−1) whose design rows
    are ``Xc`` (cells × parameters, an intercept first), with ``offset`` (log length) per document."""
    y = np.asarray(y, dtype=float)
    cell = np.asarray(cell, dtype=np.int64)
    X = Xc.to_numpy(dtype=float)
    C = X.shape[0]
    positive = y > 0
    beta, _ = _poisson_start(y, cell, X, offset)
    mu = np.exp((X @ beta)[cell] + offset)
    alpha = max(float(((y - mu) ** 2 - y).sum() / (mu ** 2).sum()), 0.01)
    ll = _nb_loglik(y, mu, alpha, positive)
    converged, it = False, 0
    for it in range(1, max_iter + 1):
        for _ in range(50):  # α given the coefficients: Newton on log α, kept in [1e-8, 1e4]
            g, h = _alpha_derivatives(y, mu, alpha, positive)
            g_log, h_log = g * alpha, h * alpha * alpha + g * alpha
            step = -g_log / h_log if h_log < 0 else np.sign(g_log) * 0.5
            step = float(np.clip(step, -2.0, 2.0))
            alpha = float(np.clip(alpha * np.exp(step), 1e-8, 1e4))
            if abs(step) < 1e-10:
                break
        w = mu / (1 + alpha * mu)
        score = X.T @ _cell_sums((y - mu) / (1 + alpha * mu), cell, C)
        info = X.T @ (_cell_sums(w, cell, C)[:, None] * X)
        beta = beta + np.linalg.solve(info, score)
        mu = np.exp((X @ beta)[cell] + offset)
        new = _nb_loglik(y, mu, alpha, positive)
        if abs(new - ll) < tol * (abs(ll) + 1):
            ll, converged = new, True
            break
        ll = new
    # observed information of (coefficients, α)
    am = alpha * mu
    hb = X.T @ (_cell_sums(mu * (1 + alpha * y) / (1 + am) ** 2, cell, C)[:, None] * X)
    hba = X.T @ _cell_sums((y - mu) * mu / (1 + am) ** 2, cell, C)
    _, haa = _alpha_derivatives(y, mu, alpha, positive)
    H = np.block([[hb, hba[:, None]], [hba[None, :], np.array([[-haa]])]])
    try:
        cov = np.linalg.inv(H)
        bse = np.sqrt(np.diag(cov)[:-1])
    except np.linalg.LinAlgError:
        bse = np.full(len(beta), np.nan)
    names = list(Xc.columns)
    return CountFit(pd.Series(beta, index=names), pd.Series(bse, index=names), alpha, converged, it)


def quasi_poisson(y: np.ndarray, cell: np.ndarray, Xc: pd.DataFrame, offset: np.ndarray) -> CountFit:
    """Poisson regression with the Pearson χ² / (n − p) scale on the covariance."""
    y = np.asarray(y, dtype=float)
    cell = np.asarray(cell, dtype=np.int64)
    X = Xc.to_numpy(dtype=float)
    beta, it = _poisson_start(y, cell, X, offset)
    mu = np.exp((X @ beta)[cell] + offset)
    scale = float(((y - mu) ** 2 / mu).sum() / max(len(y) - X.shape[1], 1))
    info = X.T @ (_cell_sums(mu, cell, X.shape[0])[:, None] * X)
    bse = np.sqrt(np.diag(np.linalg.pinv(info)) * scale)
    names = list(Xc.columns)
    return CountFit(pd.Series(beta, index=names), pd.Series(bse, index=names), 0.0, True, it)
