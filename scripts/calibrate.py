"""Fit the softmax temperature on real filings (../shared/dev) so that a score of 0.8 means about 80% agreement.

The fusion weights are learned on dictionary titles (scripts/train_ranker.py), where the right code is
unambiguous; real filings are noisier, so raw scores are over-confident (0.97 scored titles agreed with the
filed code 72-84% of the time). One number is fit here, by grid search on the negative log-likelihood of
the filed code among the candidates; it is written into socfit/data/ranker.json as "temperature".

usage: .venv/bin/python scripts/calibrate.py [--dev ../shared/dev]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from socfit import bench
from socfit.api import get_pack
from socfit.coder import Coder
from socfit.errors import InputError
from socfit.retrieve import rank


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=str(Path(__file__).resolve().parents[2] / "shared" / "dev"))
    a = ap.parse_args()
    coder = Coder(get_pack())
    path = Path(__file__).resolve().parent.parent / "socfit" / "data" / "ranker.json"
    raw = json.loads(path.read_text("utf-8"))["weights"]
    w = np.array([raw[f] for f in rank.FEATURES], dtype=np.float32)  # before any temperature
    params = rank.filing_prior_params()  # the filing prior is on for English titles: fit with it
    fp = rank.filing_prior({**params, "temperature": 1.0}) if params else {}  # before any temperature
    data: dict[str, list] = {}
    for f in sorted(Path(a.dev).glob("*.csv")):
        for r in bench.read_set(f):
            acc = bench.acceptable(r)
            try:
                _, norm, _, _ = coder._prepare(r["title"], None)  # same normalisation (and spelling) as coding
            except InputError:  # a title the coder refuses ("50")
                continue
            if not acc or not norm or not coder._english(r["title"], norm):
                continue
            v = coder.minilm.encode([norm])[0]
            socs, X, _ = rank.features(coder.ix, rank.Query(r["title"], norm, v, None, None))
            gold = [i for i, s in enumerate(socs) if s in acc]
            if gold:
                data.setdefault(f.stem, []).append((X @ w + np.array([fp.get(s, 0.0) for s in socs]), gold))

    def nll(rows, t: float) -> float:
        out = 0.0
        for z, gold in rows:
            z = z / t
            z = z - z.max()
            p = np.exp(z) / np.exp(z).sum()
            out -= np.log(p[gold].sum() + 1e-12)
        return out / max(len(rows), 1)

    def fit_t(rows) -> float:
        return min((round(float(t), 2) for t in np.arange(1.0, 4.01, 0.05)), key=lambda t: nll(rows, t))

    # Cross-validation: fit on one real-filing set, measure on the other (the held-out sets are other programs).
    names = sorted(data)
    for k in names:
        others = [r for n in names if n != k for r in data[n]]
        if others:
            t = fit_t(others)
            print(f"fit on {'+'.join(n for n in names if n != k)}: T={t}; on {k}: NLL {nll(data[k], t):.3f} "
                  f"(T=1: {nll(data[k], 1.0):.3f}, own best T={fit_t(data[k])}: {nll(data[k], fit_t(data[k])):.3f})")
    rows = [r for n in names for r in data[n]]
    best = (fit_t(rows), 0.0)
    best = (best[0], nll(rows, best[0]) * len(rows))
    data = rows
    d = json.loads(path.read_text("utf-8"))
    d["temperature"] = best[0]
    d["temperature_fit"] = f"NLL on {len(data)} English rows of {a.dev} whose filed code is among the candidates"
    path.write_text(json.dumps(d, indent=2) + "\n", encoding="utf-8")
    print(f"temperature {best[0]} (mean NLL {best[1] / len(data):.3f}, {len(data)} rows)")


if __name__ == "__main__":
    main()
