"""Filing conventions: where real filings end up when the coder ranks a title a given way.

The dictionary says what an occupation is called; it cannot say which code employers and DOL analysts
actually put on the form for it. Labelled filings (../shared/dev) show systematic moves: titles the coder
reads as 45-2093 "Farmworkers, Farm, Ranch, and Aquacultural Animals" (stable hands, grooms) are filed under
39-2021 "Animal Caretakers" in H-2B, because H-2B is for non-farm work; physician titles the coder reads as a
specialty are often filed under 29-1229 "Physicians, All Other". A transition table learns those moves.

``counts[p][c]`` is the probability mass the coder gave code ``p`` on filings whose code was ``c`` (soft
counts, scripts/train_filing_conventions.py). For a new English title without duties the coder's
probabilities ``q`` become ``(1 - lam) * q(c) + lam * sum_p q(p) * T(c | p)`` with
``T(c | p) = (counts[p][c] + alpha * [c == p]) / (n_p + alpha)``: a code seen rarely in filings keeps its
mass in proportion (``alpha`` against its count: with alpha 1, a code seen in one filing passes on half of
``lambda``; with the shipped alpha 4, a fifth, while a code seen in 40 passes on nine tenths). A code the title matches exactly in the dictionary keeps its mass in proportion to
that entry's weight (an O*NET or SOC title fully), whatever filings did. A code it brings in that the coder
did not rank is added as a candidate, and every candidate says how much of its score the conventions moved.

**Title words.** The same code is filed differently depending on what the title says: a title read as 29-1229
"Physicians, All Other" goes to 29-9099 "Healthcare Practitioners, All Other" when it says "resident" or
"fellow" far more often than when it says "attending". So the table also keeps rows keyed by a code and one
word of the normalised title (``"29-1229|resident"``), counted from the same filings. Each word row the title
has is an expert whose say grows with its evidence: ``T'(c | p, words) = (T(c | p) + sum_w g_w R_w(c)) /
(1 + sum_w g_w)``, where ``R_w`` is the word row normalised and ``g_w = n_w / (n_w + beta)``; words no filing
had change nothing, and a word seen in few filings changes little.

A labelled set chosen by its codes (the LCA set holds healthcare codes only) says nothing about filings
outside its selection: a set only teaches moves from the SOC major groups its own labels cover
(``domain``), so a healthcare set cannot move "Professor" or "Research Scientist" into healthcare codes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from socfit.retrieve.rank import _data

Counts = dict[str, dict[str, float]]  # row key (a code, or "code|word") -> filed code -> soft count
MIN_ADDED = 1e-5  # a code the coder did not rank joins the candidates when the table sends it this much
MIN_MOVED = 1e-4  # a ranked code passes mass on when it holds at least this much


@dataclass
class Conventions:
    counts: Counts = field(default_factory=dict)
    lam: float = 0.0
    alpha: float = 1.0
    beta: float | None = None  # smoothing of the title-word rows; None: word rows unused

    def __bool__(self) -> bool:
        return bool(self.counts) and self.lam > 0

    def minus(self, other: Counts) -> "Conventions":
        """The same table with ``other``'s soft counts taken out (the benchmark scores each dev fold with the
        fold's own filings removed)."""
        out: Counts = {}
        for p, row in self.counts.items():
            sub = other.get(p, {})
            kept = {c: v - sub.get(c, 0.0) for c, v in row.items()}
            kept = {c: v for c, v in kept.items() if v > 1e-9}
            if kept:
                out[p] = kept
        return Conventions(out, self.lam, self.alpha, self.beta)

    def _matrix(self) -> tuple[dict[str, int], list[str], np.ndarray]:
        """(code -> index, codes, T) with T[p, c] = T(c | p) for every code filings reached; built once."""
        cached = self.__dict__.get("_cache")
        if cached is None:
            codes = sorted({k for k in self.counts if "|" not in k} | {c for row in self.counts.values() for c in row})
            at = {c: i for i, c in enumerate(codes)}
            T = np.zeros((len(codes), len(codes)), dtype=np.float64)
            for p, row in self.counts.items():
                if "|" in p:
                    continue
                z = sum(row.values()) + self.alpha
                i = at[p]
                T[i, i] += self.alpha / z
                for c, v in row.items():
                    T[i, at[c]] += v / z
            cached = self.__dict__["_cache"] = (at, codes, T)
        return cached

    def _word_rows(self) -> dict[str, dict[str, tuple[float, np.ndarray, np.ndarray, dict[int, float]]]]:
        """word -> code -> (g, columns, g * R_w values, the same as a dict) of the word rows; built once (a
        title's words are looked up for every code it passes mass from, tens of thousands of times in a batch).
        ``g = n / (n + beta)`` is the row's say and ``R_w`` the row normalised by its count ``n``."""
        cached = self.__dict__.get("_word_cache")
        if cached is None:
            at = self._matrix()[0]
            cached = {}
            for key, r in self.counts.items():
                if "|" not in key or not r or self.beta is None:
                    continue
                n = sum(r.values())
                if n > 0:
                    p, w = key.split("|", 1)
                    g = n / (n + self.beta)
                    cols = np.array([at[c] for c in r], np.int64)
                    vals = g * np.array(list(r.values()), np.float64) / n
                    cached.setdefault(w, {})[p] = (g, cols, vals, dict(zip(cols.tolist(), vals.tolist())))
            self.__dict__["_word_cache"] = cached
        return cached

    def _experts(self, ps: list[str], words) -> tuple[np.ndarray, list[tuple[int, tuple]]]:
        """For codes ``ps``: each row's normaliser ``1 + sum g`` and the (row, word row) pairs that turn it.
        T'(. | p) = (T(. | p) + sum of the word rows) / normaliser, kept sparse: a title has a few words, and
        copying dense rows to add them cost more than the rest of the conventions together (session 20)."""
        total = np.ones(len(ps))
        pairs: list[tuple[int, tuple]] = []
        if self.beta is None or not words:
            return total, pairs
        by_word = self._word_rows()
        at: dict[str, int] | None = None
        # sorted, words and rows: the sums then run in one order whatever the process's string hashing, so a
        # title gets the same scores to the last bit in every run
        for w in sorted(words):
            mine = by_word.get(w)
            if not mine:
                continue
            if at is None:
                at = {p: k for k, p in enumerate(ps)}
            for k in sorted(at[p] for p in at.keys() & mine.keys()):
                e = mine[ps[k]]
                pairs.append((k, e))
                total[k] += e[0]
        return total, pairs

    def _spread(self, ps: list[str], m: np.ndarray, words) -> np.ndarray:
        """``m @ T'`` over the rows of ``ps``: the mass each code of the table receives when code ``ps[k]``
        passes on ``m[k]``."""
        at, codes, _ = self._matrix()
        sparse = self._sparse_rows()
        total, pairs = self._experts(ps, words)
        scale = m / total
        # T's rows are sparse (24 of 646 codes on average): every row, the word rows with them, in one bincount
        parts = [sparse[at[p]] for p in ps] + [e[1:3] for _, e in pairs]
        ks = list(range(len(ps))) + [k for k, _ in pairs]
        cols = np.concatenate([c for c, _ in parts])
        vals = np.concatenate([v for _, v in parts]) * np.repeat(scale[ks], [len(c) for c, _ in parts])
        return np.bincount(cols, weights=vals, minlength=len(codes))

    def _sparse_rows(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """T's rows as (columns, values) of their non-zero entries; built once."""
        cached = self.__dict__.get("_sparse_cache")
        if cached is None:
            T = self._matrix()[2]
            cached = self.__dict__["_sparse_cache"] = [(np.flatnonzero(r), r[np.flatnonzero(r)]) for r in T]
        return cached

    def _column(self, ps: list[str], words, col: int) -> np.ndarray:
        """T'(code ``col`` | p) for each code in ``ps``."""
        at, _, T = self._matrix()
        total, pairs = self._experts(ps, words)
        out = T[[at[p] for p in ps], col].copy()
        for k, e in pairs:
            out[k] += e[3].get(col, 0.0)
        return out / total

    def apply(self, socs: list[str], probs, stay=None, words=()) -> tuple[list[str], np.ndarray, np.ndarray]:
        """New (codes, probabilities, moved) for the coder's ``socs`` and ``probs``: codes the table brings in
        are appended; ``moved`` is each code's new probability minus its old one. ``stay`` (0..1 per code)
        holds that share of a code's mass in place: the coder passes the weight of an exact dictionary match,
        so "Sailor" stays 53-5011 Sailors and Marine Oilers, whatever a few filings did. ``words`` are the
        normalised title's words (the word rows)."""
        at, codes, T = self._matrix()
        q = np.asarray(probs, dtype=np.float64)
        new = q.copy()
        rows = self._movers(socs, q)
        if not rows:
            return list(socs), new, np.zeros(len(socs))
        m = self.lam * q[rows]
        if stay is not None:
            m = m * (1.0 - np.clip(np.asarray(stay, dtype=np.float64)[rows], 0.0, 1.0))
        new[rows] -= m
        spread = self._spread([socs[i] for i in rows], m, words)  # mass arriving at each code of the table
        col = np.array([at.get(s, -1) for s in socs])
        known = col >= 0
        new[known] += spread[col[known]]
        spread[col[known]] = 0.0
        extra_cols = np.flatnonzero(spread > MIN_ADDED).tolist()  # codes the coder did not rank
        new_all = np.concatenate([new, spread[extra_cols]])
        moved = new_all - np.concatenate([q, np.zeros(len(extra_cols))])
        return list(socs) + [codes[u] for u in extra_cols], new_all, moved

    def source(self, socs: list[str], probs, code: str, words=()) -> str | None:
        """The other ranked code that passed ``code`` the most mass (the evidence for a move)."""
        at, _, _ = self._matrix()
        q = np.asarray(probs, dtype=np.float64)
        rows = [i for i in self._movers(socs, q) if socs[i] != code]
        if not rows or code not in at:
            return None
        gain = q[rows] * self._column([socs[i] for i in rows], words, at[code])
        return socs[rows[int(np.argmax(gain))]] if gain.max() > 0 else None

    def words_for(self, p: str, code: str, words, k: int = 2) -> list[str]:
        """The title's words whose rows for ``p`` sent filings to ``code`` the most (the evidence for a move
        the word rows made), at most ``k``."""
        if self.beta is None:
            return []
        got = [(self.counts.get(f"{p}|{w}", {}).get(code, 0.0), w) for w in words]
        return [w for v, w in sorted(got, key=lambda x: (-x[0], x[1])) if v > 0][:k]

    def _movers(self, socs: list[str], q: np.ndarray) -> list[int]:
        # codes under MIN_MOVED keep their mass: what they could pass on cannot change a ranking
        return [i for i in np.flatnonzero(q > MIN_MOVED).tolist() if socs[i] in self.counts]


def domain(accs, share: float = 0.01) -> set[str]:
    """The SOC major groups ("29") that hold at least ``share`` of a labelled set's codes."""
    n: dict[str, float] = defaultdict(float)
    for acc in accs:
        for c in acc:
            n[c[:2]] += 1 / len(acc)
    total = sum(n.values()) or 1.0
    return {g for g, v in n.items() if v / total >= share}


class Dist(list):
    """The coder's ``(code, probability, exact-match weight)`` list for one title, with the normalised title's
    words (scripts/train_filing_conventions.py learns the word rows from them)."""

    words: frozenset = frozenset()


def contributions(dist: list[tuple], acceptable: set[str], groups: set[str] | None = None) -> Counts:
    """One filing's soft counts: the mass the coder gave each code, split evenly over the acceptable codes
    (an H-2B row mapped from SOC 2010 may accept several 2018 codes); only codes in ``groups`` (the set's
    domain) teach anything. A ``Dist`` also counts towards the rows of its title's words."""
    out: Counts = defaultdict(dict)
    k = len(acceptable)
    words = sorted(getattr(dist, "words", ()))
    for p, q, *_ in dist:  # (code, probability[, exact-match weight])
        if groups is not None and p[:2] not in groups:
            continue
        for key in [p] + [f"{p}|{w}" for w in words]:
            row = out[key]
            for c in acceptable:
                row[c] = row.get(c, 0.0) + q / k
    return dict(out)


def add(total: Counts, part: Counts) -> Counts:
    for p, row in part.items():
        dst = total.setdefault(p, {})
        for c, v in row.items():
            dst[c] = dst.get(c, 0.0) + v
    return total


def load() -> Conventions:
    """The shipped table (socfit/data/filing_conventions.json); an empty one before training."""
    d = _data("filing_conventions.json")
    if not d:
        return Conventions()
    beta = d.get("beta")
    return Conventions({p: dict(r) for p, r in d["counts"].items()}, float(d["lambda"]), float(d["alpha"]),
                       None if beta is None else float(beta))
