"""Learn the filing prior: how often real filings use each SOC code; writes socfit/data/filing_prior.json.

The dictionary gives every occupation its titles, so nothing in it says that employers file most physicians
under 29-1229 or most seasonal laborers under 37-3011. The labelled filings in ../shared/dev do: the prior is
one count per SOC code (no titles), turned into the score term ``weight * log((n + a) / a)`` for English
titles coded without duties. The weight and the smoothing ``a`` are chosen by 5-fold cross-validation: the
counts come from the training folds (and the other set), accuracy from the held-out fold, so the figures
printed are what an unseen filing of the same kind gets. The cost on general titles is measured too: O*NET
reported titles scored leave-one-out, with the prior from all filings.

Run after scripts/train_ranker.py and before scripts/calibrate.py (the temperature is fit with the prior on).
usage: .venv/bin/python scripts/train_filing_prior.py [--dev ../shared/dev]
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import numpy as np

from socfit import bench
from socfit.coder import Coder
from socfit.errors import InputError
from socfit.retrieve import rank

WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
SMOOTHING = [0.5, 1.0, 2.0]
MAX_GENERAL_LOSS = 0.01  # reported titles top-1 and top-5 may each drop at most this much


def counts(accs) -> Counter:
    return Counter(bench.label_counts(accs))


def collect(coder: Coder, rows: list[dict], loo: bool = False) -> list[tuple[list[str], np.ndarray, set[str]]]:
    """(candidate codes, raw linear scores, acceptable codes) per English title, as the coder ranks it."""
    raw = rank._data("ranker.json")["weights"]
    w = np.array([raw[f] for f in rank.FEATURES], dtype=np.float32)  # before the temperature
    out = []
    for r in rows:
        acc = bench.acceptable(r)
        try:
            title, norm, _, _ = coder._prepare(r["title"], None)
        except InputError:  # a title the coder refuses ("50")
            continue
        if not acc or not norm or not coder._english(title, norm):
            continue
        v = coder.minilm.encode([norm])[0]
        q = rank.Query(title, norm, v, None, None, exclude=coder.ix.by_title.get(norm) if loo else None)
        socs, X, _ = rank.features(coder.ix, q)
        out.append((socs, X @ w, acc))
    return out


def accuracy(data, cnt: Counter, weight: float, a: float) -> tuple[float, float]:
    prior = rank.filing_prior({"weight": weight, "smoothing": a, "counts": cnt})
    h1 = h5 = 0
    for socs, z, acc in data:
        if not socs:
            continue
        top = [socs[j] for j in np.argsort(-(z + np.array([prior.get(s, 0.0) for s in socs])))[:5]]
        h1 += top[0] in acc
        h5 += any(s in acc for s in top)
    n = max(len(data), 1)
    return h1 / n, h5 / n


def main() -> None:
    a, coder, sets = bench.training_setup(__doc__)
    data = {k: collect(coder, rows) for k, rows in sets.items()}
    general = collect(coder, bench.reported_titles_set(coder, 2000), loo=True)
    labels = {k: [bench.acceptable(r) for r in rows] for k, rows in sets.items()}
    everything = sum((counts(v) for v in labels.values()), Counter())

    def cv(weight: float, sm: float) -> dict[str, tuple[float, float]]:
        res = {}
        for k, d in data.items():
            idx = list(range(len(d)))
            random.Random(0).shuffle(idx)
            scores = []
            for f in range(a.folds):  # as `socfit bench` scores it: all filings minus the held-out fold's labels
                test = [d[i] for i in idx[f::a.folds]]
                scores.append(accuracy(test, everything - counts(acc for _, _, acc in test), weight, sm))
            res[k] = tuple(float(x) for x in np.mean(scores, axis=0))
        res["reported titles (LOO)"] = accuracy(general, everything, weight, sm)
        return res

    base = cv(0.0, 1.0)
    best, best_key = None, -1.0
    for weight in WEIGHTS:
        for sm in SMOOTHING:
            res = cv(weight, sm)
            filings = [v for k, v in res.items() if k in data]
            key = float(np.mean([(t1 + t5) / 2 for t1, t5 in filings]))
            loss = max(b - r for b, r in zip(base["reported titles (LOO)"], res["reported titles (LOO)"]))
            print(f"weight {weight} a {sm}: " + ", ".join(f"{k} {t1:.3f}/{t5:.3f}" for k, (t1, t5) in res.items()))
            if loss <= MAX_GENERAL_LOSS and key > best_key:
                best, best_key = (weight, sm, res), key
    weight, sm, res = best
    out = {
        "weight": weight, "smoothing": sm,
        "source": f"{sum(1 for v in labels.values() for acc in v if acc)} labelled filings in {', '.join(sets)}",
        "cross_validated": {k: {"top1": round(t1, 3), "top5": round(t5, 3)} for k, (t1, t5) in res.items()},
        "without_prior": {k: {"top1": round(t1, 3), "top5": round(t5, 3)} for k, (t1, t5) in base.items()},
        "counts": {s: round(n, 2) for s, n in sorted(everything.items())},
    }
    path = Path(__file__).resolve().parent.parent / "socfit" / "data" / "filing_prior.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"chosen weight {weight}, smoothing {sm}; wrote {path}")


if __name__ == "__main__":
    main()
