"""The advisor: candidates side by side, the recommendation, risk flags, questions and Part 6.

How a recommendation is chosen (docs/advisor.md states every rule and weight):
1. Candidates come from the coder (title with duties, title alone), the duties alone, the home-country
   title, a code the person gave, and the managers over the work when the person leads people.
2. Each gets a *fit* in [0, 1]: title score relative to the best, duty-to-task match, and bonuses for the
   degree field, the tools named in the duties, and leading people (for management codes).
3. A candidate is *supported* when its fit is within FIT_TOLERANCE of the best and it covers enough of
   the duties. Only supported codes can be recommended.
4. Among supported codes, the most *advantageous* for an EB-2 NIW wins: a profession, an advanced degree
   typical, the degree field linked to the code, a specific (not "All Other") code, no management claim
   without staff, a salary inside the wage range. Fit breaks near-ties.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from socfit import __version__
from socfit.advisor import flags as F
from socfit.advisor.part6 import part6
from socfit.advisor.profile import load_profile, validate_profile
from socfit.assess.cet import cet_areas
from socfit.assess.cet import source as cet_source
from socfit.assess.degree import field_fit, match_field, stem
from socfit.assess.niw import advanced_degree, profession, wage_position
from socfit.assess.occupation import OccupationCard, card, resolve
from socfit.assess.tools import tool_share, tools_in
from socfit.errors import CodeError
from socfit.pack.store import Pack
from socfit.retrieve import boilerplate
from socfit.retrieve.index import split_duties
from socfit.retrieve.normalize import is_ascii_english, is_english_text, normalize_title

FIT_TOLERANCE = 0.10
COVERED = 0.35  # duty-to-task cosine (MiniLM) at or above which a duty counts as covered by a task
DUTY_FLOOR, DUTY_CEIL = 0.20, 0.60  # cosine range mapped to duty fit 0..1
POOL = 8  # codes taken from each coder ranking
MAX_DUTY_STATEMENTS = 40  # split statements matched to O*NET tasks (a profile may list 60 items)
DUTY_POOL = 6  # codes taken from the duties alone
CARDS = 10  # candidates assessed in full (best fits)
# Who manages each kind of work, by SOC major group (SOC 2018 definitions of the 11-xxxx codes).
MANAGERS_OF = {"13": "11-1021", "15": "11-3021", "17": "11-9041", "19": "11-9121", "21": "11-9151",
               "25": "11-9033", "29": "11-9111", "31": "11-9111", "35": "11-9051", "41": "11-2022",
               "43": "11-3012", "47": "11-9021", "49": "11-3051", "51": "11-3051", "53": "11-3071"}
# Degrees that speak for a title's level: without duties they set aside an O*NET title listed at a lower level
# ("Semiconductor Process Engineer" under 51-9141 Semiconductor Processing Technicians).
DEGREE_LEVEL_EVIDENCE = ("bachelor", "master", "doctorate", "professional")
FIELD_BONUS = {"linked": 0.10, "related": 0.05}  # the degree field is part of the job's story
TOOL_COVERS = 3.0  # a tool listed by at most ~1 in 20 occupations (weight >= 3) covers the duty naming it
TOOL_BONUS = 0.10  # times the weighted share of the tools named in the duties that O*NET lists for the code
ROLE_BONUS = 0.10  # a management (or supervisor) code for someone who leads people
# Practitioners who need a license (physicians, nurse practitioners, dentists, lawyers...): never proposed on
# duty similarity alone, only when the title points there.
LICENSED = ("29-1", "23-1011")
DISCLAIMER = ("Not legal advice: socfit organises official data and flags risks; a licensed attorney should make "
              "the final decision.")
USED_TABLES = ["soc_groups", "onet_occupations", "tasks", "job_zones", "onet_education", "entry_education",
               "oflc_education", "oflc_appendix_a", "wages", "cip_soc", "cip_titles", "stem_cip", "cet_areas",
               "alternate_titles", "reported_titles", "dmtf_titles", "soc2010_to_2018", "technology_skills"]


@dataclass
class Recommendation:
    soc_code: str
    soc_title: str
    onet_code: str
    onet_title: str
    reason: str
    tradeoff: str | None
    runner_up: dict[str, str] | None
    fit_tolerance: float = FIT_TOLERANCE


@dataclass
class Advice:
    profile: dict[str, Any]
    recommendation: Recommendation
    candidates: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    part6: dict[str, Any]
    notes: list[str]
    data_versions: dict[str, Any]
    disclaimer: str = DISCLAIMER
    socfit_version: str = __version__

    def to_dict(self) -> dict[str, Any]:
        """A deep, JSON-ready copy (parts of the advice share cached, per-pack data)."""
        return _plain(self)


def _clone(obj: Any) -> Any:
    """copy.deepcopy for the cards' JSON-like data (dicts, lists, tuples, scalars), ~5x faster."""
    if isinstance(obj, dict):
        return {k: _clone(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clone(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_clone(v) for v in obj)
    return obj


def _plain(obj: Any) -> Any:
    """dataclasses.asdict for this tree of dataclasses, dicts, lists and scalars, several times faster."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _plain(getattr(obj, k)) for k in obj.__dataclass_fields__}
    return obj


@dataclass
class _Cand:
    soc: str
    onet: str
    title_score: float
    card: OccupationCard | None
    matched_titles: list[dict[str, Any]] = field(default_factory=list)
    matched_tasks: list[dict[str, Any]] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    duty_fit: float | None = None
    coverage: float | None = None
    fit: float = 0.0
    out: dict[str, Any] = field(default_factory=dict)


def advise(profile: dict[str, Any] | str | Path, candidates: int = 4,
           pack: Path | str | Pack | None = None) -> Advice:
    """Advise on a profile (a dict, or a JSON/YAML file; see docs/advisor.md). Raises InputError for a bad
    profile."""
    from socfit.api import get_pack
    from socfit.coder import get_coder

    prof = load_profile(profile) if isinstance(profile, (str, Path)) else validate_profile(profile)
    p = pack if isinstance(pack, Pack) else get_pack(pack)
    coder = get_coder(p)
    return _Advisor(p, coder, prof, max(2, min(candidates, POOL))).run()


class _Advisor:
    def __init__(self, pack: Pack, coder, prof: dict[str, Any], n: int):
        self.pack, self.coder, self.prof, self.n = pack, coder, prof, n
        self.notes: list[str] = []
        self.flags: list[dict[str, Any]] = []
        duties_in = prof.get("duties") or []
        duties = [d for item in duties_in for d in (split_duties(item) or ([item] if item.strip() else []))]
        if len(duties) > MAX_DUTY_STATEMENTS:
            self.notes.append(f"The duties make {len(duties)} statements; the first {MAX_DUTY_STATEMENTS} were "
                              "matched to O*NET tasks (put the main duties first).")
            duties = duties[:MAX_DUTY_STATEMENTS]
        # O*NET tasks are English and so is the duty encoder: duties in another language would match noise.
        self.duties = [d for d in duties if is_english_text(d, self.coder.ix.english_words())]
        if len(self.duties) < len(duties):
            some = "The duties are" if not self.duties else f"{len(duties) - len(self.duties)} of the duty statements are"
            self.notes.append(f"{some} not in English, so they were not matched to O*NET tasks and are not quoted in "
                              "Part 6" + (": the codes rest on the title" if not self.duties else "")
                              + ". Give the duties in English for task evidence and a drafted description.")
        # Requirements, benefits: not matched, not quoted as duties. (Duties that are all such text are kept; the
        # coder's note, passed on with its other notes, says so.)
        self.duties, dropped = boilerplate.separate(self.duties)
        if dropped:
            said = boilerplate.note(dropped)
            self.notes.append(said[0].upper() + said[1:] + ".")
        self.dvecs = coder.minilm.encode(self.duties) if self.duties else None
        self.duty_tools = [tools_in(pack, d) for d in self.duties]
        self.tools = {k: v for found in self.duty_tools for k, v in found.items()}
        sup = prof.get("supervises") or 0
        leads_in_duties = any(_LEADS.search(d) for d in self.duties)
        self.leads = sup >= 1 or leads_in_duties  # propose the managers over the work
        self.manages = sup >= 3 or (sup >= 1 and leads_in_duties)  # and give management codes the role bonus
        self.given: str | None = None  # the SOC 2018 code behind profile["soc_code"], when it resolves

    # ------------------------------------------------------------------ pipeline
    def run(self) -> Advice:
        deg = self.prof.get("degree") or {}
        key = (deg.get("field"), deg.get("cip"))
        memo = self.pack.cached("advise_fields", dict)  # degree fields repeat across profiles (and threads)
        hit = memo.get(key)
        if hit is None:
            if len(memo) > 4096:
                memo.clear()
            found = match_field(self.pack, deg.get("field"), deg.get("cip"), encoder=self.coder.minilm)
            hit = memo[key] = found
        self.cips = cips = hit
        if deg.get("cip") and not any(m.cip_code == deg["cip"] for m in cips):
            self.notes.append(f"degree.cip {deg['cip']} is not a CIP 2020 program; the degree field "
                              f"{'was matched instead' if cips else 'is unknown'}.")
        pool = self._pool()
        best_fit = max(c.fit for c in pool)
        # Half of the duties must be covered, or as many as the best-covered code covers when none reaches half.
        covs = [c.coverage for c in pool if c.coverage is not None]
        self.need_coverage = min(0.5, max(covs)) if covs else 0.0
        text = " ".join([self.prof.get("endeavor", ""), *self.duties, self.prof["job_title"]])
        cet = cet_areas(text)
        for c in pool:
            c.out = self._assess(c, cips, cet, best_fit)
        rec = self._recommend(pool)
        # The recommendation and the code the person gave are always compared, whatever their fit.
        must = [rec] + [c for c in pool if c.soc == self.given and c is not rec]
        shown = must + [c for c in sorted(pool, key=lambda c: -c.fit) if c not in must][: max(0, self.n - len(must))]
        for i, c in enumerate(sorted(shown, key=lambda c: -c.fit), 1):
            c.out["rank"] = i
        cands = [c.out for c in sorted(shown, key=lambda c: c.out["rank"])]
        runner = self._runner_up(rec, shown)
        recommendation = self._explain(rec, runner)
        best = sorted(shown, key=lambda c: -c.fit)
        suggest = [rec.out["onet_title"]] + [c.out["onet_title"] for c in best if c is not rec and c.out["supported"]]
        self.flags = F.profile_flags(self.prof, self.duties, self.title_result, self.pack, suggest) + [
            {**f, "soc_code": rec.soc} for f in rec.out["flags"]]
        self.flags.sort(key=lambda f: F.SEVERITY_ORDER[f["severity"]])
        questions = self._questions(rec, runner, shown)
        p6 = part6(self.pack, self.prof, self.duties, rec, self.title_result, self.coder, self.flags, self.dvecs)
        known = self.pack.cached("advise_versions", lambda: self.pack.versions(USED_TABLES))
        versions = {k: dict(v) for k, v in known.items()}
        versions["cet_keywords"] = {"source": "socfit (own keywords for the official area names)",
                                    "version": __version__, "url": cet_source()["url"]}
        return Advice(self.prof, recommendation, cands, self.flags, questions, p6, self.notes, versions)

    def _pool(self) -> list[_Cand]:
        """Candidate codes from every angle: the coder on the title with duties and on the title alone, the
        duties alone (best-matching O*NET tasks: what a vague title cannot say), the home-country title, and
        any code the person already considers. Fit is computed for all; cards only for the best."""
        title = self.prof["job_title"]
        res = self.coder.code(title, self.duties or None, top=POOL)
        self.title_result = self.coder.code(title, None, top=POOL) if self.duties else res
        self.vague = is_ascii_english(title) and F.is_vague(title, self.title_result)
        self.notes.extend(res.notes)
        found: dict[str, tuple[float, str, list]] = {}

        def add(cands, weight: float, label: str = "") -> None:
            for c in cands:
                s, onet, titles = found.get(c.soc_code, (0.0, c.onet_code, []))
                if not titles:
                    titles = [{**asdict(m), "source": m.source + label} for m in c.matched_titles
                              if not label or (m.similarity >= 0.9 and m.source != "filing conventions")]
                    titles = list({t["text"].lower(): t for t in reversed(titles)}.values())[::-1]
                found[c.soc_code] = (max(s, c.score * weight), onet, titles)

        add(res.candidates, 1.0)
        add(self.title_result.candidates[:4], 1.0)
        if self.prof.get("country_title"):
            # Home-country titles are short and multilingual matching of them is loose: they add candidates
            # at half weight, and only near-exact title matches count as evidence.
            add(self.coder.code(self.prof["country_title"], None, top=4).candidates, 0.5,
                " (home-country title)")
        sims = None
        if self.dvecs is not None:
            sims, by_duty = self.coder.ix.task_sims(np.asarray(self.dvecs))  # tasks x duties, shared with the coder
            for soc in sorted(by_duty, key=lambda k: -by_duty[k])[:DUTY_POOL]:
                found.setdefault(soc, (0.0, f"{soc}.00", []))
        if self.prof.get("soc_code"):
            try:
                r = resolve(self.pack, self.prof["soc_code"])
                self.given = r.soc_code
                found.setdefault(r.soc_code, (0.0, r.onet_code or f"{r.soc_code}.00", []))
            except CodeError:
                pass  # reported as a flag by profile_flags
        pool = [_Cand(soc, onet, s, None, titles) for soc, (s, onet, titles) in found.items()]
        # An engineer's title that matched a technicians' code (an O*NET title listed at another level) is no
        # evidence for that code when the duties, or a degree, speak for the title's level: the duties decide
        # it (or, without duties, the codes at the title's level share the title's evidence).
        names = self.coder.ix.soc_titles
        degree = (self.prof.get("degree") or {}).get("level")
        level_evidence = sims is not None or degree in DEGREE_LEVEL_EVIDENCE
        off = {c.soc for c in pool if level_evidence and F.level_mismatch(title, names.get(c.soc, ""))
               and F.level_mismatch(title, names[c.soc], self._job_zone(c.soc))}  # the card only when words flag
        top = max((c.title_score for c in pool if c.soc not in off), default=0.0) or 1.0
        for c in sorted((c for c in pool if c.soc in off and c.title_score >= top), key=lambda c: -c.title_score):
            why = ("That title match was set aside and the duties decide" if sims is not None else
                   f"That title match was set aside, as the {degree} degree speaks for the title's level; add the "
                   "duties to confirm the code")
            self.notes.append(
                f"The title alone points to {c.soc} {names[c.soc]} (O*NET lists a title "
                f"like it there: {', '.join(t['text'] for t in c.matched_titles[:2]) or 'see socfit code'}), an "
                f"occupation of support work, while the title says '{normalize_title(title).split()[-1]}'. "
                f"{why}; if the job really is that work, compare {c.soc} yourself (socfit occupation {c.soc}).")
        for c in pool:
            self._fit(c, 0.0 if c.soc in off else c.title_score / top, sims)
        pool.sort(key=lambda c: -c.fit)
        if self.leads:
            for soc in self._managers_of([c.soc for c in pool[:3]]):
                if soc not in found and soc in self.coder.ix.soc_titles:  # a small pack may lack the code
                    c = _Cand(soc, f"{soc}.00", 0.0, None, [])
                    self._fit(c, 0.0, sims)
                    pool.append(c)
            pool.sort(key=lambda c: -c.fit)
        keep = pool[:CARDS] + [c for c in pool[CARDS:] if c.soc == self.given]
        for c in keep:
            if sims is not None:
                c.onet = self._best_onet_by_duties(c, sims) or c.onet
            try:
                c.card = _card(self.pack, c.onet or c.soc)
            except CodeError:  # not in this pack: leave it out rather than fail the advice
                continue
            c.onet = c.card.onet_code
        return [c for c in keep if c.card is not None]

    def _job_zone(self, soc: str) -> int | None:
        try:
            return _card(self.pack, soc).job_zone
        except CodeError:
            return None

    def _managers_of(self, socs: list[str]) -> list[str]:
        """The management code over each candidate's kind of work (SOC major group -> managers of it, from the
        SOC 2018 definitions): people who lead engineers may be Architectural and Engineering Managers."""
        return list(dict.fromkeys(MANAGERS_OF[s[:2]] for s in socs if s[:2] in MANAGERS_OF))

    def _best_onet_by_duties(self, c: _Cand, sims: np.ndarray) -> str | None:
        """Inside a code with several O*NET occupations (15-1299.01 ... .09), the one whose own tasks the
        duties match best: it names the specific occupation behind an 'All Other' code."""
        if "All Other" not in self.coder.ix.soc_titles.get(c.soc, "") and c.onet.endswith(".00"):
            return None  # a specific code: its main O*NET occupation defines it
        by = self.coder.ix.onet_groups(c.soc)
        if len(by) < 2:
            return None
        score = {o: float(sims[ks].max(axis=0).mean()) for o, ks in by.items()}
        best = max(score, key=score.get)
        # The coder's title evidence, or the code's main O*NET occupation (.00), stays unless another fits
        # clearly better; a specialty (15-2051.02 Clinical Data Managers) needs a clear margin.
        keep = c.onet if c.onet in score else (f"{c.soc}.00" if f"{c.soc}.00" in score else None)
        if keep and score[keep] >= score[best] - 0.05:
            return keep
        return best

    def _fit(self, c: _Cand, title_fit: float, sims: np.ndarray | None) -> None:
        """fit = title share + duty share; a vague title says little, so the duties weigh more."""
        bonus = FIELD_BONUS.get(field_fit(self.pack, c.soc, self.cips)["verdict"], 0.0)  # the verdict shown
        share, c.tools = tool_share(self.tools, c.soc)
        bonus += TOOL_BONUS * share
        if self.manages and (c.soc.startswith("11-") or "Supervisors" in self.coder.ix.soc_titles.get(c.soc, "")):
            bonus += ROLE_BONUS
        if sims is None:
            c.fit = round(min(1.0, title_fit + bonus), 3)
            return
        rows = self.coder.ix.task_rows(c.soc)
        w_title = 0.15 if self.vague else 0.35
        if not len(rows):
            c.duty_fit, c.coverage, c.uncovered = 0.0, 0.0, list(self.duties)
            c.fit = round(w_title * title_fit + bonus, 3)
            return
        # Per O*NET occupation, then the best one: a code with many O*NET occupations (17-2141 has three)
        # would otherwise win on sheer number of tasks.
        groups = self.coder.ix.onet_groups(c.soc)
        best_idx = max(groups.values(), key=lambda ks: float(sims[ks].max(axis=0).mean()))
        block, rows = sims[best_idx], best_idx.tolist()
        best, arg = block.max(axis=0), block.argmax(axis=0)
        c.duty_fit = float(np.clip((best.mean() - DUTY_FLOOR) / (DUTY_CEIL - DUTY_FLOOR), 0, 1))
        # A duty is covered by a matching task, or by naming a tool O*NET lists for the code.
        by_tool = [any(c.soc in socs and w >= TOOL_COVERS for socs, w in found.values()) for found in self.duty_tools]
        covered = [b >= COVERED or t for b, t in zip(best, by_tool)]
        c.coverage = float(np.mean(covered))
        c.uncovered = [d for d, ok in zip(self.duties, covered) if not ok]
        c.matched_tasks = sorted(
            ({"duty": d, "task": self.coder.ix.tasks[rows[int(k)]][2], "similarity": round(float(b), 3)}
             for d, b, k in zip(self.duties, best, arg) if b >= COVERED),
            key=lambda m: -m["similarity"])
        c.fit = round(min(1.0, w_title * title_fit + (1 - w_title) * c.duty_fit + bonus), 3)

    def _assess(self, c: _Cand, cips, cet, best_fit: float) -> dict[str, Any]:
        cd = c.card
        prof_v = profession(cd)
        adv = advanced_degree(cd)
        dfit = field_fit(self.pack, c.soc, cips)
        st = stem(self.pack, cips)
        wage = wage_position(cd.wages, self.prof.get("salary"))
        # The card is cached per pack: the advice gets its own copies of its lists, so changing one advice
        # never changes the next.
        edu, onet_occs, oflc_edu, oflc_a = _clone(
            (cd.education_distribution, cd.onet_occupations, cd.oflc.get("education"), cd.oflc.get("appendix_a")))
        covers = c.coverage is None or c.coverage > 0  # no duties given, or at least one matched
        enough = c.coverage is None or c.coverage >= self.need_coverage
        supported = covers and (c.fit >= best_fit or c.fit >= best_fit - FIT_TOLERANCE and enough) \
            and not (c.soc.startswith(LICENSED) and c.title_score == 0.0)
        out = {
            "rank": 0, "soc_code": c.soc, "soc_title": cd.title, "onet_code": c.onet, "onet_title": cd.onet_title,
            "definition": cd.definition, "onet_description": cd.onet_description, "supported": supported,
            "fit": {"score": c.fit, "title_score": round(c.title_score, 4),
                    "duty_fit": None if c.duty_fit is None else round(c.duty_fit, 3),
                    "duty_coverage": None if c.coverage is None else round(c.coverage, 3),
                    "matched_tasks": c.matched_tasks[:6], "uncovered_duties": c.uncovered,
                    "matched_tools": c.tools[:8],
                    "matched_titles": c.matched_titles[:3]},
            "qualifications": {
                "job_zone": cd.job_zone, "job_zone_name": cd.job_zone_name, "entry_education": cd.entry_education,
                "entry_experience": cd.entry_experience, "advanced_degree_share": cd.advanced_degree_share,
                "bachelor_or_more_share": cd.bachelor_or_more_share,
                "education_distribution": edu, "oflc_education": oflc_edu, "oflc_appendix_a": oflc_a},
            "profession": prof_v, "advanced_degree": adv, "degree_field": dfit, "stem": st,
            "cet_areas": cet, "wage": wage, "onet_occupations": onet_occs,
        }
        out["flags"] = F.candidate_flags(self.prof, out, cd)
        out["advantage"] = _advantage(out)
        return out

    def _recommend(self, pool: list[_Cand]) -> _Cand:
        ok = [c for c in pool if c.out["supported"]]
        if not ok:
            self.notes.append("No candidate is supported by the duties (none matches an O*NET task); the "
                              "recommendation is the best fit. Check the evidence, and rewrite the duties in plain "
                              "task language.")
            ok = [max(pool, key=lambda c: c.fit)]
        return max(ok, key=lambda c: (c.out["advantage"] + 0.3 * c.fit, c.fit))

    def _runner_up(self, rec: _Cand, shown: list[_Cand]) -> _Cand | None:
        others = [c for c in shown if c is not rec]
        if not others:
            return None
        sup = [c for c in others if c.out["supported"]]
        return max(sup or others, key=lambda c: (c.out["advantage"] + 0.3 * c.fit, c.fit))

    # ------------------------------------------------------------------ words
    def _explain(self, rec: _Cand, runner: _Cand | None) -> Recommendation:
        o = rec.out
        evidence = [f"fit {rec.fit:.2f}"]
        if rec.coverage is not None:
            evidence.append(f"{len(self.duties) - len(rec.uncovered)} of {len(self.duties)} duties match its "
                            f"O*NET tasks or tools")
        if rec.tools:
            evidence.append("tools O*NET lists for it: " + ", ".join(rec.tools[:4]))
        reason = f"{rec.soc} {o['soc_title']} fits the job ({'; '.join(evidence)})"
        good = _advantages(o)
        if not o["supported"]:
            reason += ", the best fit among the candidates (no code is well supported by the duties: check them)"
        elif good:
            reason += ", and it is the most favourable supported code for an EB-2 NIW: " + "; ".join(good.values())
        reason += "."
        trade = None
        if runner is not None:
            r = runner.out
            pro = f"fits slightly better ({runner.fit:.2f} vs {rec.fit:.2f})" if runner.fit > rec.fit else ""
            con = [ADVANTAGE_NAMES[k] for k in good if k not in _advantages(r)]
            parts = [pro] if pro else []
            if con:
                parts.append(("but " if pro else "") + "is not " + ", not ".join(con))
            if not r["supported"]:
                parts.append(("and " if parts else "") + ("is less supported by the duties" if self.dvecs is not None
                                                           else "fits the title less well"))
            trade = (f"Runner-up {runner.soc} {r['soc_title']} " + (", ".join(parts) if parts else
                     "is close; choose it if it describes the daily work better") + ".")
        return Recommendation(rec.soc, o["soc_title"], rec.onet, o["onet_title"], reason, trade,
                              {"soc_code": runner.soc, "soc_title": runner.out["soc_title"]} if runner else None)

    def _separating_task(self, a: _Cand, b: _Cand) -> str | None:
        """A typical task of ``a`` that sounds like the person's duties but not like any task of ``b``:
        answering whether it is part of the job separates the two codes."""
        return self.coder.distinct_task(a.onet, b.onet, self.dvecs)

    def _questions(self, rec: _Cand, runner: _Cand | None, shown: list[_Cand]) -> list[dict[str, Any]]:
        qs: list[dict[str, Any]] = []
        if "supervises" not in self.prof and any(c.soc.startswith("11-") for c in shown):
            qs.append({"id": "supervises", "text": "How many people do you supervise (directly or through others)?",
                       "options": [{"label": "None", "patch": {"supervises": 0}},
                                   {"label": "1 or 2", "patch": {"supervises": 2}},
                                   {"label": "3 or more", "patch": {"supervises": 3}}]})
        if runner is not None and abs(runner.fit - rec.fit) <= 0.1:
            ta = self._separating_task(rec, runner)
            tb = self._separating_task(runner, rec)
            if ta and tb and ta != tb:
                qs.append({"id": "closer_duty",
                           "text": f"Which is closer to your main work? (separates {rec.soc} from {runner.soc})",
                           "options": [{"label": ta, "patch": {"add_duties": [ta]}, "soc_code": rec.soc},
                                       {"label": tb, "patch": {"add_duties": [tb]}, "soc_code": runner.soc}]})
        if "degree" not in self.prof:
            qs.append({"id": "degree", "text": "What is your highest degree?",
                       "options": [{"label": lv, "patch": {"degree": {"level": lv}}}
                                   for lv in ("bachelor", "master", "doctorate", "professional")]})
        return qs[:3]


def _card(pack: Pack, code: str) -> OccupationCard:
    """Occupation cards are fixed for a pack: keep them (a few hundred codes at most in a session)."""
    cache = pack.cached("advise_cards", dict)
    if code not in cache:
        try:
            cache[code] = card(pack, code, n_tasks=5, full=False)
        except CodeError:
            cache[code] = card(pack, code[:7], n_tasks=5, full=False)
    return cache[code]


def _advantage(o: dict[str, Any]) -> float:
    """How favourable a code is for an EB-2 NIW, 0..1 (weights stated in docs/advisor.md)."""
    a = {"yes": 0.30, "unclear": 0.10}.get(o["profession"]["verdict"], 0.0)
    share = o["advanced_degree"]["share"]
    if share is not None:
        a += 0.25 * min(1.0, share / 0.6)
    elif o["advanced_degree"]["verdict"] == "yes":
        a += 0.2
    jz = o["qualifications"]["job_zone"] or 0
    a += 0.10 if jz >= 5 else (0.05 if jz == 4 else 0.0)
    a += {"linked": 0.15, "related": 0.07}.get(o["degree_field"]["verdict"], 0.0)
    a += 0.10 if "All Other" not in o["soc_title"] else 0.0
    w = o["wage"]
    if w and w.get("position") is not None and 10 <= w["position"] <= 90:
        a += 0.05
    codes = {f["code"] for f in o["flags"]}
    if "management_without_supervision" in codes:
        a -= 0.25
    if "teaching_heavy" in codes:
        a -= 0.05
    return round(max(0.0, min(1.0, a)), 3)


ADVANTAGE_NAMES = {"profession": "a profession", "advanced": "a code where an advanced degree is typical",
                   "jz5": "Job Zone 5", "field": "linked to the degree field"}


def _advantages(o: dict[str, Any]) -> dict[str, str]:
    out = {}
    pv = o["profession"]
    if pv["verdict"] == "yes":
        out["profession"] = f"a profession ({pv['reason']})"
    ad = o["advanced_degree"]
    if ad["verdict"] == "yes":
        out["advanced"] = f"advanced degree typical ({ad['reason']})"
    jz = o["qualifications"]["job_zone"]
    if jz and jz >= 5:
        out["jz5"] = "Job Zone 5 (extensive preparation)"
    if o["degree_field"]["verdict"] == "linked":
        out["field"] = f"degree field linked ({o['degree_field']['reason']})"
    return out


_LEADS = re.compile(r"\b(lead|leads|leading|manage|manages|managing|supervis\w*|direct|directs|directing)\s+"
                    r"(a |the |an )?(\w+ ){0,3}(team|teams|staff|group|engineers|scientists|developers|employees|"
                    r"workers|people|analysts|researchers)\b", re.I)

