"""The retrieval index: a normalised title dictionary, a BM25 token index, and dense embeddings.

Built from the pack once per process (a second or two) except the embeddings, which are computed at
`socfit data build` (or on first use) and saved beside the pack as ``<pack>.<model>-<pack_id>.npy``, so a
rebuilt pack with new data never reuses stale vectors.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from socfit.pack.store import Pack
from socfit.retrieve import normalize as _normalize
from socfit.retrieve.normalize import normalize_title

# How much one dictionary entry vouches for its code. O*NET's own occupation titles and the BLS Direct
# Match Titles are curated one-to-one; alternate and reported titles are many-to-many and noisier.
SOURCE_WEIGHT = {"onet_title": 1.0, "soc_title": 1.0, "dmtf": 0.9, "reported": 0.7, "alternate": 0.6, "short": 0.5,
                 "residual": 0.5}
# Titles O*NET lists under a qualified occupation ("Pediatric Surgeons") that do not carry the qualifier
# ("Transplant Surgeon", "General Surgeon") also count, at this share of the weight, for the SOC residual code
# of the same broad group ("Surgeons, All Other"): the SOC puts unqualified variants there.
RESIDUAL_SOURCES = {"reported", "alternate", "short"}
_QUAL_STOP = {"and", "or", "of", "the", "in", "for", "except", "including", "general", "all", "other"}
TASK_SIMS_CACHE = 32  # duty sets whose task similarities are remembered (~75 KB per duty statement)
REMEMBER_BYTES = 24 << 20  # and at most this many bytes of arrays per remembered kind (long duty lists are big)


def _nbytes(cache: dict) -> int:
    return sum(x.nbytes for hit in cache.values() for x in (hit if isinstance(hit, tuple) else (hit,))
               if isinstance(x, np.ndarray))


@dataclass
class SocTables:
    """``TitleIndex.soc_tables``: codes -> slots, and per slot the prior, the position in ``soc_list`` (-1 when
    not there), and per token the slots (and counts) of the codes whose titles end in it (``heads``) or hold it
    (``vocab``)."""

    pos: dict[str, int]
    unknown: int  # the slot of a code none of the tables knows
    prior: np.ndarray
    soc_list_pos: np.ndarray
    heads: dict[str, tuple[np.ndarray, np.ndarray]]
    vocab: dict[str, tuple[np.ndarray, np.ndarray]]
    names: list[str]  # slot -> code
    title_ptr: np.ndarray  # title id -> its codes at title_slot[ptr[i]:ptr[i + 1]], with their weights title_w
    title_slot: np.ndarray
    title_w: np.ndarray

    def slots(self, socs: list[str]) -> np.ndarray:
        get, unknown = self.pos.get, self.unknown
        return np.fromiter((get(s, unknown) for s in socs), np.int64, len(socs))

    def counts(self, table: dict[str, tuple[np.ndarray, np.ndarray]], tok: str, slots: np.ndarray) -> np.ndarray:
        """How many titles of each slot's code ``tok`` counts in ``table`` (heads or vocab)."""
        full = np.zeros(self.unknown + 1)
        got = table.get(tok)
        if got is not None:
            full[got[0]] = got[1]
        return full[slots]


@dataclass
class TitleIndex:
    titles: list[str]  # unique normalised titles
    raw: list[str]  # one readable form of each
    codes: list[dict[str, tuple[float, str, str]]]  # per title: soc -> (weight, onet_code, source)
    by_title: dict[str, int]
    postings: dict[str, np.ndarray]  # token -> title ids
    idf: dict[str, float]
    lengths: np.ndarray
    soc_list: list[str]
    soc_titles: dict[str, str]
    onet_titles: dict[str, str]
    prior: dict[str, float]  # log-employment prior, 0..1
    tasks: list[tuple[str, str, str]] = field(default_factory=list)  # (onet_code, soc, task)
    emb: dict[str, np.ndarray] = field(default_factory=dict)  # model -> (n_titles, dim)
    task_emb: dict[str, np.ndarray] = field(default_factory=dict)
    occ_emb: dict[str, np.ndarray] = field(default_factory=dict)  # model -> (n_soc, dim)
    heads: dict[str, dict[str, int]] = field(default_factory=dict)  # soc -> head noun -> number of titles
    vocab: dict[str, dict[str, int]] = field(default_factory=dict)  # soc -> token -> number of its titles with it
    e5_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # titles for e5 (see build_index)
    task_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    task_socs: list[str] = field(default_factory=list)
    probe: object | None = None  # TitleProbe (socfit/retrieve/probe.py), set with the MiniLM embeddings

    def task_rows(self, soc: str) -> range:
        """Rows of ``tasks`` (and of the task embeddings) that belong to one SOC code."""
        if not hasattr(self, "_task_pos"):
            ends = list(self.task_starts[1:]) + [len(self.tasks)]
            self._task_pos = {s: range(int(a), int(b)) for s, a, b in zip(self.task_socs, self.task_starts, ends)}
        return self._task_pos.get(soc, range(0))

    def onet_groups(self, soc: str) -> dict[str, np.ndarray]:
        """Task rows of one SOC code grouped by O*NET occupation (15-1299 -> 15-1299.01 ... .09)."""
        groups = self.__dict__.setdefault("_onet_groups", {})
        got = groups.get(soc)
        if got is None:
            by: dict[str, list[int]] = {}
            for k in self.task_rows(soc):
                by.setdefault(self.tasks[k][0], []).append(k)
            got = groups[soc] = {o: np.asarray(ks, dtype=np.int64) for o, ks in by.items()}
        return got

    def spell(self, norm: str) -> str:
        """Correct misspelt words of a normalised English title against the dictionary's vocabulary
        ("room attendent" -> "room attendant", "houskeeper" -> "housekeeper"): a word unknown to the dictionary
        (5+ letters) is replaced by the most common known word within edit distance 1 (2 for 8+ letters).
        A real word is left alone even when no title has it: one O*NET's tasks use ("tampering"), one of the
        English word list that ships with the MiniLM tokenizer ("herring", "retreat"), or an inflection of a
        title word ("trucking": truck), else "General Trucking" became "general chucking".

        A title with no word the dictionary knows may be misspelt English or another language written in plain
        letters ("Garson", Turkish for waiter; "Dokter Umum"; "Muratore"), and reading the second as the first
        turns it into an unrelated English title ("arson", "dotter umum", "curator"). Such a title is corrected
        only when every word is then known, each by a two-word split or by one slip that keeps the first letter
        (one letter added, dropped, changed, or two swapped: "houskeeper", "housekepeer", "physican"); else it is
        left as it was, and the coder reads it as a foreign title (docs/coder.md step 1)."""
        toks = norm.split()
        if all(t in self.postings or len(t) < 5 or not t.isalpha() for t in toks):
            return norm
        if not any(t in self.postings for t in toks):
            fixed = self._spell_tokens(toks, strict=True)
            return " ".join(fixed) if all(t in self.postings for t in fixed) else norm
        return " ".join(self._spell_tokens(toks))

    def english_words(self) -> frozenset[str]:
        """English words of 5+ letters: those of O*NET's task statements and of the MiniLM tokenizer's word list.
        The speller leaves them alone; the duty language check counts them (``normalize.is_english_text``)."""
        if not hasattr(self, "_spell_vocab"):  # built once; _spell_vocab last, as web threads test for it
            from socfit.retrieve.encoders import english_words

            words = {w for _, _, task in self.tasks for w in re.findall(r"[a-z]{5,}", task.lower())}
            self._real_words = frozenset(words) | english_words()
            self._spell_vocab = [t for t, p in self.postings.items() if len(t) >= 4 and t.isalpha() and len(p) >= 2]
        return self._real_words

    def _spell_tokens(self, toks: list[str], strict: bool = False) -> list[str]:
        self.english_words()
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        out = []
        for t in toks:
            if t in self.postings or len(t) < 5 or not t.isalpha():
                out.append(t)
                continue
            if self._is_real_word(t):  # before splitting: "compassion" is not compass + ion
                out.append(t)
                continue
            if len(t) >= 8:  # one slip in a long word before a split: "millright" is millwright, not mill right
                slips = [h for h in process.extract(t, self._spell_vocab, scorer=OSA.distance, score_cutoff=1, limit=5)
                         if h[0][:2] == t[:2]]
                if slips:
                    out.append(min(slips, key=lambda h: self._closest(h, t))[0])
                    continue
            split = self._split_compound(t)
            if split:
                out.extend(split)
                continue
            cut = 2 if len(t) >= 8 or strict else 1
            # OSA: two swapped letters are one slip ("nusre"), as a changed, added or dropped letter is
            hits = process.extract(t, self._spell_vocab, scorer=OSA.distance, score_cutoff=cut,
                                   limit=20 if strict else 5)
            if strict:  # one slip, the first letter kept
                hits = [h for h in hits if h[0][0] == t[0] and h[1] <= 1]
            if hits:
                t = min(hits, key=lambda h: self._closest(h, t))[0]
            out.append(t)
        return out

    def _closest(self, hit: tuple, word: str) -> tuple:
        """Sort key of a speller candidate (word, distance, _): the closest; then the same first two letters, a
        dropped letter ("electrican" is electrician, not electrical), the more common word."""
        return hit[1], hit[0][:2] != word[:2], len(hit[0]) <= len(word), -len(self.postings[hit[0]])

    def _split_compound(self, word: str) -> list[str] | None:
        """Two dictionary words written as one ("waitstaff" -> wait staff, "busperson" -> bus person,
        "kitchenhand" -> kitchen hand), else None. Both parts have 3+ letters; of several splits, the one
        whose rarer part is most common. Without it such a title has no known word and is taken for a
        foreign one."""
        best, best_n = None, 1  # each part in 2+ dictionary titles
        for i in range(3, len(word) - 2):
            a, b = word[:i], word[i:]
            n = min(len(self.postings.get(a, ())), len(self.postings.get(b, ())))
            if n > best_n:
                best, best_n = [a, b], n
        return best

    def _is_real_word(self, word: str) -> bool:
        if word in self._real_words:
            return True
        for suffix in ("ing", "ings", "ers", "er", "ed", "es", "s"):  # trucking -> truck, roofing -> roof
            stem = word[: -len(suffix)]
            # a stem of 4+ letters: "bolers" is not "bol" + "ers" but a misspelt "boilers"
            if word.endswith(suffix) and len(stem) >= 4 and (stem in self.postings or stem + "e" in self.postings):
                return True
        return False

    def soc_pos(self, soc: str) -> int:
        if not hasattr(self, "_soc_pos"):
            self._soc_pos = {s: i for i, s in enumerate(self.soc_list)}
        return self._soc_pos.get(soc, -1)

    def soc_tables(self) -> "SocTables":
        """Per-code lookups as arrays (built once), so the ranker fills a query's per-code features for all its
        candidates with a few array operations instead of a Python loop over them (session 20)."""
        got = self.__dict__.get("_soc_tables")
        if got is None:
            socs = list(dict.fromkeys([*self.soc_list, *self.task_socs, *self.prior, *self.heads, *self.vocab,
                                       *(s for c in self.codes for s in c)]))
            pos = {s: k for k, s in enumerate(socs)}
            n = len(socs) + 1  # the last slot: a code none of the tables knows (defaults)
            prior = np.full(n, 0.5)
            prior[[pos[s] for s in self.prior]] = list(self.prior.values())
            soc_list_pos = np.full(n, -1, np.int64)
            soc_list_pos[[pos[s] for s in self.soc_list]] = np.arange(len(self.soc_list))

            def invert(table: dict[str, dict[str, int]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
                inv: dict[str, tuple[list[int], list[int]]] = {}
                for soc, counts in table.items():
                    for tok, c in counts.items():
                        ks, cs = inv.setdefault(tok, ([], []))
                        ks.append(pos[soc])
                        cs.append(c)
                return {t: (np.asarray(ks, np.int64), np.asarray(cs, np.float64)) for t, (ks, cs) in inv.items()}

            lens = np.fromiter((len(c) for c in self.codes), np.int64, len(self.codes))
            ptr = np.concatenate([[0], np.cumsum(lens)])
            t_slot = np.fromiter((pos[s] for c in self.codes for s in c), np.int64, int(ptr[-1]))
            t_w = np.fromiter((v[0] for c in self.codes for v in c.values()), np.float64, int(ptr[-1]))
            got = self._soc_tables = SocTables(pos, len(socs), prior, soc_list_pos, invert(self.heads),
                                               invert(self.vocab), socs, ptr, t_slot, t_w)
        return got

    def task_centroids(self) -> np.ndarray:
        """Per SOC (in ``task_socs`` order): the normalised mean of its task embeddings (MiniLM)."""
        if not hasattr(self, "_task_cent"):
            c = np.add.reduceat(self.task_emb["minilm"], self.task_starts, axis=0)
            self._task_cent = (c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)).astype(np.float32)
        return self._task_cent

    def remember(self, name: str, vec: np.ndarray, compute, size: int = 64):
        """``compute(vec)``, remembered for the last ``size`` vectors under ``name``: the advisor codes one
        title with and without duties, and a person who edits salary or degree keeps the same duties, so the
        costly products over every title or task embedding are done once. Results are shared: read-only."""
        v = np.ascontiguousarray(vec, dtype=np.float32)
        key = hashlib.blake2b(v.tobytes() + repr(v.shape).encode(), digest_size=16).digest()
        cache = self.__dict__.setdefault("_remembered", {}).setdefault(name, {})
        lock = self.__dict__.setdefault("_remember_lock", threading.Lock())
        with lock:
            hit = cache.pop(key, None)
            if hit is not None:
                cache[key] = hit  # most recent last
                return hit
        hit = compute(v)
        with lock:
            cache[key] = hit
            while len(cache) > size or (len(cache) > 1 and _nbytes(cache) > REMEMBER_BYTES):
                cache.pop(next(iter(cache)))
        return hit

    def task_sims(self, duty_vecs: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
        """(tasks x duties cosines, per-SOC ``task_soc_max``) for MiniLM duty vectors, remembered for the
        last TASK_SIMS_CACHE duty sets (the coder and the advisor both need them for one profile)."""
        def compute(v: np.ndarray):
            sims = self.task_emb["minilm"] @ v.T  # (n_tasks, n_duties)
            sims.setflags(write=False)
            return sims, self.task_soc_max(sims)

        return self.remember("task_sims", duty_vecs, compute, TASK_SIMS_CACHE)

    def task_sims_batch(self, groups: list[np.ndarray]) -> list[tuple[np.ndarray, dict[str, float]]]:
        """``task_sims`` for the duty sets of many rows with one pass over the task matrix (batch coding: the
        29 MB matrix read once per batch instead of once per row). Not remembered: batch rows rarely repeat."""
        if not groups:
            return []
        sims = self.task_emb["minilm"] @ np.vstack(groups).T
        sims.setflags(write=False)
        best = np.maximum.reduceat(sims, self.task_starts, axis=0)  # (n_socs, all duties): once for the batch
        out, at = [], 0
        for g in groups:  # each row's columns as a view (a copy of each cost ~0.3 ms a row, session 21)
            out.append((sims[:, at:at + len(g)], dict(zip(self.task_socs, best[:, at:at + len(g)].mean(axis=1).tolist()))))
            at += len(g)
        return out

    def duty_titles(self, duty_vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The DUTY_TITLES_K + 1 dictionary titles nearest the duties' mean direction: (ids, cosines), (1, k),
        unsorted. What job the duties sound like through ~47,000 titles ("I teach machine learning" is near
        "Machine Learning Professor"), a signal O*NET's task statements, worded alike across fields, lack. One
        vector a profile, not one a statement: a quarter of the cost. The extra title lets leave-one-out drop the
        one it hides. Remembered like ``task_sims``."""
        return self.remember("duty_titles", duty_vecs,
                             lambda v: _top_per_row(_mean_direction(v)[None, :] @ self.emb["minilm"].T),
                             TASK_SIMS_CACHE)

    def duty_titles_batch(self, groups: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """``duty_titles`` for many rows' duty sets (batch coding), 128 distinct profiles per product over the
        title matrix: one pass per chunk, and temporaries bounded (128 x 47,000 cosines, 24 MB). A spreadsheet
        often repeats one job description: each distinct one is searched once."""
        if not groups:
            return []
        V, back = np.unique(np.stack([_mean_direction(g) for g in groups]), axis=0, return_inverse=True)
        back = back.reshape(-1)
        E = self.emb["minilm"]
        got = [_top_per_row(V[a:a + 128] @ E.T) for a in range(0, len(V), 128)]
        ids, vals = np.vstack([g[0] for g in got]), np.vstack([g[1] for g in got])
        return [(ids[j:j + 1], vals[j:j + 1]) for j in back.tolist()]

    def task_soc_max(self, sims: np.ndarray) -> dict[str, float]:
        """Per SOC: mean over duty statements of the best task similarity (sims: tasks x duties)."""
        best = np.maximum.reduceat(sims, self.task_starts, axis=0)  # (n_socs, n_duties)
        return dict(zip(self.task_socs, best.mean(axis=1).tolist()))


DUTY_TITLES_K = 30  # titles nearest the duties' mean direction that vote (feature ``duty_t``)


def _mean_direction(vecs: np.ndarray) -> np.ndarray:
    """The normalised mean of unit vectors (a profile's duty statements), float32."""
    m = np.asarray(vecs, dtype=np.float32).mean(axis=0)
    return (m / (float(np.linalg.norm(m)) or 1.0)).astype(np.float32)


def _top_per_row(sims: np.ndarray, k: int = DUTY_TITLES_K + 1, block: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """Column ids and values of each row's k largest entries (unsorted), read-only. Exact, and ~7x faster than
    ``argpartition`` over 47,000 titles (0.055 against 0.37 ms a row): the k-th largest of the row's block maxima (blocks of 128) is a floor
    that at least k entries reach (each of the k best blocks has one), and leaves ~50 a row to choose from."""
    n, m = sims.shape
    k = min(k, m)
    nb = m // block
    if nb + (m % block > 0) < k:  # a small dictionary (test packs): partition the whole row
        ids = np.argpartition(sims, m - k, axis=1)[:, m - k:] if k < m else np.tile(np.arange(m), (n, 1))
    else:
        best = sims[:, :nb * block].reshape(n, nb, block).max(axis=2)
        if m % block:
            best = np.concatenate([best, sims[:, nb * block:].max(axis=1, keepdims=True)], axis=1)
        floor = np.partition(best, best.shape[1] - k, axis=1)[:, -k]
        ids = np.empty((n, k), dtype=np.int64)
        for i in range(n):
            row = sims[i]
            idx = np.flatnonzero(row >= floor[i])
            ids[i] = idx[np.argpartition(row[idx], len(idx) - k)[len(idx) - k:]]
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    vals = np.take_along_axis(sims, ids, axis=1)
    ids.setflags(write=False)
    vals.setflags(write=False)
    return ids, vals


def _entries(pack: Pack) -> list[tuple[str, str, str, str]]:
    """(title, soc, onet, source) for every dictionary title in the pack."""
    q = [
        ("SELECT title, soc_code, onet_code, 'onet_title' FROM onet_occupations", None),
        ("SELECT title, soc_code, soc_code || '.00', 'soc_title' FROM soc_groups WHERE level='detailed'", None),
        ("SELECT title, soc_code, soc_code || '.00', 'dmtf' FROM dmtf_titles", None),
        ("SELECT title, substr(onet_code,1,7), onet_code, 'reported' FROM reported_titles", None),
        ("SELECT title, substr(onet_code,1,7), onet_code, 'alternate' FROM alternate_titles", None),
        ("SELECT short_title, substr(onet_code,1,7), onet_code, 'short' FROM alternate_titles WHERE short_title IS NOT NULL", None),
    ]
    out = []
    for sql, _ in q:
        out.extend(tuple(r) for r in pack.rows(sql))
    return out


def residual_links(pack: Pack) -> dict[str, tuple[str, frozenset[str]]]:
    """Qualified code -> (its residual "All Other" code, the qualifier words), for each detailed code whose SOC
    title is the residual's head with words in front, in the same broad group: "Pediatric Surgeons" ->
    ("29-1249" Surgeons, All Other, {"pediatric"}); "Graphic Designers" -> ("27-1029", {"graphic"})."""
    rows = [(r[0], r[1]) for r in pack.rows("SELECT soc_code, title FROM soc_groups WHERE level='detailed'")]
    residual = {s[:6]: (s, normalize_title(t.split(",")[0]).split()) for s, t in rows if t.endswith("All Other")}
    out = {}
    for soc, title in rows:
        res, head = residual.get(soc[:6], (None, []))
        words = normalize_title(title.split(",")[0]).split()
        if res is None or title.endswith("All Other") or len(words) <= len(head) or words[-len(head):] != head:
            continue
        qual = frozenset(w for w in words[:-len(head)] if w not in _QUAL_STOP)
        if qual:
            out[soc] = (res, qual)
    return out


def normalised_titles(pack: Pack, raws: list[str]) -> list[str]:
    """``normalize_title`` of every dictionary title, saved beside the pack and reused: normalising ~78,000 titles
    was over half of the coder's load (~1.1 of 1.7-2.5 s on 2 cores, session 18). Keyed by the exact titles, the
    normaliser's source and the Unicode tables (NFKC), so any change there normalises afresh; a missing, broken or
    unwritable file only costs the time."""
    src = Path(_normalize.__file__).read_bytes()
    h = hashlib.sha1("\n".join(raws).encode("utf-8"))
    h.update(src)
    h.update(unicodedata.unidata_version.encode())
    path = pack.path.with_name(f"{pack.path.name}.norm-{pack.pack_id}-{h.hexdigest()[:10]}.json")
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(keys, list) and len(keys) == len(raws) and all(isinstance(k, str) for k in keys):
            return keys
    except (OSError, ValueError):
        pass
    keys = [normalize_title(t) for t in raws]
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        for old in path.parent.glob(f"{pack.path.name}.norm-*.json"):
            old.unlink(missing_ok=True)  # superseded by this pack or normaliser
        tmp.write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
    return keys


def build_index(pack: Pack, saved_keys: bool = True) -> TitleIndex:
    """The title index of ``pack``. ``saved_keys=False`` normalises every title afresh (a test that changes the
    normaliser at run time, where the file's source is unchanged)."""
    links = residual_links(pack)
    by_title: dict[str, int] = {}
    titles: list[str] = []
    raw: list[str] = []
    codes: list[dict[str, tuple[float, str, str]]] = []
    entries = _entries(pack)
    raws = [e[0] for e in entries]
    keys = normalised_titles(pack, raws) if saved_keys else [normalize_title(t) for t in raws]
    for (title, soc, onet, source), key in zip(entries, keys):
        if not key:
            continue
        i = by_title.get(key)
        if i is None:
            i = by_title[key] = len(titles)
            titles.append(key)
            raw.append(title)
            codes.append({})
        targets = [(soc, onet, source)]
        link = links.get(soc) if source in RESIDUAL_SOURCES else None
        if link and not link[1] & set(key.split()):
            targets.append((link[0], link[0] + ".00", "residual"))
        for soc, onet, source in targets:
            w = SOURCE_WEIGHT[source]
            prev = codes[i].get(soc)
            if prev is None or w > prev[0]:
                codes[i][soc] = (w, onet, source)
    post: dict[str, list[int]] = defaultdict(list)
    lengths = np.zeros(len(titles), dtype=np.float32)
    for i, t in enumerate(titles):
        toks = t.split()
        lengths[i] = len(toks)
        for tok in set(toks):
            post[tok].append(i)
    n = len(titles)
    postings = {k: np.asarray(v, dtype=np.int32) for k, v in post.items()}
    idf = {k: math.log(1 + (n - len(v) + 0.5) / (len(v) + 0.5)) for k, v in postings.items()}
    soc_titles = {r[0]: r[1] for r in pack.rows("SELECT soc_code, title FROM soc_groups WHERE level='detailed'")}
    onet_titles = {r[0]: r[1] for r in pack.rows("SELECT onet_code, title FROM onet_occupations")}
    emp = {r[0]: r[1] for r in pack.rows("SELECT soc_code, employment FROM wages WHERE employment IS NOT NULL")}
    top = math.log1p(max(emp.values())) if emp else 1.0
    prior = {s: (math.log1p(emp[s]) / top if s in emp else 0.5) for s in soc_titles}
    tasks = [(r[0], r[0][:7], r[1]) for r in pack.rows("SELECT onet_code, task FROM tasks ORDER BY onet_code, task_id")]
    starts, socs = [], []
    for j, t in enumerate(tasks):
        if not socs or socs[-1] != t[1]:
            starts.append(j)
            socs.append(t[1])
    heads: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    vocab: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t, c in zip(titles, codes):
        toks = t.split()
        for soc in c:
            heads[soc][toks[-1]] += 1
            for tok in set(toks):
                vocab[soc][tok] += 1
    # Titles the multilingual encoder sees: the curated ones, plus every one- or two-word title ("Farmhand",
    # "Housekeeper", "Line Cook"): short titles are what other languages name jobs by ("Ama de llaves",
    # "Infermiere"). Longer alternate titles add encoding time at build and little for translation.
    curated = np.asarray([i for i, (t, c) in enumerate(zip(titles, codes))
                          if len(t.split()) <= 2 or any(v[2] in ("onet_title", "soc_title", "dmtf") for v in c.values())],
                         dtype=np.int32)
    return TitleIndex(titles, raw, codes, by_title, postings, idf, lengths, sorted(soc_titles), soc_titles,
                      onet_titles, prior, tasks, heads={k: dict(v) for k, v in heads.items()},
                      vocab={k: dict(v) for k, v in vocab.items()},
                      e5_ids=curated, task_starts=np.asarray(starts, dtype=np.int64),
                      task_socs=socs)


def bm25(ix: TitleIndex, query_tokens: list[str], k1: float = 1.2, b: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """BM25 over dictionary titles, sparse: (title ids that share a token with the query, their scores)."""
    avg = ix.__dict__.get("_avg_len")
    if avg is None:
        avg = ix._avg_len = float(ix.lengths.mean()) if len(ix.lengths) else 1.0
    # a token's term weights depend on nothing but the token: computed once ("laborer" has thousands of titles)
    weights = ix.__dict__.setdefault("_bm25_weights", {})
    ids, vals = [], []
    for tok in sorted(set(query_tokens)):  # sorted: the sums run in one order in every process
        p = ix.postings.get(tok)
        if p is None:
            continue
        ids.append(p)
        w = weights.get((tok, k1, b))
        if w is None:
            w = weights[(tok, k1, b)] = ix.idf[tok] * (k1 + 1) / (1 + k1 * (1 - b + b * ix.lengths[p] / avg))
        vals.append(w)
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    if len(ids) == 1:  # one known word: its postings are already sorted and distinct
        return ids[0], vals[0].astype(np.float32)
    allids = np.concatenate(ids)
    uniq, inv = np.unique(allids, return_inverse=True)
    return uniq, np.bincount(inv, weights=np.concatenate(vals)).astype(np.float32)


# ------------------------------------------------------------------ embeddings beside the pack


def emb_path(pack: Pack, model: str, what: str, texts: list[str]) -> Path:
    """Keyed by model, pack id and a hash of the exact texts, so a change in normalisation never reuses
    stale vectors."""
    digest = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:10]
    return pack.path.with_name(f"{pack.path.name}.{what}-{model}-{pack.pack_id}-{digest}.npy")


def _encode_all(encoder, texts: list[str], say=None, label: str = "") -> np.ndarray:
    out, step = [], 2048
    for i in range(0, len(texts), step):
        out.append(encoder.encode(texts[i:i + step], batch_size=128))
        if say:
            say(f"embedding {label}", min(i + step, len(texts)), len(texts))
    return np.vstack(out).astype(np.float16) if out else np.zeros((0, 1), np.float16)


def _load_vectors(path: Path, n: int) -> np.ndarray | None:
    """Saved vectors for ``n`` texts, or None when missing or broken (a truncated copy, a disk error): then they
    are computed again, never a crash at load."""
    try:
        arr = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    return arr if arr.ndim == 2 and arr.shape[0] == n else None


def ensure_embeddings(pack: Pack, ix: TitleIndex, model: str = "minilm", say=None) -> None:
    """Load (or compute and save atomically) title, task and occupation embeddings for ``model``."""
    from socfit.retrieve.encoders import get_encoder

    enc = None
    wanted = {
        "titles": lambda: ix.titles if model == "minilm" else [ix.raw[i] for i in ix.e5_ids],
        "occ": lambda: [ix.soc_titles[s] for s in ix.soc_list],
    }
    if model == "minilm":
        wanted["tasks"] = lambda: [t[2] for t in ix.tasks]
    for what, make in wanted.items():
        texts = make()
        path = emb_path(pack, model, what, texts)
        arr = _load_vectors(path, len(texts))
        if arr is None:
            enc = enc or get_encoder(model)
            arr = _encode_all(enc, texts, say, f"{what} ({model})")
            tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npy")
            try:
                for old in path.parent.glob(f"{pack.path.name}.{what}-{model}-*.npy"):
                    old.unlink(missing_ok=True)  # superseded vectors of this pack file
                np.save(tmp, arr)
                os.replace(tmp, path)
            except OSError:  # a folder that cannot be written: use them from memory, compute again next time
                tmp.unlink(missing_ok=True)
        target = {"titles": ix.emb, "tasks": ix.task_emb, "occ": ix.occ_emb}[what]
        target[model] = np.asarray(arr, dtype=np.float32)
    if model == "minilm":
        from socfit.retrieve.probe import ensure_probe

        if say:
            say("title probe (minilm)", 0, 1)
        ix.probe = ensure_probe(pack.path, pack.pack_id, ix.titles, ix.codes, ix.soc_list, ix.emb["minilm"])
        if say:
            say("title probe (minilm)", 1, 1)


_CACHE: dict[tuple[str, str], TitleIndex] = {}
_LOCK = threading.Lock()


def get_index(pack: Pack, models: tuple[str, ...] = ("minilm",), say=None) -> TitleIndex:
    key = (str(pack.path), pack.pack_id)
    with _LOCK:
        ix = _CACHE.get(key)
        if ix is None:
            ix = _CACHE[key] = build_index(pack)
        for m in models:
            if m not in ix.emb:
                ensure_embeddings(pack, ix, m, say)
    return ix


def split_duties(text: str, limit: int = 40) -> list[str]:
    """Duty statements from free text or bullet lists: sentences / lines of at least three words."""
    parts = re.split(r"(?:\n+|(?<=[.;])\s+|•|\u2022|(?:^|\s)[-*]\s)", text or "")
    out = [p.strip(" -*•\t") for p in parts if len(p.split()) >= 3]
    return out[:limit]


def stderr_progress(desc: str, done: int, total: int) -> None:
    print(f"\r{desc}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)
