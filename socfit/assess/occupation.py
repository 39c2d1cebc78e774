"""The occupation card: every official fact socfit holds about one SOC 2018 code, with data versions.

``resolve`` turns what a person typed (SOC 2018, O*NET-SOC, or a retired SOC 2010 code) into a SOC 2018
code, explaining retired codes; ``card`` gathers the facts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from socfit.codes import parse_code
from socfit.errors import CodeError
from socfit.pack.store import Pack

# O*NET "Required Level of Education" categories 8..12: master's, post-master's certificate, first
# professional, doctoral, post-doctoral.
ADVANCED_CATEGORIES = (8, 9, 10, 11, 12)
BACHELOR_OR_MORE = (6, 7, 8, 9, 10, 11, 12)
JOB_ZONE_NOTE = ("O*NET 30.3 Job Zones use four levels (2 = 'Job Zone 1-2', 3, 4, 5); OFLC wage-year tables "
                 "use the older five-level scale. Both are shown as published.")


@dataclass
class Resolved:
    soc_code: str
    onet_code: str | None = None
    notice: str | None = None  # e.g. "15-1132 is a retired SOC 2010 code ..."
    successors: list[dict[str, str]] = field(default_factory=list)


@dataclass
class OccupationCard:
    soc_code: str
    title: str
    definition: str
    onet_code: str
    onet_title: str
    onet_description: str
    onet_occupations: list[dict[str, str]]
    job_zone: int | None
    job_zone_name: str | None
    job_zone_note: str
    entry_education: str | None
    entry_experience: str | None
    entry_training: str | None
    education_distribution: list[dict[str, Any]]
    advanced_degree_share: float | None
    bachelor_or_more_share: float | None
    oflc: dict[str, Any]
    wages: dict[str, Any] | None
    tasks: list[dict[str, Any]]
    emerging_tasks: list[str]
    alternate_titles: list[str]
    reported_titles: list[str]
    related: list[dict[str, str]]
    cip_programs: list[dict[str, Any]]
    isco: list[dict[str, Any]]
    hierarchy: list[dict[str, str]]
    is_residual: bool
    notice: str | None
    data_versions: dict[str, dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _titles_index(pack: Pack) -> list[tuple[str, str]]:
    return pack.cached("soc_titles", lambda: [(r[0], r[1]) for r in pack.rows(
        "SELECT soc_code, title FROM soc_groups WHERE level='detailed' ORDER BY soc_code")])


def nearest(pack: Pack, text: str, n: int = 5) -> list[tuple[str, str]]:
    """Closest detailed SOC codes to a code-like or title-like string (for 'did you mean')."""
    idx = _titles_index(pack)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 2:
        scored = sorted(idx, key=lambda ct: (-_prefix(ct[0].replace("-", ""), digits),
                                             abs(int(ct[0].replace("-", "")) - int(digits[:6].ljust(6, "0")))))
        return scored[:n]
    words = set(re.findall(r"[a-z]+", text.lower()))

    def score(ct: tuple[str, str]) -> tuple[int, float]:
        t = ct[1].lower()
        return (sum(w in t for w in words), difflib.SequenceMatcher(None, text.lower(), t).ratio())

    return sorted(idx, key=score, reverse=True)[:n]


def _prefix(a: str, b: str) -> int:
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    return k


def resolve(pack: Pack, text: str) -> Resolved:
    parsed = parse_code(text)
    if parsed is None:
        raise CodeError(f"{text!r} is not a SOC 2018 code (expected a form like 15-1252, 151252 or 15-1252.00)",
                        nearest(pack, text))
    level = pack.value("SELECT level FROM soc_groups WHERE soc_code=?", (parsed.soc,))
    if level == "detailed":
        if parsed.onet and not parsed.onet.endswith(".00"):
            if pack.value("SELECT 1 FROM onet_occupations WHERE onet_code=?", (parsed.onet,)) is None:
                raise CodeError(f"{parsed.onet} is not an O*NET-SOC 2019 code; {parsed.soc} is a SOC 2018 code",
                                [(r[0], r[1]) for r in pack.rows(
                                    "SELECT onet_code, title FROM onet_occupations WHERE soc_code=?", (parsed.soc,))])
        return Resolved(parsed.soc, parsed.onet)
    if level is not None:
        kids = pack.rows("SELECT soc_code, title FROM soc_groups WHERE level='detailed' AND soc_code LIKE ? "
                         "ORDER BY soc_code", (_group_like(parsed.soc, level),))
        raise CodeError(f"{parsed.soc} is a SOC 2018 {level} group, not a detailed occupation; petitions need a "
                        f"detailed code", [(r[0], r[1]) for r in kids][:12])
    old = pack.rows("SELECT soc2010_title, soc2018, soc2018_title FROM soc2010_to_2018 WHERE soc2010=?", (parsed.soc,)) \
        if pack.has_table("soc2010_to_2018") else []
    if old:
        succ = [{"soc_code": r["soc2018"], "title": r["soc2018_title"]} for r in old]
        best = max(old, key=lambda r: difflib.SequenceMatcher(None, r["soc2010_title"].lower(),
                                                               r["soc2018_title"].lower()).ratio())
        listing = ", ".join(f"{s['soc_code']} {s['title']}" for s in succ)
        notice = (f"{parsed.soc} ({old[0]['soc2010_title']}) is a SOC 2010 code, retired in SOC 2018. "
                  f"Its SOC 2018 successor{'s are' if len(succ) > 1 else ' is'}: {listing}. "
                  f"Showing {best['soc2018']}; use the 2018 code on Form I-140.")
        return Resolved(best["soc2018"], None, notice, succ)
    raise CodeError(f"{parsed.soc} is not a SOC 2018 code", nearest(pack, parsed.soc))


def _group_like(code: str, level: str) -> str:
    digits = code.replace("-", "")
    keep = {"major": 2, "minor": 4 if digits[3] != "0" else 3, "broad": 5}.get(level, 6)
    prefix = digits[:keep]
    return f"{prefix[:2]}-{prefix[2:]}%" if keep > 2 else f"{prefix}-%"


def education_distribution(pack: Pack, onet_code: str) -> list[dict[str, Any]]:
    rows = pack.rows("SELECT category, category_label, percent FROM onet_education WHERE onet_code=? AND scale_id='RL' "
                     "ORDER BY category", (onet_code,))
    return [{"category": r["category"], "label": r["category_label"], "percent": r["percent"]} for r in rows]


def share(dist: list[dict[str, Any]], cats: tuple[int, ...]) -> float | None:
    if not dist:
        return None
    return round(sum(d["percent"] or 0 for d in dist if d["category"] in cats) / 100.0, 4)


def primary_onet(pack: Pack, soc: str, onet: str | None = None) -> str:
    if onet:
        return onet
    codes = [r[0] for r in pack.rows("SELECT onet_code FROM onet_occupations WHERE soc_code=? ORDER BY onet_code", (soc,))]
    return f"{soc}.00" if f"{soc}.00" in codes else (codes[0] if codes else f"{soc}.00")


def wages_for(pack: Pack, soc: str) -> dict[str, Any] | None:
    """National OEWS wages; when OEWS publishes only an aggregate for this code, use it and say so."""
    r = pack.row("SELECT * FROM wages WHERE soc_code=?", (soc,))
    via = None
    if r is None:
        agg = pack.row("SELECT DISTINCT oews_soc FROM oflc_oews_crosswalk WHERE onet_code LIKE ?", (soc + ".%",))
        if agg is not None:
            r = pack.row("SELECT * FROM wages WHERE soc_code=?", (agg[0],))
            via = agg[0] if r is not None else None
    if r is None:
        return None
    out = {k: r[k] for k in ("soc_code", "title", "employment", "a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75",
                             "a_pct90", "h_mean", "h_median")}
    out.update(top_coded=bool(r["top_coded"]), annual_only=bool(r["annual_only"]), footnotes=r["footnotes"],
               reported_under=via)
    return out


def card(pack: Pack, text: str, n_tasks: int = 10, full: bool = True) -> OccupationCard:
    """``full=False`` skips the lists the advisor does not show (titles, related occupations, programs,
    ISCO, hierarchy): a third of the time of a full card."""
    res = resolve(pack, text)
    soc = res.soc_code
    g = pack.row("SELECT title, definition, parent FROM soc_groups WHERE soc_code=?", (soc,))
    onet = primary_onet(pack, soc, res.onet_code)
    occ = pack.row("SELECT title, description FROM onet_occupations WHERE onet_code=?", (onet,))
    onets = [{"onet_code": r[0], "title": r[1]} for r in
             pack.rows("SELECT onet_code, title FROM onet_occupations WHERE soc_code=? ORDER BY onet_code", (soc,))]
    # Job Zone: the O*NET code's own, else the first data-level O*NET code under this SOC.
    jz = pack.row("SELECT job_zone FROM job_zones WHERE onet_code=?", (onet,)) or pack.row(
        "SELECT job_zone FROM job_zones WHERE onet_code LIKE ? ORDER BY onet_code", (soc + ".%",))
    jzv = jz[0] if jz else None
    jzname = pack.value("SELECT name FROM job_zone_reference WHERE job_zone=?", (jzv,)) if jzv else None
    ep = pack.row("SELECT education, experience, training FROM entry_education WHERE soc_code=?", (soc,))
    dist = education_distribution(pack, onet)
    if not dist:
        alt = pack.value("SELECT onet_code FROM onet_education WHERE onet_code LIKE ? AND scale_id='RL' ORDER BY onet_code",
                         (soc + ".%",))
        dist = education_distribution(pack, alt) if alt else []
    oflc_edu = pack.row("SELECT education, source FROM oflc_education WHERE onet_code=?", (onet,))
    oflc_jz = pack.value("SELECT job_zone FROM oflc_job_zones WHERE onet_code=?", (onet,))
    appx = pack.value("SELECT 1 FROM oflc_appendix_a WHERE onet_code=?", (onet,)) is not None
    tasks = [dict(r) for r in pack.rows(
        "SELECT task_id, task, task_type, incumbents_responding FROM tasks WHERE onet_code=? "
        "ORDER BY CASE task_type WHEN 'Core' THEN 0 ELSE 1 END, incumbents_responding DESC, task_id LIMIT ?",
        (onet, n_tasks))]
    base = _light_card(pack, res, soc, g, onet, occ, onets, jzv, jzname, ep, dist, oflc_edu, oflc_jz, appx, tasks)
    if not full:
        return base
    emerging = [r[0] for r in pack.rows("SELECT task FROM emerging_tasks WHERE onet_code=? LIMIT 5", (onet,))]
    alts = [r[0] for r in pack.rows("SELECT title FROM alternate_titles WHERE onet_code LIKE ? "
                                    "ORDER BY length(title), title LIMIT 12", (soc + ".%",))]
    reported = [r[0] for r in pack.rows("SELECT title FROM reported_titles WHERE onet_code LIKE ? "
                                        "ORDER BY shown_in_my_next_move DESC, title LIMIT 10", (soc + ".%",))]
    related = [{"onet_code": r[0], "title": r[1], "tier": r[2]} for r in pack.rows(
        "SELECT r.related_code, o.title, r.tier FROM related_occupations r JOIN onet_occupations o "
        "ON o.onet_code = r.related_code WHERE r.onet_code=? ORDER BY r.rank LIMIT 10", (onet,))]
    cips = [{"cip_code": r[0], "title": r[1], "stem": bool(r[2])} for r in pack.rows(
        "SELECT c.cip_code, c.cip_title, s.cip_code IS NOT NULL FROM cip_soc c LEFT JOIN stem_cip s "
        "ON s.cip_code = c.cip_code WHERE c.soc_code=? ORDER BY c.cip_code", (soc,))]
    isco = [{"isco_code": r[0], "title": r[1], "partial": bool(r[2])} for r in pack.rows(
        "SELECT isco_code, isco_title, partial FROM isco_soc2018 WHERE soc_code=? ORDER BY isco_code", (soc,))] \
        if pack.has_table("isco_soc2018") else []
    hierarchy, parent = [], g["parent"] if g else None
    while parent:
        p = pack.row("SELECT soc_code, level, title, parent FROM soc_groups WHERE soc_code=?", (parent,))
        if p is None:
            break
        hierarchy.insert(0, {"soc_code": p["soc_code"], "level": p["level"], "title": p["title"]})
        parent = p["parent"]
    used = ["soc_groups", "onet_occupations", "job_zones", "entry_education", "onet_education", "oflc_education",
            "oflc_appendix_a", "wages", "tasks", "alternate_titles", "related_occupations", "cip_soc", "stem_cip"]
    return replace(base, emerging_tasks=emerging, alternate_titles=alts, reported_titles=reported, related=related,
                   cip_programs=cips, isco=isco, hierarchy=hierarchy, data_versions=pack.versions(used))


def _light_card(pack, res, soc, g, onet, occ, onets, jzv, jzname, ep, dist, oflc_edu, oflc_jz, appx, tasks):
    return OccupationCard(
        soc_code=soc, title=g["title"], definition=g["definition"] or "", onet_code=onet,
        onet_title=occ["title"] if occ else "", onet_description=occ["description"] if occ else "",
        onet_occupations=onets, job_zone=jzv, job_zone_name=jzname, job_zone_note=JOB_ZONE_NOTE,
        entry_education=ep["education"] if ep else None, entry_experience=ep["experience"] if ep else None,
        entry_training=ep["training"] if ep else None, education_distribution=dist,
        advanced_degree_share=share(dist, ADVANCED_CATEGORIES), bachelor_or_more_share=share(dist, BACHELOR_OR_MORE),
        oflc={"education": oflc_edu["education"] if oflc_edu else None,
              "education_source": oflc_edu["source"] if oflc_edu else None, "job_zone_5_level": oflc_jz,
              "appendix_a": appx},
        wages=wages_for(pack, soc), tasks=tasks, emerging_tasks=[], alternate_titles=[], reported_titles=[],
        related=[], cip_programs=[], isco=[], hierarchy=[],
        is_residual=soc.endswith("9") and "All Other" in (g["title"] or ""), notice=res.notice, data_versions={},
    )
