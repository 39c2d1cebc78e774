"""A small non-linear ranker for title + duties (session 13): the linear features, a few of them re-expressed
relative to the other candidates of the same query, and one hidden layer.

Why: a linear score cannot say "trust the duties when the title is weak, and the title when it is strong", and
cosines from one query are not on the same scale as another's (short duties give flat, low cosines). The
derived features (each candidate's duty, duty_c, d_max, probe, duty_p and duty_t values as a z-score within
the query, and the duty, duty_c, duty_p and duty_t ranks as 1 / (1 + rank)) and a tanh layer let the model weigh the title against the
duties by how clearly each one separates the candidates. Trained by ``scripts/train_ranker.py`` on the same
examples as the linear duties weights; parameters live in ``socfit/data/ranker.json`` (``mlp_duties``,
``mlp_duties_vague``). Title-only ranking stays linear: an MLP did not help there (docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np

# columns of rank.FEATURES re-expressed within the query (indices, so this module needs no import of rank)
D_MAX, DUTY, DUTY_C, PROBE, DUTY_P, DUTY_T = 2, 8, 12, 13, 14, 16
Z_COLS = (DUTY, DUTY_C, D_MAX, PROBE, DUTY_P, DUTY_T)
RANK_COLS = (DUTY, DUTY_C, DUTY_P, DUTY_T)


def _z(x: np.ndarray) -> np.ndarray:
    s = float(x.std())
    return (x - x.mean()) / s if s > 1e-6 else np.zeros_like(x)


def _inv_rank(x: np.ndarray) -> np.ndarray:
    r = np.empty(len(x))
    r[np.argsort(-x, kind="stable")] = np.arange(len(x))
    return 1.0 / (1.0 + r)


def derived(X: np.ndarray) -> np.ndarray:
    """The model's input for one query's candidates (rows): the features, then the within-query ones."""
    X = np.asarray(X, dtype=np.float64)
    if not len(X):
        return np.zeros((0, X.shape[1] + len(Z_COLS) + len(RANK_COLS)))
    return np.column_stack([X] + [_z(X[:, c]) for c in Z_COLS] + [_inv_rank(X[:, c]) for c in RANK_COLS])


class MLP:
    """score(x) = x.w + v.tanh(xA + b), x the standardised ``derived`` features; a softmax over the candidates
    makes it a probability, as for the linear weights."""

    def __init__(self, p: dict, scale: float = 1.0):
        self.scale = scale  # 1 / temperature (scripts/calibrate.py), as for the linear weights
        self.mu, self.sd = np.asarray(p["mu"], float), np.asarray(p["sd"], float)
        self.w, self.A = np.asarray(p["w"], float), np.asarray(p["A"], float)
        self.b, self.v = np.asarray(p["b"], float), np.asarray(p["v"], float)
        n = len(self.mu)
        if not (len(self.sd) == len(self.w) == n and self.A.shape == (n, len(self.b)) == (n, len(self.v))):
            raise ValueError("MLP parameters do not fit together")

    def to_dict(self, digits: int = 5) -> dict:
        r = lambda a: np.round(a, digits).tolist()  # noqa: E731
        return {"mu": r(self.mu), "sd": r(self.sd), "w": r(self.w), "A": r(self.A), "b": r(self.b), "v": r(self.v)}

    def __call__(self, X: np.ndarray) -> np.ndarray:
        F = (derived(X) - self.mu) / self.sd
        return (F @ self.w + np.tanh(F @ self.A + self.b) @ self.v) * self.scale


def fit(Xs: list[np.ndarray], ys: list[int], hidden: int = 16, l2: float = 1e-3, steps: int = 400,
        lr: float = 0.02, seeds: int = 4, log=print) -> MLP:
    """Softmax over each query's candidates (the gold at ``ys``), full-batch Adam, deterministic. ``seeds``
    networks from different random starts are averaged: one start alone moved the held-out top 3 by up to
    0.02 (docs/benchmarks.md). Their mean is itself one network (hidden units side by side, output weights
    divided by ``seeds``), so the model file and the scoring code do not change."""
    F = [derived(X) for X in Xs]
    rows = np.vstack(F)
    mu, sd = rows.mean(axis=0), rows.std(axis=0)
    const = sd < 1e-6  # e5 is 0 for every English title: such a column is left out (weights 0), whatever it holds later
    sd[const] = 1.0
    n, C, d = len(F), max(len(f) for f in F), rows.shape[1]
    P = np.zeros((n, C, d), np.float32)
    M = np.zeros((n, C), bool)
    for i, f in enumerate(F):
        P[i, :len(f)] = (f - mu) / sd
        M[i, :len(f)] = True
    flat = P.reshape(n * C, d)
    y = np.asarray(ys)
    nets = [_fit_one(flat, M, y, hidden, l2, steps, lr, seed, log) for seed in range(seeds)]
    for p in nets:
        p["w"][const], p["A"][const] = 0.0, 0.0
    return MLP({"mu": mu, "sd": sd, "w": np.mean([p["w"] for p in nets], axis=0),
                "A": np.hstack([p["A"] for p in nets]), "b": np.concatenate([p["b"] for p in nets]),
                "v": np.concatenate([p["v"] for p in nets]) / seeds})


def _fit_one(flat: np.ndarray, M: np.ndarray, y: np.ndarray, hidden: int, l2: float, steps: int, lr: float,
             seed: int, log) -> dict:
    n, C = M.shape
    d = flat.shape[1]
    rng = np.random.default_rng(seed)
    p = {"w": np.zeros(d, np.float32), "A": rng.normal(0, 0.3, (d, hidden)).astype(np.float32),
         "b": np.zeros(hidden, np.float32), "v": rng.normal(0, 0.1, hidden).astype(np.float32)}
    m1 = {k: np.zeros_like(a) for k, a in p.items()}
    m2 = {k: np.zeros_like(a) for k, a in p.items()}
    gold = np.arange(n), y
    for t in range(1, steps + 1):
        hid = np.tanh(flat @ p["A"] + p["b"])  # (n*C, hidden)
        sc = (flat @ p["w"] + hid @ p["v"]).reshape(n, C)
        sc = np.where(M, sc, -np.inf)
        sc -= sc.max(axis=1, keepdims=True)
        e = np.exp(sc)
        pr = e / e.sum(axis=1, keepdims=True)
        if log and (t % 100 == 0 or t == steps):
            log(f"mlp seed {seed} step {t} loss {-np.log(pr[gold] + 1e-12).mean():.4f}")
        pr[gold] -= 1.0
        g = (pr / n).reshape(n * C).astype(np.float32)
        dh = g[:, None] * p["v"] * (1.0 - hid ** 2)
        grads = {"w": flat.T @ g, "v": hid.T @ g, "A": flat.T @ dh, "b": dh.sum(axis=0)}
        for k in p:
            gk = grads[k] + l2 * p[k]
            m1[k] = 0.9 * m1[k] + 0.1 * gk
            m2[k] = 0.999 * m2[k] + 0.001 * gk ** 2
            p[k] -= (lr * (m1[k] / (1 - 0.9 ** t)) / (np.sqrt(m2[k] / (1 - 0.999 ** t)) + 1e-8)).astype(np.float32)
    return {k: a.astype(np.float64) for k, a in p.items()}
