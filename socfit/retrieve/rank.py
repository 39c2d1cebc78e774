"""Candidate generation and fusion: per-candidate features, a learned linear scorer, softmax calibration.

Features (per SOC code, for one query):
  exact      weight of the dictionary entry equal to the normalised title (0 when none)
  exact_uniq 1/(number of codes sharing that exact title)
  d_max      best cosine between the title and any dictionary title of this code (MiniLM)
  d_vote     soft vote of the 30 nearest dictionary titles
  b_max      best BM25 of a title of this code, relative to the query's best
  b_vote     soft vote of the 30 best BM25 titles
  occ        cosine between the title and the code's SOC title
  e5         best cosine with the code's curated or one-/two-word titles in the multilingual encoder (non-English only)
  duty       mean over duty statements of the best cosine with this code's O*NET tasks (0 without duties)
  prior      log national employment, scaled to 0..1
  head       how many of the code's dictionary titles end in the query's head noun ("laborer", "manager"), log-scaled
  cover      IDF-weighted share of the query's tokens found anywhere in the code's titles
  duty_c     cosine between the mean of the duty statements and the mean of the code's O*NET tasks (0 without
             duties): the duties as a whole against the occupation as a whole, steadier than the best single task
  probe      the title probe's log-probability of the code (socfit/retrieve/probe.py), scaled to 0..1
  duty_p     the same probe asked about each duty statement, log-probabilities averaged, scaled like probe:
             which occupation's titles the duties read like (0 without duties). Jargon that O*NET's task
             statements lack ("fine-tune large language models with RLHF") is often near the field's titles
Weights come from scripts/train_ranker.py (leave-one-out on O*NET reported titles and BLS DMTF titles);
see socfit/data/ranker.json. With duties the score is a small network over the same features
(socfit/retrieve/mlp.py) when ranker.json has one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from socfit.retrieve.index import DUTY_TITLES_K, TitleIndex, bm25
from socfit.retrieve.mlp import MLP, RANK_COLS, Z_COLS
from socfit.retrieve.probe import FLOOR

FEATURES = ["exact", "exact_uniq", "d_max", "d_vote", "b_max", "b_vote", "occ", "e5", "duty", "prior", "head",
            "cover", "duty_c", "probe", "duty_p", "tasks", "duty_t"]
TASKS_LOG_SCALE = math.log(200)  # feature ``tasks``: log(number of the code's O*NET tasks) / this
PROBE_TOP = 5  # codes the title probe brings in as candidates
USE_MIX = 0.5  # e5 and USE z-scores summed, times this (docs/coder.md step 3)
K = 30
CURATED = {"onet_title", "soc_title", "dmtf"}


@dataclass
class Query:
    title: str
    norm: str
    vec: np.ndarray | None  # MiniLM vector of the normalised title
    e5: np.ndarray | None  # multilingual vector of the raw title (non-English titles)
    duty_vecs: np.ndarray | None  # MiniLM vectors of duty statements
    exclude: int | None = None  # dictionary id to hide (leave-one-out evaluation)
    foreign: bool = False  # non-English title: English-only signals (tokens, MiniLM) are noise, use e5 only
    sims: np.ndarray | None = None  # precomputed title similarities (batch mode: one matrix product per batch)
    probe: np.ndarray | None = None  # precomputed title-probe log-probabilities (batch mode, likewise)
    task_sims: tuple | None = None  # precomputed ``TitleIndex.task_sims`` of the duties (batch mode, likewise)
    hide_tasks: tuple[int, ...] = ()  # task rows hidden from the duty signals (training and the bench only)
    use: np.ndarray | None = None  # Universal Sentence Encoder vector of the raw title (non-English titles)
    ml_sims: np.ndarray | None = None  # precomputed ``multilingual_sims`` over the titles (batch mode)
    duty_titles: tuple | None = None  # precomputed ``TitleIndex.duty_titles`` of the duties (batch mode)
    duty_probe: np.ndarray | None = None  # precomputed title-probe log-probabilities of each duty (batch mode)


def _data(name: str) -> dict:
    """A learned-parameter file shipped in socfit/data ({} when it is not there yet)."""
    try:
        return json.loads(resources.files("socfit").joinpath(f"data/{name}").read_text("utf-8"))
    except FileNotFoundError:
        return {}


def load_weights() -> dict[str, np.ndarray]:
    """{'en', 'multilingual', 'duties', 'duties_vague'} -> weights; equal weights before the first training run."""
    d = _data("ranker.json")
    ones = {f: 1.0 for f in FEATURES}
    en = d.get("weights", ones)
    ml = d.get("weights_multilingual", en)
    du = d.get("weights_duties", en)
    dv = d.get("weights_duties_vague", du)
    t = float(d.get("temperature", 1.0))  # calibration on real filings (scripts/calibrate.py)
    return {k: np.array([v.get(f, 0.0) for f in FEATURES], dtype=np.float32) / t
            for k, v in (("en", en), ("multilingual", ml), ("duties", du), ("duties_vague", dv))}


def load_mlps() -> dict[str, "MLP"]:
    """{'duties', 'duties_vague'} -> the non-linear ranker (socfit/retrieve/mlp.py) where ranker.json has one,
    its output divided by the temperature like the linear weights; {} before training."""
    d = _data("ranker.json")
    t = float(d.get("temperature", 1.0))
    out = {}
    width = len(FEATURES) + len(Z_COLS) + len(RANK_COLS)
    for kind in ("duties", "duties_vague"):
        if d.get(f"mlp_{kind}"):
            out[kind] = MLP(d[f"mlp_{kind}"], scale=1.0 / t)
            if len(out[kind].mu) != width:  # else a NumPy shape error at the first query with duties
                raise ValueError(f"ranker.json's mlp_{kind} takes {len(out[kind].mu)} inputs, the features give "
                                 f"{width}: it was trained for another feature set; run scripts/train_ranker.py")
    return out


def filing_prior_params() -> dict:
    """The filing prior's counts, weight and smoothing (socfit/data/filing_prior.json) with the ranker's
    temperature; {} before training."""
    d = _data("filing_prior.json")
    if d:
        d["temperature"] = float(_data("ranker.json").get("temperature", 1.0))
    return d


def filing_prior(params: dict, minus: dict[str, float] | None = None) -> dict[str, float]:
    """SOC -> additive score term for English titles coded without duties: weight * log((n + a) / a), where n
    is how many distinct real filings (../shared/dev, scripts/train_filing_prior.py) carry the code. Filings
    concentrate on some codes ("Physicians, All Other", "Landscaping and Groundskeeping Workers"); the
    dictionary, where every occupation has titles, cannot know that. ``minus`` takes counts out (the
    benchmark scores each dev fold with its own labels removed)."""
    if not params:
        return {}
    w, a, t = float(params["weight"]), float(params["smoothing"]), params.get("temperature", 1.0)
    minus = minus or {}
    return {soc: w * math.log((max(n - minus.get(soc, 0.0), 0.0) + a) / a) / t for soc, n in params["counts"].items()}


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, np.int64)
    idx = np.argpartition(scores, len(scores) - k)[len(scores) - k:]
    return idx[np.argsort(-scores[idx])]


def _top_cos(sims: np.ndarray, k: int, margins: tuple[float, ...] = (0.3, 0.45, 0.6)) -> np.ndarray:
    """``_top`` for cosines over the whole dictionary, exact but cheaper: the k best are nearly always within a
    small margin of the best, so the partition runs over that short list, widened until it holds k (a full
    partition over ~47,000 titles is the last resort, ~0.3 ms)."""
    if not len(sims):
        return np.zeros(0, np.int64)
    best = sims.max()
    for margin in margins:
        near = np.flatnonzero(sims >= best - margin)
        if len(near) >= k:
            return near[_top(sims[near], k)]
    return _top(sims, k)


def _nearest(sims: np.ndarray) -> tuple[list[int], list[float]]:
    top = _top_cos(sims, K)
    return top.tolist(), sims[top].tolist()


def _duty_signals(ix: TitleIndex, q: Query) -> tuple[dict[str, float], np.ndarray]:
    """Per SOC the duties' mean best-task cosine, and the task centroids. With ``q.hide_tasks`` (a profile whose
    duties are some of its own code's O*NET tasks: training and the bench) those tasks are out of both."""
    if not q.hide_tasks:
        _, per_soc = q.task_sims if q.task_sims is not None else ix.task_sims(q.duty_vecs)
        return per_soc, ix.task_centroids()
    E = ix.task_emb["minilm"]
    sims = E @ q.duty_vecs.T
    sims[list(q.hide_tasks)] = -1.0
    cent = ix.task_centroids().copy()
    hidden = set(q.hide_tasks)
    for soc in {ix.tasks[k][1] for k in hidden}:
        keep = [k for k in ix.task_rows(soc) if k not in hidden]
        c = E[keep].sum(axis=0) if keep else np.zeros(cent.shape[1], np.float32)
        cent[ix.task_socs.index(soc)] = c / max(float(np.linalg.norm(c)), 1e-9)
    return ix.task_soc_max(sims), cent


def _duty_title_vote(ix: TitleIndex, q: Query) -> np.ndarray:
    """Per code slot (``TitleIndex.soc_tables``), the share of the 30 dictionary titles nearest the duties' mean
    direction it holds (each title weighted like ``d_vote``, exp((cosine - 1) * 10)), as log1p(100 * share) / log(101)
    in [0, 1]. The title hidden for leave-one-out is skipped. One ``bincount``: best title first, each title's codes
    in order."""
    ids, vals = q.duty_titles if q.duty_titles is not None else ix.duty_titles(q.duty_vecs)
    order = np.lexsort((ids, -vals))  # best first; ties by title id
    ids, vals = np.take_along_axis(ids, order, 1), np.take_along_axis(vals, order, 1).astype(np.float64)
    keep = ids != q.exclude if q.exclude is not None else np.ones(ids.shape, bool)
    keep &= np.cumsum(keep, axis=1) <= DUTY_TITLES_K
    ids, vals = ids[keep], vals[keep]
    t = ix.soc_tables()
    lo = t.title_ptr[ids]
    n = t.title_ptr[ids + 1] - lo
    at = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
    w = np.repeat(np.exp((vals - 1) * 10), n) * t.title_w[at]
    vote = np.bincount(t.title_slot[at], weights=w, minlength=t.unknown + 1)
    total = float(vote.sum()) or 1.0
    return np.log1p(100 * vote / total) / _LOG101


_LOG101 = math.log(101)


def multilingual_sims(emb: dict[str, np.ndarray], e5: np.ndarray, use: np.ndarray | None) -> np.ndarray:
    """Foreign titles' cosines with the multilingual titles (``emb`` is the index's title or SOC-title vectors;
    ``e5`` and ``use`` the titles' vectors, one row each): multilingual-e5 alone, or, with Universal Sentence
    Encoder vectors, the two encoders averaged as z-scores and put back on e5's scale (its mean and spread over
    the same titles), so the multilingual weights, fit on e5 cosines, read them as before. The two know different
    words: e5-small misses everyday job nouns USE places ("Friseurin", "Peluquera"), and the reverse
    (docs/coder.md step 3). Returns (titles in ``emb``, queries)."""
    a = emb["e5"] @ np.atleast_2d(e5).T
    if use is None or "use" not in emb or emb["use"].shape[0] != emb["e5"].shape[0]:
        return a
    b = emb["use"] @ np.atleast_2d(use).T
    ma, sa, mb, sb = a.mean(axis=0), a.std(axis=0), b.mean(axis=0), b.std(axis=0)
    sa, sb = np.where(sa > 0, sa, 1.0), np.where(sb > 0, sb, 1.0)
    return (ma + sa * ((a - ma) / sa + (b - mb) / sb) * USE_MIX).astype(np.float32)


def _multilingual_sims(emb: dict[str, np.ndarray], q: Query) -> np.ndarray:
    return multilingual_sims(emb, q.e5, q.use)[:, 0]


def features(ix: TitleIndex, q: Query) -> tuple[list[str], np.ndarray, dict]:
    """Candidate codes, their feature matrix, and evidence (matched titles) per code.

    Rows are plain Python lists while the retrieval loops fill them (much cheaper per element than NumPy
    scalars) and become one float32 matrix at the end, where the per-code columns (occ, prior, head, cover,
    probes, duties) are filled for all candidates at once."""
    feats: dict[str, list[float]] = {}
    evidence: dict[str, list[tuple[str, str, float]]] = {}
    nf = len(FEATURES)

    def row(soc: str) -> list[float]:
        r = feats.get(soc)
        if r is None:
            r = feats[soc] = [0.0] * nf
            evidence[soc] = []
        return r

    codes, raw, get = ix.codes, ix.raw, feats.get
    occ_arr, n_occ = None, 0
    exact = None if q.foreign else ix.by_title.get(q.norm)
    if exact is not None and exact != q.exclude:
        n = len(codes[exact])
        for soc, (w, onet, src) in codes[exact].items():
            r = row(soc)
            r[0], r[1] = w, 1.0 / n
            evidence[soc].append((raw[exact], src, 1.0))

    ids, bs = bm25(ix, [] if q.foreign else q.norm.split())
    if q.exclude is not None:
        bs[ids == q.exclude] = 0
    best = float(bs.max()) if len(bs) else 0.0
    if best > 0:
        top = _top(bs, K)
        for rank, (j, b) in enumerate(zip(ids[top].tolist(), bs[top].tolist())):
            if b <= 0:
                break
            rel = b / best
            vote = rel ** 4 / (1 + rank) ** 0.5
            for soc, (w, onet, src) in codes[j].items():
                r = get(soc) or row(soc)  # a row is a non-empty list: a call only for a new code
                if rel * w > r[4]:
                    r[4] = rel * w
                r[5] += vote * w

    if q.vec is not None and not q.foreign and "minilm" in ix.emb:
        if q.sims is None and q.exclude is None:  # a single query: the nearest titles, remembered per title
            top_ids, top_sims = ix.remember("title_top", q.vec, lambda v: _nearest(ix.emb["minilm"] @ v))
        else:
            sims = q.sims if q.sims is not None else ix.emb["minilm"] @ q.vec
            if q.exclude is not None:
                sims = sims.copy()
                sims[q.exclude] = -1
            top_ids, top_sims = _nearest(sims)
        for i, s in zip(top_ids, top_sims):
            e = math.exp((s - 1) * 10)
            for soc, (w, onet, src) in codes[i].items():
                r = get(soc) or row(soc)
                if s * w > r[2]:
                    r[2] = s * w
                r[3] += e * w
                if s > 0.5:
                    seen = evidence[soc]
                    if len(seen) < 3 and all(m[0] != raw[i] for m in seen):
                        seen.append((raw[i], src, s))
        occ_arr = ix.occ_emb["minilm"] @ q.vec
        n_occ = len(feats)  # these codes get their SOC-title cosine at the end, all at once
        for j in _top(occ_arr, 5).tolist():
            row(ix.soc_list[j])[6] = float(occ_arr[j])

    if q.foreign and q.e5 is not None and "e5" in ix.occ_emb:  # SOC titles in the multilingual space
        occ = _multilingual_sims(ix.occ_emb, q)
        for j in _top(occ, 10):
            row(ix.soc_list[j])
        for soc, r in feats.items():
            j = ix.soc_pos(soc)
            r[6] = float(occ[j]) if j >= 0 else 0.0
    if q.e5 is not None and "e5" in ix.emb:
        ids = ix.e5_ids
        sims = q.ml_sims if q.ml_sims is not None else _multilingual_sims(ix.emb, q)
        for j in _top(sims, K):
            i = ids[j]
            if i == q.exclude:
                continue
            for soc, (w, onet, src) in codes[i].items():
                r = row(soc)
                r[7] = max(r[7], float(sims[j]))
                if len(evidence[soc]) < 3:
                    evidence[soc].append((raw[i], src + " (multilingual)", float(sims[j])))

    duty_best: dict[str, float] = {}
    duty_cent: dict[str, float] = {}
    if q.duty_vecs is not None and len(q.duty_vecs) and "minilm" in ix.task_emb:
        # per SOC, from the (n_tasks, n_duties) cosines; the values are filled for every candidate at the end,
        # so a code brought in later (by the probes) carries its task match too
        duty_best, cent = _duty_signals(ix, q)
        m = q.duty_vecs.mean(axis=0)
        duty_cent = dict(zip(ix.task_socs, (cent @ (m / (np.linalg.norm(m) or 1.0))).tolist()))
        for signal in (duty_best, duty_cent):  # duties bring their own top 10 codes (by each signal) in
            cut = sorted(signal.values())[-10] if len(signal) >= 10 else -1.0
            for soc, val in signal.items():
                if val >= cut:
                    row(soc)

    duty_votes = None
    if q.duty_vecs is not None and len(q.duty_vecs) and "minilm" in ix.emb:
        duty_votes = _duty_title_vote(ix, q)
        names = ix.soc_tables().names
        for j in np.lexsort((np.arange(len(duty_votes)), -duty_votes))[:PROBE_TOP].tolist():  # their top codes come in
            if duty_votes[j] > 0 and j < len(names):
                row(names[j])

    dlp = None
    if q.duty_vecs is not None and len(q.duty_vecs) and ix.probe is not None:
        per_duty = q.duty_probe if q.duty_probe is not None and q.exclude is None else \
            ix.probe.log_probs(q.duty_vecs, q.exclude)
        dlp = per_duty.mean(axis=0)
        for j in _top(dlp, PROBE_TOP).tolist():
            row(ix.soc_list[j])

    lp = None
    if q.vec is not None and not q.foreign and ix.probe is not None:
        lp = q.probe if q.probe is not None and q.exclude is None else ix.probe.log_probs(q.vec, q.exclude)[0]
        for j in _top(lp, PROBE_TOP).tolist():
            row(ix.soc_list[j])

    socs = list(feats)
    if not socs:
        return socs, np.zeros((0, nf)), evidence
    X = np.array(list(feats.values()), dtype=np.float32)
    tables = ix.soc_tables()
    slots = tables.slots(socs)
    at = tables.soc_list_pos[slots]  # position in soc_list (the probes' and the SOC-title vectors' order), or -1
    known = at >= 0
    if occ_arr is not None:  # the codes ranked before the SOC titles brought their own in
        X[:n_occ, 6] = np.where(known[:n_occ], occ_arr[at[:n_occ]], 0.0)
    toks = [] if q.foreign else q.norm.split()
    idf = [ix.idf.get(t, 0.0) for t in toks]
    total = sum(idf) or 1.0
    hidden = codes[q.exclude] if q.exclude is not None else {}  # leave-one-out: remove its own counts
    own = np.array([1.0 if s in hidden else 0.0 for s in socs]) if hidden else np.zeros(len(socs))
    X[:, 9] = tables.prior[slots]
    h = tables.counts(tables.heads, toks[-1] if toks else "", slots) - own
    X[:, 10] = np.where(h > 0, np.log1p(np.maximum(h, 0.0)) / 4.0, 0.0)
    cover = np.zeros(len(socs))
    for t, w in zip(toks, idf):  # in the title's order, as the sum it replaces (same float result)
        cover += w * (tables.counts(tables.vocab, t, slots) - own > 0)
    X[:, 11] = cover / total
    if duty_best:
        X[:, 8] = [duty_best.get(soc, 0.0) for soc in socs]
        X[:, 12] = [duty_cent.get(soc, 0.0) for soc in socs]
        # a best-task cosine is a maximum over the code's tasks, and a code with 180 tasks (17-2199) has more
        # chances of one close task than one with 15: the count lets the ranker discount that (session 18)
        # (the full count even for tasks hidden in training: the gold code's lower count would give it away)
        n_tasks = [len(ix.task_rows(soc)) for soc in socs]
        X[:, 15] = [math.log(n) / TASKS_LOG_SCALE if n > 0 else 0.0 for n in n_tasks]
    if duty_votes is not None:
        X[:, 16] = duty_votes[slots]
    if lp is not None:
        X[:, 13] = np.where(known, 1.0 - lp[at].astype(np.float64) / FLOOR, 0.0)
    if dlp is not None:
        X[:, 14] = np.where(known, 1.0 - dlp[at].astype(np.float64) / FLOOR, 0.0)
    return socs, X, evidence


def score(X: np.ndarray, w, bias: np.ndarray | None = None) -> np.ndarray:
    """Calibrated probabilities over the candidates: softmax of the linear scores (``w`` a weight vector) or of
    the non-linear ranker's (``w`` an ``MLP``), plus a per-code bias."""
    if len(X) == 0:
        return np.zeros(0)
    z = w(X) if isinstance(w, MLP) else X @ w
    if bias is not None:
        z = z + bias
    z -= z.max()
    p = np.exp(z)
    return p / p.sum()
