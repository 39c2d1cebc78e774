"""The person's degree against an occupation: which CIP programs the field is, whether the NCES CIP-SOC
crosswalk links them to the code, and whether the degree is on the DHS STEM list.

People write fields loosely ("Electrical Engineering", "CS", "Machine Learning"); CIP titles are formal
("Electrical and Electronics Engineering"). Matching blends word overlap (exact words matter) with MiniLM
similarity (for fields with no shared word), over the 6-digit CIP 2020 programs still in use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from socfit.pack.store import Pack
from socfit.retrieve.normalize import singular

_STOP = {"and", "of", "the", "in", "for", "general", "other", "studies", "study", "program", "programs", "degree",
         "bachelor", "master", "doctor", "doctorate", "phd", "bs", "ba", "ms", "ma", "msc", "bsc", "major", "s"}
_ALIASES = {"cs": "computer science", "ee": "electrical engineering", "me": "mechanical engineering",
            "mba": "business administration", "ai": "artificial intelligence", "ml": "machine learning",
            "it": "information technology", "ece": "electrical and computer engineering", "md": "medicine",
            "jd": "law", "llm": "law", "pharmd": "pharmacy", "dds": "dentistry", "dmd": "dentistry"}
MIN_MATCH = 0.35
WEAK_MATCH = 0.2


@dataclass
class CipMatch:
    cip_code: str
    title: str
    score: float


def _words(text: str) -> set[str]:
    return {singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _lexical(q: set[str], w: frozenset[str], title: str) -> float:
    """Word overlap, half Jaccard and half recall of the field's words; ', General' beats ', Other'."""
    if not w:
        return 0.0
    common = len(q & w)
    base = 0.5 * common / len(q | w) + 0.5 * common / len(q)
    return base + (0.03 if title.endswith(", General") else 0.0) - (0.1 if title.endswith(", Other") else 0.0)


def _programs(pack: Pack) -> list[tuple[str, str, frozenset[str]]]:
    return pack.cached("cip_programs", lambda: [
        (r[0], r[1], frozenset(_words(r[1]))) for r in pack.rows(
            "SELECT cip_code, title FROM cip_titles WHERE length(cip_code)=7 "
            "AND COALESCE(action,'') NOT IN ('Deleted','Moved to') ORDER BY cip_code")])


def _program_vectors(pack: Pack, encoder) -> np.ndarray:
    """MiniLM vectors of the CIP titles, cached beside the pack like the title embeddings."""
    def make() -> np.ndarray:
        from socfit.retrieve.index import emb_path

        texts = [t for _, t, _ in _programs(pack)]
        path = emb_path(pack, "minilm", "cip", texts)
        if path.exists():
            try:
                arr = np.load(path)
                if arr.shape[0] == len(texts):
                    return arr
            except (OSError, ValueError):
                pass
        arr = np.asarray(encoder.encode(texts, batch_size=128), dtype=np.float32)
        tmp = path.with_name(path.name + ".tmp.npy")
        try:
            np.save(tmp, arr)
            tmp.replace(path)
        except OSError:  # a read-only pack folder: keep the vectors in memory only
            pass
        return arr

    return pack.cached("cip_vectors", make)


def match_field(pack: Pack, field: str | None, cip: str | None = None, encoder=None, n: int = 3) -> list[CipMatch]:
    """CIP programs for a degree field (best first). A given CIP code wins outright."""
    progs = _programs(pack)
    if cip:
        hit = [(c, t) for c, t, _ in progs if c == cip] or \
              [(r[0], r[1]) for r in pack.rows("SELECT cip_code, title FROM cip_titles WHERE cip_code=?", (cip,))]
        if hit:
            return [CipMatch(hit[0][0], hit[0][1], 1.0)]
    if not field:
        return []
    text = field.strip()
    text = _ALIASES.get(text.lower(), text)
    q = _words(text)
    if not q:
        return []
    lex = np.array([_lexical(q, w, t) for _, t, w in progs], dtype=np.float32)
    if encoder is not None:
        vecs = _program_vectors(pack, encoder)
        sem = vecs @ np.asarray(encoder.encode([text])[0], dtype=np.float32)
        score = 0.5 * lex + 0.5 * np.clip((sem - 0.3) / 0.6, 0, 1)
    else:
        score = lex
    order = np.argsort(-score)[:n]
    best = float(score[order[0]]) if len(order) else 0.0
    kept = [CipMatch(progs[i][0], progs[i][1], round(float(score[i]), 3)) for i in order
            if score[i] >= max(MIN_MATCH, best - 0.05)]
    if not kept and best >= WEAK_MATCH:  # no shared word, but a clear nearest program ("Machine Learning")
        kept = [CipMatch(progs[order[0]][0], progs[order[0]][1], round(best, 3))]
    return kept


def field_fit(pack: Pack, soc: str, matches: list[CipMatch]) -> dict[str, Any]:
    """linked (a matched program is linked to the code), related (same CIP series or family), not_linked."""
    memo = pack.cached("linked_cips", dict)
    if soc not in memo:
        memo[soc] = [{"cip_code": r[0], "title": r[1]} for r in pack.rows(
            "SELECT cip_code, cip_title FROM cip_soc WHERE soc_code=? ORDER BY cip_code", (soc,))]
    linked = memo[soc]
    codes = {x["cip_code"] for x in linked}
    base = {"cip_matches": [dict(m.__dict__) for m in matches], "linked_cips": [dict(x) for x in linked[:12]],
            "linked_cip_count": len(linked)}
    if not matches:
        return {**base, "verdict": "unknown", "reason": "no degree field given"}
    hit = [m for m in matches if m.cip_code in codes]
    if hit:
        return {**base, "verdict": "linked", "reason": f"{hit[0].title} (CIP {hit[0].cip_code}) is linked to {soc} "
                                                      f"in the NCES CIP-SOC crosswalk"}
    m = matches[0]
    series = [c for c in codes if c[:5] == m.cip_code[:5]]
    family = [c for c in codes if c[:2] == m.cip_code[:2]]
    if series or family:
        near = (series or family)[0]
        title = next(x["title"] for x in linked if x["cip_code"] == near)
        return {**base, "verdict": "related",
                "reason": f"{m.title} (CIP {m.cip_code}) is not itself linked to {soc}, but {title} (CIP {near}), "
                          f"in the same CIP {'series' if series else 'family'}, is"}
    if not linked:
        return {**base, "verdict": "unknown", "reason": f"the CIP-SOC crosswalk links no programs to {soc}"}
    return {**base, "verdict": "not_linked",
            "reason": f"{m.title} (CIP {m.cip_code}) is not linked to {soc}; its {len(linked)} linked programs "
                      f"include {', '.join(x['title'] for x in linked[:3])}"}


def stem(pack: Pack, matches: list[CipMatch]) -> dict[str, Any]:
    """DHS STEM Designated Degree Program List: is the degree's CIP on it?"""
    if not matches:
        return {"degree_stem": None, "degree_cip": None, "reason": "no degree field given"}
    m = matches[0]
    row = pack.row("SELECT title FROM stem_cip WHERE cip_code=?", (m.cip_code,))
    series = pack.value("SELECT rule FROM stem_series WHERE series=?", (m.cip_code[:2],))
    if row is not None or series:
        why = "listed" if row is not None else f"CIP series {m.cip_code[:2]} is {series}"
        return {"degree_stem": True, "degree_cip": m.cip_code,
                "reason": f"{m.title} (CIP {m.cip_code}) is on the DHS STEM Designated Degree Program List ({why})"}
    return {"degree_stem": False, "degree_cip": m.cip_code,
            "reason": f"{m.title} (CIP {m.cip_code}) is not on the DHS STEM Designated Degree Program List"}
