"""Fitting the event model's heads, choosing its threshold and calibrating it.

The heads are multinomial logistic regressions (scikit-learn, lbfgs) on
standardised features. The decision threshold and the isotonic calibration are
chosen on out-of-fold predictions *inside* the training data (leave one of the
training corpora out at a time), never on the data the model is scored on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..events.model.features import RULE_FEATURES
from ..events.model.head import Heads

#: inverse regularisation strength of both heads
C_TYPE = 0.05
C_FACT = 0.1
SEED = 13
#: components kept of the encoder's features
PCA_DIMS = 96


@dataclass
class Fitted:
    heads: Heads
    #: out-of-fold P(type) and P(fact) inside the training data (for reports)
    oof_p: np.ndarray | None = None
    oof_f: np.ndarray | None = None


def _lr(C: float, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=300, random_state=SEED)
    model.fit(X, y)
    return model.coef_, model.intercept_, model.classes_


def fit_raw(X: np.ndarray, y: np.ndarray, f: np.ndarray, n_rule: int | None = None) -> Heads:
    """Both heads on the labelled rows (threshold 0.5, identity calibration).

    The encoder's part of the features is first reduced by PCA to
    :data:`PCA_DIMS` components (fitted on these rows): fewer weights to learn from
    a few thousand events, and a faster fit. The projection is linear, so it is
    folded back into the heads' weights, which stay one matrix over the
    standardised features."""
    from sklearn.decomposition import PCA

    n_rule = len(RULE_FEATURES) if n_rule is None else n_rule
    keep = y >= 0
    Xk, yk, fk = X[keep], y[keep], f[keep]
    mean = Xk.mean(axis=0)
    scale = Xk.std(axis=0) + 1e-6
    Z = (Xk - mean) / scale
    n_enc = Z.shape[1] - n_rule
    pca = PCA(n_components=min(PCA_DIMS, n_enc), random_state=SEED)
    U = pca.fit_transform(Z[:, :n_enc])
    u_scale = U.std(axis=0) + 1e-6
    W = pca.components_.T / u_scale  # (n_enc, k): Z_enc -> standardised components
    shift = (pca.mean_ @ pca.components_.T) / u_scale  # PCA centres before projecting
    R = np.hstack([U / u_scale, Z[:, n_enc:]])

    def fold(coef: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c_u, c_r = coef[:, : W.shape[1]], coef[:, W.shape[1] :]
        full = np.hstack([c_u @ W.T, c_r])
        return full, bias - c_u @ shift

    d = X.shape[1]
    coef, bias, classes = _lr(C_TYPE, R, yk)
    coef, bias = fold(coef, bias)
    type_coef = np.zeros((17, d))
    type_bias = np.full(17, -30.0)  # a class never seen stays impossible
    for j, c in enumerate(classes):
        type_coef[int(c)] = coef[j]
        type_bias[int(c)] = bias[j]
    ev = (yk > 0) & (fk >= 0)
    fcoef, fbias, fclasses = _lr(C_FACT, R[ev], fk[ev])
    fcoef, fbias = fold(fcoef, fbias)
    fact_coef = np.zeros((4, d))
    fact_bias = np.full(4, -30.0)
    for j, c in enumerate(fclasses):
        fact_coef[int(c)] = fcoef[j]
        fact_bias[int(c)] = fbias[j]
    return Heads(
        mean=mean, scale=scale, type_coef=type_coef, type_bias=type_bias,
        fact_coef=fact_coef, fact_bias=fact_bias,
    )  # fmt: skip


def predict(heads: Heads, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Z = heads.standardise(X)
    return heads.type_probs(Z), heads.fact_probs(Z)


def candidate_outcomes(
    P: np.ndarray, F: np.ndarray, y: np.ndarray, f: np.ndarray, threshold: float
) -> dict[str, np.ndarray]:
    """Per candidate: accepted as an asserted event, its score, and whether it is right
    (the labelled type, and asserted in gold)."""
    p_event = 1.0 - P[:, 0]
    k = np.argmax(P[:, 1:], axis=1) + 1
    p_type = P[np.arange(len(P)), k]
    p_assert = F[:, 0]
    accepted = (p_event >= threshold) & (p_assert >= 0.5) & (y >= 0)
    right = (k == y) & (f == 0)
    return {"accepted": accepted, "score": p_type * p_assert, "right": right}


def best_threshold(P: np.ndarray, F: np.ndarray, y: np.ndarray, f: np.ndarray) -> float:
    """The P(event) threshold with the best candidate-level F1 of asserted events."""
    gold = int(((y > 0) & (f == 0)).sum())
    best, best_t = -1.0, 0.5
    for t in np.arange(0.15, 0.8, 0.025):
        o = candidate_outcomes(P, F, y, f, float(t))
        tp = int((o["accepted"] & o["right"]).sum())
        n = int(o["accepted"].sum())
        p = tp / n if n else 0.0
        r = tp / gold if gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best:
            best, best_t = f1, float(t)
    return round(best_t, 3)


def calibration(
    P: np.ndarray, F: np.ndarray, y: np.ndarray, f: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Isotonic map from P(type) x P(asserted) to the share of right events."""
    from sklearn.isotonic import IsotonicRegression

    o = candidate_outcomes(P, F, y, f, threshold)
    a = o["accepted"]
    if a.sum() < 20:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit(o["score"][a], o["right"][a].astype(float))
    return np.asarray(iso.X_thresholds_, dtype=float), np.asarray(iso.y_thresholds_, dtype=float)


def fit(X: np.ndarray, y: np.ndarray, f: np.ndarray, groups: np.ndarray) -> Fitted:
    """Heads on all rows; threshold and calibration from leave-one-group-out predictions
    inside these rows."""
    P = np.zeros((len(y), 17))
    F = np.zeros((len(y), 4))
    for g in np.unique(groups):
        tr = groups != g
        h = fit_raw(X[tr], y[tr], f[tr])
        P[~tr], F[~tr] = predict(h, X[~tr])
    threshold = best_threshold(P, F, y, f)
    cx, cy = calibration(P, F, y, f, threshold)
    heads = fit_raw(X, y, f)
    heads.threshold = threshold
    heads.calib_x, heads.calib_y = cx, cy
    return Fitted(heads=heads, oof_p=P, oof_f=F)
