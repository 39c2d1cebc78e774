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
mass; one seen often passes it on the way the filings did. A move needs at least ``min_count`` filings'
worth of mass (one stray filing does not send "Software Engineer" mass to "Waiters"); smaller cells keep
their mass on ``p``. A code it brings in that the coder did not rank is added as a candidate, and every
candidate says how much of its score the conventions moved.

A labelled set chosen by its codes (the LCA set holds healthcare codes only) says nothing about filings
outside its selection: a set only teaches moves from the SOC major groups its own labels cover
(``domain``), so a healthcare set cannot move "Professor" or "Research Scientist" into healthcare codes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from socfit.retrieve.rank import _data

Counts = dict[str, dict[str, float]]


@dataclass
class Conventions:
    counts: Counts = field(default_factory=dict)
    lam: float = 0.0
    alpha: float = 1.0
    min_count: float = 0.0

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
        return Conventions(out, self.lam, self.alpha, self.min_count)

    def apply(self, socs: list[str], probs: list[float]) -> tuple[list[str], list[float], list[float], dict[str, str]]:
        """New (codes, probabilities, moved, via) for the coder's ``socs`` and ``probs``: codes the table
        brings in are appended; ``moved`` is each code's new probability minus its old one; ``via`` names,
        for each appended code, the ranked code that passed it the most mass."""
        lam, alpha, m = self.lam, self.alpha, self.min_count
        pos = {s: i for i, s in enumerate(socs)}
        new = [(1.0 - lam) * p for p in probs]
        out_socs = list(socs)
        via: dict[str, tuple[str, float]] = {}
        for p, q in zip(socs, probs):
            row = self.counts.get(p)
            if not row or q <= 0.0:
                new[pos[p]] += lam * q
                continue
            z = sum(row.values()) + alpha
            new[pos[p]] += lam * q * (alpha + sum(v for c, v in row.items() if v < m and c != p)) / z
            for c, v in row.items():
                if v < m and c != p:
                    continue
                j = pos.get(c)
                if j is None:
                    j = pos[c] = len(out_socs)
                    out_socs.append(c)
                    new.append(0.0)
                new[j] += lam * q * v / z
                if j >= len(socs) and lam * q * v / z > via.get(c, ("", 0.0))[1]:
                    via[c] = (p, lam * q * v / z)
        old = list(probs) + [0.0] * (len(out_socs) - len(socs))
        return out_socs, new, [n - o for n, o in zip(new, old)], {c: p for c, (p, _) in via.items()}


def domain(accs, share: float = 0.01) -> set[str]:
    """The SOC major groups ("29") that hold at least ``share`` of a labelled set's codes."""
    n: dict[str, float] = defaultdict(float)
    for acc in accs:
        for c in acc:
            n[c[:2]] += 1 / len(acc)
    total = sum(n.values()) or 1.0
    return {g for g, v in n.items() if v / total >= share}


def contributions(dist: list[tuple[str, float]], acceptable: set[str], groups: set[str] | None = None) -> Counts:
    """One filing's soft counts: the mass the coder gave each code, split evenly over the acceptable codes
    (an H-2B row mapped from SOC 2010 may accept several 2018 codes); only codes in ``groups`` (the set's
    domain) teach anything."""
    out: Counts = defaultdict(dict)
    k = len(acceptable)
    for p, q in dist:
        if groups is not None and p[:2] not in groups:
            continue
        for c in acceptable:
            out[p][c] = out[p].get(c, 0.0) + q / k
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
    return Conventions({p: dict(r) for p, r in d["counts"].items()}, float(d["lambda"]), float(d["alpha"]),
                       float(d.get("min_count", 0.0)))
