"""Learn the filing conventions: where real filings end up when the coder ranks a title a given way; writes
socfit/data/filing_conventions.json (socfit/retrieve/conventions.py says how they are applied).

Each labelled filing in ../shared/dev is coded as `socfit bench` codes it (5 folds, the fold's own labels out
of the filing prior, conventions off); the probability the coder gave each code is credited to the code the
filing carried, both to the code's row and to the rows of that code and each word of the filing's normalised
title. The mixing weight ``lambda`` and the smoothings ``alpha`` and ``beta`` (word rows) are chosen by 5-fold
cross-validation
(each fold's own filings out of the table), under the same cap as the filing prior: O*NET reported titles,
scored leave-one-out with the full table, may lose at most 0.01 top-1 or top-5, and so may O*NET occupation
titles typed exactly (leave-one-out hides an exact title, so it cannot see a table that overrules one).

Run after scripts/calibrate.py (the conventions work on the calibrated probabilities).
usage: .venv/bin/python scripts/train_filing_conventions.py [--dev ../shared/dev]
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from socfit import bench
from socfit.coder import Coder
from socfit.retrieve import rank
from socfit.retrieve.conventions import Conventions, add, domain

LAMBDAS = [0.0, 0.3, 0.5, 0.7, 0.9]
ALPHAS = [0.5, 1.0, 2.0, 4.0]
BETAS = [None, 1.0, 2.0, 4.0, 8.0]  # title-word rows: None leaves them out
# Word rows lighter than this are not shipped: their say n / (n + beta) would be under ~5%. Session 9, CV at
# lambda 0.9, alpha 4, beta 2: none 0.552 / 0.774 (H-2B), 0.609 / 0.858 (LCA), table 1.6 MB; 0.1: 0.552 / 0.772,
# 0.609 / 0.857, 0.77 MB; 0.3: 0.551 / 0.769, 0.609 / 0.857, 0.58 MB.
MIN_WORD_ROW = 0.1
# No move between codes this many Job Zones apart or more: one H-2B "President" filed as 31-1122 Personal Care
# Aides (Job Zone 2) sent a fifth of every chief executive's mass (Job Zone 5) there, so "President and Founder"
# showed Personal Care Aides second at 0.19. Session 10, CV at the shipped setting: 3 changed nothing (such cells
# hold 2.5 of ~3,000 soft counts, 0.93 of them that one filing); 2 cost 0.001-0.003 top-1 (it also drops
# technologist -> physician moves the LCA filings make).
MAX_ZONE_STEP = 3
MAX_GENERAL_LOSS = 0.01


def shipped(counts: dict, zones: dict[str, float]) -> dict:
    """The table as shipped, light word rows and moves across MAX_ZONE_STEP Job Zones dropped; cross-validation
    scores this same table. ``zones``: SOC code -> mean Job Zone of its O*NET occupations."""
    out = {}
    for p, row in counts.items():
        z = zones.get(p.split("|")[0])
        kept = {c: v for c, v in row.items()
                if z is None or zones.get(c) is None or abs(z - zones[c]) < MAX_ZONE_STEP}
        if kept and ("|" not in p or sum(kept.values()) >= MIN_WORD_ROW):
            out[p] = kept
    return out


def cv_dists(coder: Coder, rows: list[dict], folds: int) -> tuple[list, list[list[int]]]:
    """Each row's distribution as `socfit bench` sees it before the conventions, and the folds."""
    params = rank.filing_prior_params()
    idx = list(range(len(rows)))
    random.Random(0).shuffle(idx)  # the same folds as bench.evaluate_cv
    parts = [idx[f::folds] for f in range(folds)]
    dists: list = [None] * len(rows)
    saved = coder.filing_prior
    try:
        for part in parts:
            fold = [rows[i] for i in part]
            if params and saved:
                coder.filing_prior = rank.filing_prior(params, bench.label_counts(bench.acceptable(r) for r in fold))
            for i, d in zip(part, bench.title_only_dists(coder, fold)):
                dists[i] = d
    finally:
        coder.filing_prior = saved
        coder._memo.clear()
    return dists, parts


def accuracy(items, conv: Conventions) -> tuple[float, float]:
    """Top-1 / top-5 over (distribution, acceptable codes); rows the conventions skip count as they were."""
    h1 = h5 = 0
    for d, acc in items:
        if not d:
            continue
        if conv:
            socs, p, _ = conv.apply([x[0] for x in d], [x[1] for x in d], [x[2] for x in d], d.words)
            top = [socs[j] for j in np.argsort(-np.asarray(p), kind="stable")[:5]]
        else:
            top = [x[0] for x in d[:5]]
        h1 += top[0] in acc
        h5 += any(s in acc for s in top)
    n = max(sum(1 for d, _ in items if d), 1)
    return h1 / n, h5 / n


def main() -> None:
    a, coder, sets = bench.training_setup(__doc__)
    data = {}
    for k, rows in sets.items():
        dists, parts = cv_dists(coder, rows, a.folds)
        accs = [bench.acceptable(r) for r in rows]
        groups = domain(accs)
        data[k] = (dists, accs, parts, groups)
        print(f"{k}: {sum(1 for d in dists if d)} title-only English rows; learns from major groups {sorted(groups)}")
    general_rows = bench.reported_titles_set(coder, 2000)
    general = list(zip(bench.title_only_dists(coder, general_rows, loo=True), [bench.acceptable(r) for r in general_rows]))
    exact_rows = bench.exact_titles_set(coder)
    exact = list(zip(bench.title_only_dists(coder, exact_rows), [bench.acceptable(r) for r in exact_rows]))
    zones = bench.job_zones(coder.pack)
    total: dict = {}
    for dists, accs, _, groups in data.values():
        add(total, bench.fold_contributions(dists, accs, groups))

    # each fold's table without its own filings, once (the settings below only re-weight it)
    folds_left = {k: [Conventions(total).minus(bench.fold_contributions([dists[i] for i in part],
                                                                        [accs[i] for i in part], groups))
                      for part in parts] for k, (dists, accs, parts, groups) in data.items()}

    def cv(lam: float, alpha: float, beta: float | None) -> dict[str, tuple[float, float]]:
        res = {}
        for k, (dists, accs, parts, groups) in data.items():
            hits = []
            for part, left in zip(parts, folds_left[k]):
                conv = Conventions(shipped(left.counts, zones), lam, alpha, beta)
                items = [(dists[i], accs[i]) for i in part]
                hits.append((accuracy(items, conv), sum(1 for d, _ in items if d)))
            n = sum(w for _, w in hits)
            res[k] = tuple(float(sum(v[j] * w for v, w in hits) / n) for j in (0, 1))
        full = Conventions(shipped(total, zones), lam, alpha, beta)
        res["reported titles (LOO)"] = accuracy(general, full)
        res["O*NET occupation titles"] = accuracy(exact, full)
        return res

    base = cv(0.0, 1.0, None)
    best, best_key = (0.0, 1.0, None, base), float(np.mean([(t1 + t5) / 2 for k, (t1, t5) in base.items() if k in data]))
    for lam in LAMBDAS[1:]:
        for alpha in ALPHAS:
            for beta in BETAS:
                res = cv(lam, alpha, beta)
                key = float(np.mean([(t1 + t5) / 2 for k, (t1, t5) in res.items() if k in data]))
                loss = max(b - r for k in ("reported titles (LOO)", "O*NET occupation titles")
                           for b, r in zip(base[k], res[k]))
                print(f"lambda {lam} alpha {alpha} beta {beta}: "
                      + ", ".join(f"{k} {t1:.3f}/{t5:.3f}" for k, (t1, t5) in res.items())
                      + ("" if loss <= MAX_GENERAL_LOSS else "  (over the general-titles cap)"), flush=True)
                if loss <= MAX_GENERAL_LOSS and key > best_key:
                    best, best_key = (lam, alpha, beta, res), key
    lam, alpha, beta, res = best
    head = {
        "lambda": lam, "alpha": alpha, "beta": beta,
        "domains": {k: sorted(v[3]) for k, v in data.items()},
        "source": f"{sum(1 for v in data.values() for x in v[0] if x)} title-only filings in {', '.join(sets)}",
        "cross_validated": {k: {"top1": round(t1, 3), "top5": round(t5, 3)} for k, (t1, t5) in res.items()},
        "without_conventions": {k: {"top1": round(t1, 3), "top5": round(t5, 3)} for k, (t1, t5) in base.items()},
    }
    counts = {p: {c: round(v, 4) for c, v in sorted(row.items()) if v >= 1e-4} for p, row in sorted(total.items())
              if beta is not None or "|" not in p}
    counts = shipped(counts, zones)
    rows = [f"  {json.dumps(p)}: {json.dumps(r)}" for p, r in counts.items() if r]  # one line per ranked code
    text = json.dumps(head, indent=1)[:-2] + ',\n "counts": {\n' + ",\n".join(rows) + "\n }\n}\n"
    path = Path(__file__).resolve().parent.parent / "socfit" / "data" / "filing_conventions.json"
    path.write_text(text, encoding="utf-8")
    print(f"chosen lambda {lam}, alpha {alpha}, beta {beta}; wrote {path}")


if __name__ == "__main__":
    main()
