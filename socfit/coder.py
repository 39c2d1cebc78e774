"""The coder: a job title (any language) and optional duties -> ranked SOC 2018 codes with evidence.

`Coder` holds the index and encoders for one pack; `code()` is the one-call API. Scores are softmax
probabilities over the candidates, calibrated on held-out dictionary titles (see scripts/train_ranker.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from socfit.errors import InputError, check_text
from socfit.pack.store import Pack
from socfit.retrieve import boilerplate, conventions, rank, translate
from socfit.retrieve.index import TitleIndex, get_index, split_duties
from socfit.retrieve.normalize import is_ascii_english, is_english_text, is_vague, normalize_title

MAX_TITLE = 300
MAX_DUTIES = 20_000
# `confident` is what a person may take without review: top score and lead over the runner-up chosen so that
# it agrees with the filed code ~75-80% of the time on the dev sets (docs/coder.md step 6; 0.6 since the
# title probe of session 6 made scores sharper: at 0.5 agreement fell to 72-78%).
CONFIDENT_SCORE = 0.6
CONFIDENT_GAP = 0.2
# With duties the network's scores (socfit/retrieve/mlp.py) are sharper than the linear ones: at 0.6 / 0.2 its
# confident profiles agreed with the gold code 83-87% of the time on the task-like proxies (the linear scores:
# 89-95%); at 0.8 / 0.4, 92-95%, with about as many profiles confident as before or more (37-51% against
# 38-46%). docs/coder.md step 6.
CONFIDENT_SCORE_DUTIES = 0.8
CONFIDENT_GAP_DUTIES = 0.4
# A non-English title with duties: score = duties network (generic-title kind) + this * log p(multilingual title
# weights). Of 0.5, 1 and 2 on the multilingual probe's titles with SOC definitions or two hidden core tasks as
# duties, 0.5 was best (docs/benchmarks.md).
FOREIGN_TITLE_WEIGHT = 0.5
EXACT = rank.FEATURES.index("exact")  # weight of the dictionary entry equal to the title (0 when none)
SHOW_MOVE = 0.05  # a code the filing conventions raised by this much says so in its evidence
MEMO_SIZE = 50_000  # remembered results (a few KB each)
MEMO_MAX_DUTIES = 2_000  # longer duties are not remembered: they rarely repeat and would bloat memory


@dataclass
class Match:
    text: str
    source: str
    similarity: float


@dataclass
class TaskMatch:
    task: str
    duty: str
    similarity: float


@dataclass
class Candidate:
    soc_code: str
    soc_title: str
    score: float
    onet_code: str
    onet_title: str
    matched_titles: list[Match] = field(default_factory=list)
    matched_tasks: list[TaskMatch] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)


@dataclass
class CodeResult:
    title: str
    normalized_title: str
    candidates: list[Candidate]
    confident: bool
    questions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_types(title, duties) -> None:
    """Python callers can pass anything: what is not text is an InputError, not a TypeError deep inside."""
    if title is not None and not isinstance(title, str):
        raise InputError(f"title must be text, not {type(title).__name__}")
    if isinstance(duties, list):
        bad = next((i for i, d in enumerate(duties) if not isinstance(d, str)), None)
        if bad is not None:
            raise InputError(f"duties must be text or a list of text; item {bad + 1} is {type(duties[bad]).__name__}")
    elif not (duties is None or isinstance(duties, str)):
        raise InputError(f"duties must be text or a list of text, not {type(duties).__name__}")


class Coder:
    def __init__(self, pack: Pack, multilingual: bool = True):
        self.pack = pack
        models = ("minilm", "e5") if multilingual else ("minilm",)  # USE's title vectors: at the first foreign title
        self.ix: TitleIndex = get_index(pack, models)
        self.weights = rank.load_weights()
        self.mlps = rank.load_mlps()  # title + duties: the non-linear ranker where one is trained
        self.filing_prior = rank.filing_prior(rank.filing_prior_params())
        self.conventions = conventions.load()
        from socfit.retrieve.encoders import get_encoder

        # Query text (titles the dictionary lacks, duty statements): the pack's MiniLM multiplied in int8, ~1.8x
        # faster than the float model that embedded the dictionary and the tasks (quantize.py, docs/coder.md).
        self.minilm = get_encoder("minilm-query")
        self._memo: dict[tuple, CodeResult] = {}
        self.e5 = get_encoder("e5") if multilingual else None
        self.use = get_encoder("use") if multilingual else None

    # -------------------------------------------------------------- public
    def code(self, title: str, duties: str | list[str] | None = None, top: int = 5) -> CodeResult:
        return self.code_many([(title, duties)], top=top)[0]

    def code_many(self, rows: list[tuple[str, str | list[str] | None]], top: int = 5,
                  exclude_exact: bool = False, questions: bool = True) -> list[CodeResult]:
        """Code a batch (titles encoded together for speed). Raises InputError on an empty title.

        ``questions=False`` skips the clarifying questions (batch files do not show them). Repeated
        (title, duties) pairs are coded once per call and remembered across calls (bounded cache), which is
        what makes large real files fast: they repeat titles."""
        for t, d in rows:
            _check_types(t, d)
        keys = [(t, "\n".join(d) if isinstance(d, list) else (d or ""), top, exclude_exact, questions) for t, d in rows]
        todo = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if todo:
            fresh = self._code_many([(k[0], k[1] or None) for k in todo], top, exclude_exact, questions)
            if len(self._memo) + len(todo) > MEMO_SIZE:
                self._memo.clear()
            self._memo.update((k, r) for k, r in zip(todo, fresh) if len(k[1]) <= MEMO_MAX_DUTIES)
            fresh_by_key = dict(zip(todo, fresh))
        else:
            fresh_by_key = {}
        # Shared objects: treat results as read-only.
        return [fresh_by_key[k] if k in fresh_by_key else self._memo[k] for k in keys]

    def _code_many(self, rows, top: int, exclude_exact: bool, questions: bool) -> list[CodeResult]:
        prepared = [self._prepare(t, d) for t, d in rows]
        vecs = self._title_vecs([p[1] or p[0] for p in prepared])
        foreign = [i for i, p in enumerate(prepared) if not self._english(p[0], p[1])]
        e5 = {}
        if foreign and self.e5 is not None:
            enc = self.e5.encode([prepared[i][0] for i in foreign], batch_size=64)
            e5 = {i: enc[k] for k, i in enumerate(foreign)}
        use, ml_sims = {}, {}
        if e5 and self.use is not None:
            # USE's title vectors load when first needed (~0.2 s for 58 MB; computed once, ~8 s, if the pack was
            # built without them): an English-only session never pays for them
            get_index(self.pack, ("use",))
            enc = self.use.encode([prepared[i][0] for i in e5], batch_size=64)
            use = {i: enc[k] for k, i in enumerate(e5)}
        if len(e5) > 1 and "e5" in self.ix.emb:  # one matrix product per encoder for the batch's foreign titles
            got = rank.multilingual_sims(self.ix.emb, np.stack(list(e5.values())),
                                         np.stack([use[i] for i in e5]) if use else None)
            ml_sims = {i: got[:, k] for k, i in enumerate(e5)}
        # One BLAS call for the batch; rows are contiguous so each query's slice is cheap.
        sims = vecs @ self.ix.emb["minilm"].T if len(vecs) > 1 else None
        lps = self.ix.probe.log_probs(vecs) if len(vecs) > 1 and self.ix.probe is not None else None
        all_duties = [d for p in prepared for d in p[2]]
        dvecs = None
        if all_duties:  # a spreadsheet often repeats one job description on many rows: embed each sentence once
            uniq = {d: k for k, d in enumerate(dict.fromkeys(all_duties))}
            dvecs = self.minilm.encode(list(uniq), batch_size=64)[[uniq[d] for d in all_duties]]
        spans, at = [], 0
        for p in prepared:
            spans.append((at, at + len(p[2])))
            at += len(p[2])
        with_duties = [i for i, (a, b) in enumerate(spans) if b > a]
        tsims, dtitles, dprobe = {}, {}, {}
        if len(with_duties) > 1:  # one pass over the task and the title matrices, and the probe, for the batch
            groups = [dvecs[spans[i][0]:spans[i][1]] for i in with_duties]
            tsims = dict(zip(with_duties, self.ix.task_sims_batch(groups)))
            if "minilm" in self.ix.emb:
                dtitles = dict(zip(with_duties, self.ix.duty_titles_batch(groups)))
            if self.ix.probe is not None:  # dvecs holds exactly the duty rows, in span order
                got = self.ix.probe.log_probs(dvecs)
                dprobe = {i: got[spans[i][0]:spans[i][1]] for i in with_duties}
        out = []
        for i, (title, norm, duty_list, notes) in enumerate(prepared):
            dv = dvecs[spans[i][0]:spans[i][1]] if duty_list else None
            q = rank.Query(title, norm, vecs[i], e5.get(i), dv, foreign=i in e5,
                           exclude=self.ix.by_title.get(norm) if exclude_exact else None,
                           sims=sims[i] if sims is not None else None,
                           probe=lps[i] if lps is not None else None, task_sims=tsims.get(i), use=use.get(i),
                           ml_sims=ml_sims.get(i), duty_titles=dtitles.get(i), duty_probe=dprobe.get(i))
            reading = translate.to_english(title) if i not in e5 else None
            lang = "other" if i in e5 else reading.language if reading is not None else "en"
            out.append(self._rank(q, duty_list, notes, top, lang, questions))
        return out

    # -------------------------------------------------------------- internals
    def _title_vecs(self, norms: list[str]) -> np.ndarray:
        """MiniLM vectors of normalised titles. A title that is a dictionary title already has its vector
        (the dictionary was embedded from the same normalised text at pack build): ~30-47% of real filings'
        titles, which then skip the encoder, the costliest step of a title-only batch."""
        vecs = np.zeros((len(norms), self.minilm.dim), np.float32)
        emb, by_title = self.ix.emb.get("minilm"), self.ix.by_title
        known = {i: by_title[n] for i, n in enumerate(norms) if emb is not None and n in by_title}
        if known:
            vecs[list(known)] = emb[list(known.values())]
        todo = [i for i in range(len(norms)) if i not in known]
        if todo:  # batches of 32: titles are short, and small batches keep ONNX Runtime's work in cache
            vecs[todo] = self.minilm.encode([norms[i] for i in todo], batch_size=32)
        return vecs

    def _english(self, title: str, norm: str) -> bool:
        """English unless the script or common foreign job words say otherwise, or none of the title's words
        is known to the (English) title dictionary ('Krankenschwester', 'Enfermeiro')."""
        if not is_ascii_english(title):
            return translate.to_english(title) is not None  # read with the glossary: coded as English
        toks = norm.split()
        return not toks or any(t in self.ix.postings for t in toks)

    def _prepare(self, title: str, duties) -> tuple[str, str, list[str], list[str]]:
        notes: list[str] = []
        _check_types(title, duties)
        # full-width Latin ("Ｄａｔａ　Ｓｃｉｅｎｔｉｓｔ", typed with an East Asian keyboard), ligatures and circled letters read
        # as the letters they are, before any check: unfolded, the language check took such a title for a foreign
        # one, and "Ⓓⓐⓣⓐ" had "no words" (session 18)
        title = unicodedata.normalize("NFKC", title or "")
        if not title.strip():
            raise InputError("title is empty: give a job title (e.g. 'Data Scientist')")
        if not any(ch.isalpha() for ch in title):  # "12345", "!!!": nothing to code, only noise to rank
            raise InputError(f"title {title.strip()[:40]!r} has no words: give a job title (e.g. 'Data Scientist')")
        check_text(title, "the title")  # NUL, escape...: a binary paste or a broken export, not a job title
        title = " ".join(title.split())
        if len(title) > MAX_TITLE:
            title = title[:MAX_TITLE]
            notes.append(f"title truncated to {MAX_TITLE} characters")
        text = "\n".join(duties) if isinstance(duties, list) else (duties or "")
        check_text(text, "the duty text")
        if len(text) > MAX_DUTIES:
            text = text[:MAX_DUTIES]
            notes.append(f"duties truncated to {MAX_DUTIES:,} characters")
        norm = normalize_title(title)
        if is_ascii_english(title):  # misspelt English words ("Houskeeper") before the language check
            norm = self.ix.spell(norm)
        reading = translate.to_english(title)
        if reading is not None:  # Korean, Chinese, Japanese: the glossary's English words, coded as English
            norm = normalize_title(reading.english)
            shown = reading.english if len(reading.english) <= 80 else reading.english[:77] + "..."
            left = (f", leaving out '{reading.dropped[:40]}' (not a job word in the glossary: a company or place "
                    "name?)") if reading.dropped else ""
            notes.append(f"read the {translate.LANGUAGES[reading.language]} title as '{shown}'{left} "
                         "(socfit's glossary of job-title words): check that this is what the title means")
        statements = split_duties(text)
        # O*NET's tasks and the duty encoder are English: a duty in Korean or Spanish would match noise (the advisor
        # leaves them out the same way).
        duties = [d for d in statements if is_english_text(d, self.ix.english_words())]
        if len(duties) < len(statements):
            n = len(statements) - len(duties)
            notes.append(f"{'the duties are' if not duties else f'{n} duty statement(s) are'} not in English and were "
                         "not matched to O*NET's (English) tasks" + (": the codes rest on the title" if not duties
                                                                    else "") + "; give the duties in English")
        duties, said = boilerplate.duties_and_notes(duties)  # a pasted posting: requirements...
        notes.extend(said)
        if text.strip() and not statements:  # given but unusable: say so rather than code the title alone in silence
            notes.append("duties not used: no duty statement of three or more words was found (write each duty as "
                         "a sentence in English, e.g. 'Design machine learning models for fraud detection')")
        return title, norm, duties, notes

    def _rank(self, q: rank.Query, duty_list: list[str], notes: list[str], top: int, lang: str,
              questions: bool = True) -> CodeResult:
        socs, X, ev = rank.features(self.ix, q)
        vague = q.e5 is None and is_vague(q.norm)
        bias = None
        if q.duty_vecs is not None and len(q.duty_vecs):
            # A generic title ("Engineer") says little: its own weights let the duties decide.
            kind = "duties_vague" if vague and "duties_vague" in self.weights else "duties"
            if q.e5 is not None and "duties_vague" in self.weights:
                # A title in another language: the duties weights never saw its multilingual signal, so they read
                # it as no title at all. The duties speak as for a generic title, and the title speaks through its
                # own multilingual probabilities (docs/coder.md step 4, "Non-English titles with duties").
                kind = "duties_vague"
                bias = FOREIGN_TITLE_WEIGHT * np.log(rank.score(X, self.weights["multilingual"]) + 1e-9)
        else:
            kind = "en" if q.e5 is None else "multilingual"
        if kind == "en" and self.filing_prior:  # title only: how often real filings use each code
            fp = self.filing_prior
            bias = np.array([fp.get(s, 0.0) for s in socs], dtype=np.float32)
        p = rank.score(X, self.mlps.get(kind, self.weights[kind]), bias)
        # The title's own evidence, before what filings teach (prior, conventions): kept to say so when they
        # change the first code.
        own = socs[int(np.argmax(rank.score(X, self.weights[kind]) if bias is not None else p))] \
            if kind == "en" and len(socs) else None
        moved, n_ranked, before = None, len(socs), (socs, p)
        if kind == "en" and self.conventions and len(socs):  # title only: where such filings really end up
            words = frozenset(q.norm.split())
            socs, p, moved = self.conventions.apply(socs, p, X[:, EXACT], words)
            added = len(socs) - n_ranked  # codes only the conventions bring: no features, no filing prior
            X = np.vstack([X, np.zeros((added, X.shape[1]), X.dtype)])
            bias = None if bias is None else np.concatenate([bias, np.zeros(added, bias.dtype)])
        order = np.argsort(-p, kind="stable")[:max(top, 2)]
        cands, task_sims = [], None
        # rounded once per query, not value by value
        shown = dict(zip(order.tolist(), X[order].astype(np.float64).round(4).tolist()))
        for j in order:
            soc = socs[j]
            if moved is not None and (j >= n_ranked or moved[j] >= SHOW_MOVE):
                # moved up (or brought in) by the filing conventions: say so, with the probability added
                src = self.conventions.source(*before, soc, words)
                if src:
                    said = self.conventions.words_for(src, soc, words)
                    said = f" and says {' or '.join(repr(w) for w in said)}" if said else ""
                    note = (f"filings whose title reads as {src} {self.ix.soc_titles.get(src, '')}{said} are "
                            "often filed under this code", "filing conventions", float(moved[j]))
                    ev[soc] = [note] + list(ev.get(soc, []))[:2]
            onet = self._best_onet(soc, ev.get(soc, []))
            c = Candidate(soc, self.ix.soc_titles.get(soc, soc), round(float(p[j]), 4), onet,
                          self.ix.onet_titles.get(onet, ""),
                          [Match(t, s, round(v, 3)) for t, s, v in ev.get(soc, [])[:3]],
                          features={**dict(zip(rank.FEATURES, shown[j])),
                                    "filing_prior": round(float(bias[j]), 4) if bias is not None else 0.0,
                                    "filing_convention": round(float(moved[j]), 4) if moved is not None else 0.0})
            if q.duty_vecs is not None and len(duty_list):
                if task_sims is None:  # once per query (shared with the features, and with the advisor)
                    task_sims = (q.task_sims or self.ix.task_sims(q.duty_vecs))[0]
                c.matched_tasks = self._task_evidence(soc, task_sims, duty_list)
            cands.append(c)
        s1 = cands[0].score if cands else 0.0
        s2 = cands[1].score if len(cands) > 1 else 0.0
        if kind in self.mlps:
            confident = s1 >= CONFIDENT_SCORE_DUTIES and s1 - s2 >= CONFIDENT_GAP_DUTIES
        else:
            confident = s1 >= CONFIDENT_SCORE and s1 - s2 >= CONFIDENT_GAP
        if vague and kind != "duties_vague":
            # "Team Leader", "Manager", "Consultant": many codes fit; never call one of them confidently.
            confident = False
            notes = notes + [f"'{q.title}' is a generic title that fits many occupations: add the main duties "
                             "(or a more specific title) to decide"]
        if own is not None and cands and own != cands[0].soc_code:
            # Filings, not the title, put this code first ("Research Scientist, Immunology": the healthcare
            # filings' 29-2011 over 19-1042 Medical Scientists): a person should see both and decide. Said when
            # the title's own first code is in the list and the title is not generic (that has its own note).
            confident = False
            if not vague and own in {c.soc_code for c in cands[:top]}:
                notes = notes + [f"{cands[0].soc_code} is first because real filings often use it; the title on "
                                 f"its own fits {own} {self.ix.soc_titles.get(own, '')} best: add the main duties "
                                 "to decide"]
        res = CodeResult(q.title, q.norm, cands[:top], confident, notes=notes, language=lang)
        if questions and not confident and len(cands) > 1:
            res.questions = self._questions(cands[0], cands[1])
        return res

    def _best_onet(self, soc: str, ev: list[tuple[str, str, float]]) -> str:
        raw_ids = self.__dict__.get("_raw_ids")
        if raw_ids is None:  # evidence quotes dictionary titles as written: look them up, not re-normalise
            raw_ids = self._raw_ids = {r: i for i, r in enumerate(self.ix.raw)}
        for text, src, _ in ev:
            if src == "filing conventions":  # a sentence about filings, not a dictionary title
                continue
            i = raw_ids.get(text)
            if i is None:
                i = self.ix.by_title.get(normalize_title(text))
            if i is not None and soc in self.ix.codes[i]:
                return self.ix.codes[i][soc][1]
        return f"{soc}.00"

    def _task_evidence(self, soc: str, task_sims: np.ndarray, duties: list[str], n: int = 3) -> list[TaskMatch]:
        """The best O*NET task of ``soc`` for each duty; ``task_sims`` is tasks x duties for the whole index."""
        rows = self.ix.task_rows(soc)
        if not rows:
            return []
        sims = task_sims[rows.start:rows.stop]
        best = []
        for d in range(sims.shape[1]):
            k = int(np.argmax(sims[:, d]))
            best.append(TaskMatch(self.ix.tasks[rows[k]][2], duties[d], round(float(sims[k, d]), 3)))
        return sorted(best, key=lambda m: -m.similarity)[:n]

    def _questions(self, a: Candidate, b: Candidate) -> list[str]:
        qs = []
        mgr = lambda c: any(w in c.soc_title for w in ("Managers", "Supervisors", "Executives"))
        if mgr(a) != mgr(b):
            m = a if mgr(a) else b
            qs.append(f"Do you manage or supervise other workers as a main part of the job? (yes suggests "
                      f"{m.soc_code} {m.soc_title})")
        ta, tb = self.distinct_task(a.onet_code, b.onet_code), self.distinct_task(b.onet_code, a.onet_code)
        if ta and tb:
            qs.append(f"Which is closer to your main duties: (a) \"{ta}\" ({a.soc_code} {a.soc_title}) or "
                      f"(b) \"{tb}\" ({b.soc_code} {b.soc_title})?")
        return qs[:2]

    def _onet_rows(self, onet: str) -> list[int]:
        own = self.ix.onet_groups(onet[:7]).get(onet)
        return own.tolist() if own is not None else list(self.ix.task_rows(onet[:7]))

    def distinct_task(self, onet: str, other: str, toward: np.ndarray | None = None) -> str | None:
        """The typical task of ``onet`` least like any task of ``other``: the one that separates the two codes.
        With duty vectors ``toward``, the one most like the duties as well (it must sound like the person)."""
        mine, theirs = self._onet_rows(onet), self._onet_rows(other)
        core = {r[0] for r in self.pack.rows("SELECT task FROM tasks WHERE onet_code=? AND task_type='Core' "
                                             "ORDER BY incumbents_responding DESC LIMIT 10", (onet,))}
        mine = [k for k in mine if self.ix.tasks[k][2] in core] or mine  # typical tasks, not rare ones
        if not mine:
            return None
        if not theirs:
            return self.ix.tasks[mine[0]][2]
        E = self.ix.task_emb["minilm"]
        score = -(E[mine] @ E[theirs].T).max(axis=1)
        if toward is not None and len(toward):
            score = score + (E[mine] @ np.asarray(toward).T).max(axis=1)
        return self.ix.tasks[mine[int(np.argmax(score))]][2]


_CODERS: dict[tuple[str, str], Coder] = {}


def get_coder(pack: Pack) -> Coder:
    key = (str(pack.path), pack.pack_id)
    if key not in _CODERS:
        _CODERS[key] = Coder(pack)
    return _CODERS[key]


def code(title: str, duties: str | list[str] | None = None, top: int = 5, pack: Path | str | None = None) -> CodeResult:
    """Rank SOC 2018 codes for a job title (and duties, when known)."""
    from socfit.api import get_pack

    return get_coder(get_pack(pack)).code(title, duties, top)
