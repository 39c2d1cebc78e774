"""`socfit bench`: accuracy on labelled sets and speed, written as Markdown for docs/benchmarks.md.

Accuracy is scored exactly as ../shared/tools/score.py scores the held-out sets (gold `soc_code`, else
any of the `|`-separated candidates). O*NET reported titles are scored leave-one-out: the exact
normalised title is hidden from the dictionary while it is coded. The fuzzy baseline is a RapidFuzz
WRatio search over O*NET occupation and alternate titles, what a person does by hand on O*NET OnLine.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import time
from pathlib import Path

from socfit.coder import Coder
from socfit.errors import InputError
from socfit.retrieve.normalize import is_ascii_english

GOLD_COLS = ("soc_codes_acceptable", "soc_code", "soc_code_candidates", "soc_code_2018_candidates")


def acceptable(r: dict) -> set[str]:
    if r.get("soc_codes_acceptable"):
        return set(r["soc_codes_acceptable"].split("|"))
    if r.get("soc_code"):
        return {r["soc_code"]}
    for k in ("soc_code_candidates", "soc_code_2018_candidates"):
        if r.get(k):
            return set(r[k].split("|"))
    return set()


def label_counts(accs) -> dict[str, float]:
    """SOC -> number of filings carrying it (a row with k acceptable codes counts 1/k for each): the filing
    prior's counts, and what a held-out fold takes out of them."""
    c: dict[str, float] = {}
    for acc in accs:
        for soc in acc:
            c[soc] = c.get(soc, 0.0) + 1 / len(acc)
    return c


def job_zones(pack) -> dict[str, float]:
    """SOC code -> mean Job Zone of its O*NET occupations (the filing conventions' reach, in training and tests)."""
    got: dict[str, list[float]] = {}
    for onet, zone in pack.rows("SELECT onet_code, job_zone FROM job_zones"):
        got.setdefault(onet[:7], []).append(float(zone))
    return {soc: sum(v) / len(v) for soc, v in got.items()}


def score(golds: list[set[str]], preds: list[list[str]]) -> dict[str, float]:
    n = h1 = h3 = h5 = maj = 0
    for acc, p in zip(golds, preds):
        if not acc:
            continue
        n += 1
        if not p:
            continue
        h1 += p[0] in acc
        h3 += any(c in acc for c in p[:3])
        h5 += any(c in acc for c in p[:5])
        maj += p[0][:2] in {a[:2] for a in acc}
    f = lambda x: round(x / n, 4) if n else 0.0
    return {"n": n, "top1": f(h1), "top3": f(h3), "top5": f(h5), "major_top1": f(maj)}


class FuzzyBaseline:
    def __init__(self, coder: Coder):
        rows = coder.pack.rows("SELECT title, substr(onet_code,1,7) FROM onet_occupations UNION "
                               "SELECT title, substr(onet_code,1,7) FROM alternate_titles")
        self.choices = [r[0] for r in rows]
        self.socs = [r[1] for r in rows]

    def predict(self, title: str, exclude: str | None = None) -> list[str]:
        from rapidfuzz import fuzz, process

        out: list[str] = []
        for _, s, i in process.extract(title, self.choices, scorer=fuzz.WRatio, limit=25):
            if exclude and self.choices[i].lower() == exclude.lower():
                continue
            if self.socs[i] not in out:
                out.append(self.socs[i])
            if len(out) == 5:
                break
        return out


def training_setup(doc: str | None = None):
    """(arguments, coder, labelled sets by name) for the scripts that learn from ../shared/dev: `--dev` (the
    folder of labelled CSVs) and `--folds`."""
    import argparse

    from socfit.api import get_pack

    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--dev", default=str(Path(__file__).resolve().parents[2] / "shared" / "dev"))
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args()
    coder = Coder(get_pack())
    return a, coder, {f.stem: read_set(f) for f in sorted(Path(a.dev).glob("*.csv"))}


def read_set(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def code_rows(coder: Coder, rows: list[dict], loo: bool = False, top: int = 5, batch: int = 256) -> list:
    """The coder's result for each row (None for a title it refuses, such as "50")."""
    out: list = []
    for i in range(0, len(rows), batch):
        pairs = [(r["title"], r.get("description") or None) for r in rows[i:i + batch]]
        try:
            res = coder.code_many(pairs, top=top, exclude_exact=loo, questions=False)
        except InputError:  # a title the coder refuses is a miss, as in a batch file's error row
            res = []
            for pair in pairs:
                try:
                    res.extend(coder.code_many([pair], top=top, exclude_exact=loo, questions=False))
                except InputError:
                    res.append(None)
        out.extend(res)
    return out


def evaluate(coder: Coder, rows: list[dict], loo: bool = False, batch: int = 256) -> tuple[dict, list[list[str]]]:
    preds = [[c.soc_code for c in x.candidates] if x else [] for x in code_rows(coder, rows, loo, 5, batch)]
    return score([acceptable(r) for r in rows], preds), preds


def title_only_dists(coder: Coder, rows: list[dict], loo: bool = False, top: int = 30) -> list:
    """For each row the coder's (code, probability, exact-match weight) list as the filing conventions see
    it, with the conventions off, and the words of its normalised title; None where they do not apply
    (refused, non-English, with duties)."""
    from socfit.retrieve.conventions import Conventions, Dist

    saved, coder.conventions = coder.conventions, Conventions()
    coder._memo.clear()
    try:
        res = code_rows(coder, rows, loo, top)
    finally:
        coder.conventions = saved
        coder._memo.clear()
    out: list = []
    for r, x in zip(rows, res):
        d = None
        if x and x.language == "en" and not (r.get("description") or "").strip():
            d = Dist((c.soc_code, c.score, c.features.get("exact", 0.0)) for c in x.candidates)
            d.words = frozenset(x.normalized_title.split())
        out.append(d)
    return out


def fold_contributions(dists: list, accs: list[set[str]], groups: set[str] | None) -> dict:
    """The filing conventions' soft counts that these rows of one set add, learning only from codes in the
    set's domain (scripts/train_filing_conventions.py)."""
    from socfit.retrieve.conventions import add, contributions

    total: dict = {}
    for d, acc in zip(dists, accs):
        if d and acc:
            add(total, contributions(d, acc, groups))
    return total


def code_rows_cv(coder: Coder, rows: list[dict], folds: int = 5) -> list:
    """The coder's result for each row of a labelled filing set whose labels also built the filing prior and
    conventions: each fold is coded with its own labels taken out of the prior's counts and its own filings out
    of the conventions, so each result is what an unseen filing gets (None for a refused title)."""
    from socfit.retrieve import rank

    from socfit.retrieve.conventions import domain

    params = rank.filing_prior_params()
    if not (params and coder.filing_prior) and not coder.conventions:
        return code_rows(coder, rows)
    groups = domain(acceptable(r) for r in rows)
    idx = list(range(len(rows)))
    random.Random(0).shuffle(idx)
    out: list = [None] * len(rows)
    saved, saved_conv = coder.filing_prior, coder.conventions
    try:
        for f in range(folds):
            part = idx[f::folds]
            fold = [rows[i] for i in part]
            if params and saved:
                coder.filing_prior = rank.filing_prior(params, label_counts(acceptable(r) for r in fold))
            if saved_conv:
                coder.conventions = saved_conv.minus(
                    fold_contributions(title_only_dists(coder, fold), [acceptable(r) for r in fold], groups))
            coder._memo.clear()
            for i, r in zip(part, code_rows(coder, fold)):
                out[i] = r
    finally:
        coder.filing_prior, coder.conventions = saved, saved_conv
        coder._memo.clear()
    return out


def evaluate_cv(coder: Coder, rows: list[dict], folds: int = 5) -> tuple[dict, list[list[str]]]:
    """``evaluate`` for a labelled filing set, scored fold by fold (``code_rows_cv``)."""
    preds = [[c.soc_code for c in x.candidates] if x else [] for x in code_rows_cv(coder, rows, folds)]
    return score([acceptable(r) for r in rows], preds), preds


def reported_titles_set(coder: Coder, n: int = 2000, seed: int = 7) -> list[dict]:
    rows = [{"title": r[0], "soc_code": r[1]} for r in coder.pack.rows(
        "SELECT title, substr(onet_code,1,7) FROM reported_titles ORDER BY onet_code, title")]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def exact_titles_set(coder: Coder, n: int = 1000, seed: int = 5) -> list[dict]:
    """O*NET occupation titles, not hidden from the dictionary: a title typed exactly as O*NET names the
    occupation must keep its code (what leave-one-out sets cannot check)."""
    rows = [{"title": r[0], "soc_code": r[1]} for r in coder.pack.rows(
        "SELECT title, soc_code FROM onet_occupations ORDER BY onet_code")]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def profiles_set(coder: Coder, n: int = 400, seed: int = 2) -> list[dict]:
    """Professional-profile proxy: reported titles of Job Zone 4-5 occupations, with the SOC definition as the
    duties (definitions are not in the task index, so duties must be matched, not looked up)."""
    defs = {r[0]: r[1] for r in coder.pack.rows("SELECT soc_code, definition FROM soc_groups WHERE level='detailed'")}
    rows = [{"title": r[0], "soc_code": r[1], "description": defs.get(r[1], "")} for r in coder.pack.rows(
        "SELECT r.title, substr(r.onet_code,1,7) FROM reported_titles r JOIN job_zones j ON j.onet_code = r.onet_code "
        "WHERE j.job_zone >= 4 ORDER BY r.onet_code, r.title")]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def emerging_profiles_set(coder: Coder, seed: int = 3) -> list[dict]:
    """A harsher professional-profile proxy: for each O*NET occupation with new emerging tasks (O*NET's latest
    task statements, which are not in the task index), one of its reported titles with those tasks (up to 4,
    1.4 on average) as the duties: short, specific duties written by O*NET, not the SOC definition the duties
    weights were fit on."""
    tasks: dict[str, list[str]] = {}
    for code, task in coder.pack.rows("SELECT onet_code, task FROM emerging_tasks WHERE category = 'New' "
                                      "ORDER BY onet_code, task"):
        tasks.setdefault(code, []).append(task)
    titles: dict[str, list[str]] = {}
    for title, code in coder.pack.rows("SELECT title, onet_code FROM reported_titles ORDER BY onet_code, title"):
        titles.setdefault(code, []).append(title)
    rng = random.Random(seed)
    return [{"title": rng.choice(titles[code]), "soc_code": code[:7], "description": " ".join(ts[:4])}
            for code, ts in sorted(tasks.items()) if titles.get(code)]


def hidden_tasks_set(coder: Coder, n: int = 300, seed: int = 4, k: int = 4) -> list[dict]:
    """The professional-profile proxy closest to a written job description: a reported title (left out of the
    dictionary) with ``k`` of the occupation's own core O*NET tasks as the duties, those tasks hidden from every
    duty signal (``hide``: task rows). Only SOC codes with a single O*NET occupation, else a sibling
    occupation's copy of the same task would stay visible. Scored with ``evaluate_hidden``."""
    ix = coder.ix
    core = {r[0] for r in coder.pack.rows("SELECT task FROM tasks WHERE task_type = 'Core'")}
    titles: dict[str, list[str]] = {}
    for title, soc in coder.pack.rows("SELECT title, substr(onet_code, 1, 7) FROM reported_titles "
                                      "ORDER BY onet_code, title"):
        titles.setdefault(soc, []).append(title)
    rng = random.Random(seed)
    rows = []
    for soc in ix.task_socs:
        ks = list(ix.task_rows(soc))
        mine = [j for j in ks if ix.tasks[j][2] in core]
        if len({ix.tasks[j][0] for j in ks}) != 1 or len(ks) < 2 * k or len(mine) < k or not titles.get(soc):
            continue
        pick = sorted(rng.sample(mine, k))
        rows.append({"title": rng.choice(titles[soc]), "soc_code": soc,
                     "description": " ".join(ix.tasks[j][2] for j in pick), "hide": tuple(pick)})
    rng.shuffle(rows)
    return rows[:n]


def evaluate_hidden(coder: Coder, rows: list[dict]) -> tuple[dict, list[list[str]]]:
    """``evaluate`` (leave-one-out) for rows whose duties are hidden tasks (``hidden_tasks_set``): the query is
    built as the coder builds it, with the rows' tasks hidden (the public API has no such switch)."""
    from socfit.retrieve import rank

    preds = []
    for r in rows:
        title, norm, duties, notes = coder._prepare(r["title"], r["description"])
        vec = coder._title_vecs([norm])[0]
        q = rank.Query(title, norm, vec, None, coder.minilm.encode(duties), exclude=coder.ix.by_title.get(norm),
                       hide_tasks=r["hide"])
        preds.append([c.soc_code for c in coder._rank(q, duties, notes, 5, "en", questions=False).candidates])
    return score([acceptable(r) for r in rows], preds), preds


def prediction_files(names: list[str]) -> list[str]:
    """`--predictions` file names: a set's first word ("h2b_fy2015_2019_dev.jsonl"), numbered by order when
    several sets share it ("professional.jsonl", "professional-1.jsonl", ...)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        stem = name.split()[0]
        k = seen[stem] = seen.get(stem, 0) + 1
        out.append(f"{stem}.jsonl" if k == 1 else f"{stem}-{k - 1}.jsonl")
    return out


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def run(dev_dir: Path | None, pack, write_preds: Path | None = None) -> str:
    t0 = time.perf_counter()
    coder = Coder(pack)
    coder.code("warm up")
    load_s = time.perf_counter() - t0
    query_model = coder.minilm.name + (f" (float: {coder.minilm.fallback})" if getattr(coder.minilm, "fallback", "") else "")
    fuzzy = FuzzyBaseline(coder)
    lines = [f"Date: {dt.date.today()}  ", f"Machine: {machine()}  ", "Command: `socfit bench`", "",
             "| set | n | top-1 | top-3 | top-5 | 2-digit top-1 | fuzzy O*NET top-1 | fuzzy top-5 |",
             "|---|---|---|---|---|---|---|---|"]
    sets: list[tuple[str, list[dict], str]] = []  # (name, rows, how: plain | loo | cv)
    if dev_dir and dev_dir.is_dir():
        for p in sorted(dev_dir.glob("*.csv")):
            sets.append((p.stem, read_set(p), "cv"))
    evals = Path(__file__).resolve().parent.parent / "docs" / "eval"
    for fname, label in (("reworded_probe.csv", "reworded English probe (hand-written: inverted, synonyms, asides)"),
                         ("multilingual_probe.csv", "multilingual probe (hand-written, 9 languages; 48 simple + 50 harder)"),
                         ("cjk_probe.csv", "Korean, Chinese, Japanese probe (written by a helper that never ran socfit)"),
                         ("reworded_probe2.csv", "reworded English probe 2 (120 titles, all major groups; written by a "
                                                 "helper that never ran socfit)"),
                         ("multilingual_probe2.csv", "multilingual probe 2 (12 languages, 10 titles each; written by a "
                                                     "helper that never ran socfit)"),
                         ("niw_profiles.csv", "NIW profiles: title + duties in the person's words (written by a helper "
                                              "that never ran socfit)"),
                         ("niw_profiles2.csv", "NIW profiles 2 (120, 12 major groups, a third of the titles vague; "
                                               "written by a helper that never ran socfit)"),
                         # session 21: a third blind round of each, written before any tuning of that session
                         ("reworded_probe3.csv", "reworded English probe 3 (120 titles, 5-6 per major group; blind, "
                                                 "session 21)"),
                         ("multilingual_probe3.csv", "multilingual probe 3 (12 languages incl. vi, ru, pl, tr; blind, "
                                                     "session 21)"),
                         ("niw_profiles3.csv", "NIW profiles 3 (120, 14 major groups, a third vague or foreign-style "
                                               "titles; blind, session 21)")):
        if (evals / fname).is_file():
            sets.append((label, read_set(evals / fname), "plain"))
    sets.append(("O*NET reported titles (leave-one-out, 2,000 sampled)", reported_titles_set(coder), "loo"))
    sets.append(("professional profiles proxy: JZ 4-5 title + SOC definition as duties (leave-one-out, 400)",
                 profiles_set(coder), "loo"))
    emerging = emerging_profiles_set(coder)
    if emerging:
        sets.append(("professional profiles, harsher: reported title + O*NET's new emerging tasks as duties "
                     "(leave-one-out)", emerging, "loo"))
    hidden = hidden_tasks_set(coder)
    if hidden:
        sets.append(("professional profiles, job description: reported title + 4 of its own core tasks, hidden from "
                     "the task index (leave-one-out, 300)", hidden, "hidden"))
    all_titles: list[str] = []
    probe_titles: list[str] = []
    files = dict(zip((s[0] for s in sets), prediction_files([s[0] for s in sets])))
    for name, rows, how in sets:
        loo = how in ("loo", "hidden")
        m, preds = (evaluate_cv(coder, rows) if how == "cv" else evaluate_hidden(coder, rows) if how == "hidden"
                    else evaluate(coder, rows, loo))
        fz = score([acceptable(r) for r in rows], [fuzzy.predict(r["title"], r["title"] if loo else None) for r in rows])
        lines.append(f"| {name} | {m['n']} | {m['top1']:.3f} | {m['top3']:.3f} | {m['top5']:.3f} | {m['major_top1']:.3f} "
                     f"| {fz['top1']:.3f} | {fz['top5']:.3f} |")
        if how != "plain":  # real filings and dictionary titles time the batch; the hand probes do not
            all_titles.extend(r["title"] for r in rows)
        else:
            probe_titles.extend(r["title"] for r in rows)
        if write_preds:
            write_preds.mkdir(parents=True, exist_ok=True)
            with open(write_preds / files[name], "w", encoding="utf-8") as f:
                for i, p in enumerate(preds):
                    f.write(json.dumps({"row": i, "candidates": [{"soc_code": c} for c in p]}) + "\n")
    # speed
    # unique titles (no repeat can flatter the figure) that the coder accepts (not "50")
    titles = [t for t in dict.fromkeys(all_titles) if any(ch.isalpha() for ch in t)][:3000]
    coder._memo.clear()  # and nothing remembered from the accuracy runs above
    t = time.perf_counter()
    for i in range(0, len(titles), 256):
        coder.code_many([(x, None) for x in titles[i:i + 256]], questions=False)
    tps = len(titles) / (time.perf_counter() - t)
    # a title that is a dictionary title skips the encoder (its vector is in the pack): time the others apart
    unknown = [x for x in titles if coder._prepare(x, None)[1] not in coder.ix.by_title]
    coder._memo.clear()
    t = time.perf_counter()
    for i in range(0, len(unknown), 256):
        coder.code_many([(x, None) for x in unknown[i:i + 256]], questions=False)
    ups = len(unknown) / (time.perf_counter() - t) if unknown else 0.0
    foreign = [x for x in dict.fromkeys(probe_titles) if not is_ascii_english(x)]
    coder._memo.clear()
    t = time.perf_counter()
    coder.code_many([(x, None) for x in foreign], questions=False)
    fps = len(foreign) / (time.perf_counter() - t) if foreign else 0.0
    duties = ("Design and develop machine learning models for fraud detection {0}. Write production Python code "
              "for service {0}. Analyze large datasets and present findings to stakeholders {0}. Mentor junior "
              "engineers in team {0}.")
    coder._memo.clear()
    t = time.perf_counter()
    distinct = titles[:300]
    for i in range(0, len(distinct), 50):  # every sentence of every row differs (numbered): nothing can be reused
        coder.code_many([(x, duties.format(i + k)) for k, x in enumerate(distinct[i:i + 50])], questions=False)
    dps = len(distinct) / (time.perf_counter() - t) if distinct else 0.0
    coder._memo.clear()
    t = time.perf_counter()
    same = titles[300:600] or titles[:300]
    for i in range(0, len(same), 50):  # one job description on every row of a batch (a spreadsheet of one position)
        coder.code_many([(x, duties.format(300 + i)) for x in same[i:i + 50]], questions=False)
    sps = len(same) / (time.perf_counter() - t) if same else 0.0
    lat = []
    coder._memo.clear()
    for x in titles[:300]:
        t = time.perf_counter()
        coder.code(x)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", "| speed | value |", "|---|---|",
              f"| batch titles/s (256 per batch, {len(titles):,} unique titles of the filings and reported titles) | {tps:,.0f} |",
              f"| of which titles that are not dictionary titles ({len(unknown):,}; every one goes through the encoder) | {ups:,.0f} |",
              f"| non-English titles/s ({len(foreign)} probe titles: multilingual encoder, or the glossary for Korean, Chinese, Japanese) | {fps:,.0f} |",
              f"| titles + duties/s (4 duty sentences, every one different) | {dps:,.0f} |",
              f"| titles + duties/s, one job description on every row of a batch (its sentences embedded once) "
              f"| {sps:,.0f} |",
              f"| single query latency, warm | p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * .95)]:.1f} ms |",
              f"| pack + index + models load (embeddings cached) | {load_s:.2f} s |",
              f"| query encoder (titles the dictionary lacks, duties) | {query_model} |",
              f"| peak memory (RSS) | {rss:,.0f} MiB |"]
    return "\n".join(lines)
