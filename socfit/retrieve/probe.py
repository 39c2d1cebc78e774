"""Title probe: a linear softmax over MiniLM title vectors that reads a title as a distribution over SOC codes.

The dictionary features look at the nearest titles one by one; the probe is trained on all ~47,000 dictionary
titles at once (each title's codes as soft targets, weighted by source), so it learns which directions of the
title space separate occupations and gives a smooth second opinion where no dictionary title is close
("Combined Food Prep and Server"). Deliberately under-fit (few epochs, small steps): fit longer, it memorises
the dictionary and loses accuracy on real filings (docs/benchmarks.md, session 6).

It is trained from the pack (never from ../shared/dev) when the embeddings are built, a few seconds, and saved
beside the pack keyed like the embeddings. Leave-one-out scoring (the bench, scripts/train_ranker.py) must not
ask a probe that saw the hidden title: for those queries the probe of the title's fold is used, five models
each trained without one fifth of the titles (trained on first use, saved too).
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
import zlib
from pathlib import Path

import numpy as np

EPOCHS, LR, SCALE, L2, BATCH, SEED, FOLDS = 10, 0.002, 20.0, 1e-5, 512, 0, 5
FLOOR = -10.0  # log-probabilities below this are clipped: "the probe does not see this code at all"


def fold_of(norm_title: str) -> int:
    """Which fifth of the dictionary a normalised title belongs to (stable across runs and machines)."""
    return zlib.crc32(norm_title.encode("utf-8")) % FOLDS


def targets(codes: list[dict], socs: list[str]) -> np.ndarray:
    """(n_titles, n_socs) soft targets: each title's codes, weighted by how much their source vouches."""
    pos = {s: j for j, s in enumerate(socs)}
    Y = np.zeros((len(codes), len(socs)), np.float32)
    for i, cd in enumerate(codes):
        ws = {pos[s]: v[0] for s, v in cd.items() if s in pos}
        tot = sum(ws.values())
        for j, w in ws.items():
            Y[i, j] = w / tot
    return Y


def train(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by mini-batch Adam (numpy only; ~5 s on 2 cores)."""
    keep = Y.sum(axis=1) > 0
    X, Y = np.asarray(X[keep], np.float32), Y[keep]
    d, k = X.shape[1], Y.shape[1]
    W, b = np.zeros((d, k), np.float32), np.zeros(k, np.float32)
    m = [np.zeros_like(W), np.zeros_like(b)]
    v = [np.zeros_like(W), np.zeros_like(b)]
    rng, t = np.random.default_rng(SEED), 0
    for _ in range(EPOCHS):
        perm = rng.permutation(len(X))
        for a in range(0, len(X), BATCH):
            idx = perm[a:a + BATCH]
            xb, yb = X[idx] * SCALE, Y[idx]
            z = xb @ W + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            g = (p - yb) / len(idx)
            grads = (xb.T @ g + L2 * W, g.sum(axis=0))
            t += 1
            for j, (P, G) in enumerate(zip((W, b), grads)):
                m[j] = 0.9 * m[j] + 0.1 * G
                v[j] = 0.999 * v[j] + 0.001 * G * G
                P -= LR * (m[j] / (1 - 0.9 ** t)) / (np.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8)
    return W, b


def log_probs(vecs: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, n_socs) log-probabilities, clipped at FLOOR."""
    z = (np.atleast_2d(vecs).astype(np.float32) * SCALE) @ W + b
    z -= z.max(axis=1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
    return np.maximum(z, FLOOR)


def _save(path: Path, **arrays) -> None:
    """Write atomically; a folder that cannot be written (a read-only install, a full disk) only means the probe
    is trained again next time, so the failure is not the caller's."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _load(path: Path) -> dict | None:
    """The saved arrays, or None when the file is missing or unreadable (a half-written file is retrained)."""
    try:
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):  # a truncated copy is not a zip
        return None


class TitleProbe:
    """The probe of one dictionary (``titles``, normalised, in dictionary order): ``log_probs(vecs)``, or with
    ``exclude`` (a dictionary title id hidden for leave-one-out) the probe of that title's fold."""

    def __init__(self, W: np.ndarray, b: np.ndarray, titles: list[str], path: Path | None = None,
                 fold_data=None):
        self.W, self.b, self.titles = W, b, titles
        self.path = path
        self._fold_data = fold_data  # () -> (X, Y), only needed to train the fold models
        self._folds: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._lock = threading.Lock()

    def log_probs(self, vecs: np.ndarray, exclude: int | None = None) -> np.ndarray:
        if exclude is None:
            return log_probs(vecs, self.W, self.b)
        W, b = self.fold_model(fold_of(self.titles[exclude]))
        return log_probs(vecs, W, b)

    def fold_model(self, f: int) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._folds is None:
                self._folds = self._load_or_train_folds()
        return self._folds[f]

    def _load_or_train_folds(self) -> list[tuple[np.ndarray, np.ndarray]]:
        path = self.path.with_name(self.path.name.replace(".probe-", ".probefolds-")) if self.path else None
        got = _load(path) if path else None
        if got and all(f"W{f}" in got and f"b{f}" in got for f in range(FOLDS)):
            return [(got[f"W{f}"], got[f"b{f}"]) for f in range(FOLDS)]
        X, Y = self._fold_data()
        fold = np.array([fold_of(t) for t in self.titles])
        models = [train(X[fold != f], Y[fold != f]) for f in range(FOLDS)]
        if path:
            _save(path, **{f"{k}{f}": a for f, (W, b) in enumerate(models) for k, a in (("W", W), ("b", b))})
        return models


def probe_path(pack_path: Path, pack_id: str, titles: list[str], codes: list[dict], socs: list[str]) -> Path:
    """Keyed by pack id and a hash of the titles, their codes and weights, and the training settings (hashed as
    text: the target matrix itself is ~160 MB and only built to train)."""
    h = hashlib.sha1("\n".join(titles).encode("utf-8"))
    h.update(repr([sorted((s, v[0]) for s, v in c.items()) for c in codes]).encode("utf-8"))
    h.update(repr((socs, EPOCHS, LR, SCALE, L2, BATCH, SEED, FOLDS)).encode())
    return pack_path.with_name(f"{pack_path.name}.probe-minilm-{pack_id}-{h.hexdigest()[:10]}.npz")


def ensure_probe(pack_path: Path, pack_id: str, titles: list[str], codes: list[dict], socs: list[str],
                 X: np.ndarray) -> TitleProbe:
    """Load the probe saved beside the pack, or train and save it (atomically, superseding older ones)."""
    path = probe_path(pack_path, pack_id, titles, codes, socs)
    got = _load(path)
    if got and "W" in got and "b" in got and got["W"].shape == (X.shape[1], len(socs)):
        W, b = got["W"], got["b"]
    else:
        W, b = train(X, targets(codes, socs))
        try:
            for old in path.parent.glob(f"{pack_path.name}.probe*-minilm-*.npz"):
                old.unlink(missing_ok=True)  # superseded probes of this pack file
        except OSError:  # a folder that cannot be written: _save fails alike, the probe lives in memory
            pass
        _save(path, W=W, b=b)
    return TitleProbe(W, b, titles, path, lambda: (X, targets(codes, socs)))
