"""The advice dict (docs/advisor.md) turned into display-ready values, shared by every report format.

Everything is read with ``.get`` and formatted here once, so a missing key, a None or an empty list shows as
"—" or "not published" in text, Markdown, HTML and PDF alike, and the formats cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DASH = "—"
NOT_PUBLISHED = "not published"
NOT_LEGAL_ADVICE = ("Not legal advice: socfit organises official data and flags risks; a licensed attorney should "
                    "make the final decision.")
ONET_CREDIT = ("This product includes information from the O*NET Database by the U.S. Department of Labor, "
               "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license.")
SEVERITIES = ("high", "medium", "low")
LEVELS = {"bachelor": "Bachelor's degree", "master": "Master's degree", "doctorate": "Doctorate",
          "professional": "Professional degree", "other": "Other degree"}
# verdict -> (shown text, tone); tone drives colour in HTML/PDF.
PROFESSION = {"yes": ("yes", "good"), "no": ("no", "bad"), "unclear": ("unclear", "warn")}
ADVANCED = {"yes": ("yes", "good"), "no": ("no", ""), "unknown": ("unknown", "muted")}
FIELD = {"linked": ("linked", "good"), "related": ("related", ""), "not_linked": ("not linked", "warn"),
         "unknown": ("unknown", "muted")}
STATUS_TONE = {"ok": "good", "warn": "warn", "fail": "bad"}
SEVERITY_TONE = {"high": "bad", "medium": "warn", "low": "muted"}


@dataclass
class Cell:
    text: str
    tone: str = ""
    meter: float | None = None  # 0..1, drawn as a small bar in HTML


def d(x: Any) -> dict[str, Any]:
    """A dict whatever the input: missing or null sub-objects read as empty."""
    return x if isinstance(x, dict) else {}


def lst(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def s(x: Any) -> str:
    return DASH if x is None or x == "" else str(x)


def opt(x: Any) -> str | None:
    """Optional text: None when missing or empty, else a string."""
    return str(x) if x else None


def num(x: Any) -> float | None:
    """A finite number, else None (NaN or infinity would crash the charts' arithmetic)."""
    if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x):
        return float(x)
    return None


def money(x: Any) -> str:
    v = num(x)
    return NOT_PUBLISHED if v is None else f"${v:,.0f}"


def share(x: Any) -> str:
    """A 0..1 share as a percentage; a tiny non-zero share is '<1%', not a misleading '0%'."""
    v = num(x)
    if v is None:
        return DASH
    return "<1%" if 0 < v < 0.005 else f"{v * 100:.0f}%"


def score(x: Any) -> str:
    v = num(x)
    return DASH if v is None else f"{v:.2f}"


def yes_no(x: Any) -> str:
    return DASH if x is None else ("yes" if x else "no")


def verdict(obj: Any, table: dict[str, tuple[str, str]]) -> Cell:
    v = d(obj).get("verdict")
    text, tone = table.get(s(v), (s(v), "muted"))
    return Cell(text, tone)


def job_zone(q: dict[str, Any]) -> str:
    """'4 · Considerable' from the zone number and O*NET's 'Job Zone Four: Considerable Preparation Needed'."""
    z, name = q.get("job_zone"), q.get("job_zone_name")
    if z is None:
        return DASH
    tail = str(name).split(":", 1)[-1].replace("Preparation Needed", "").strip() if name else ""
    return f"{z} · {tail}" if tail else str(z)


def degree_text(deg: Any) -> str:
    deg = d(deg)
    if not deg:
        return DASH
    parts = [LEVELS.get(s(deg.get("level")), s(deg.get("level")))]
    if deg.get("field"):
        parts.append(str(deg["field"]))
    text = ", ".join(parts)
    return text + (f" (CIP {deg['cip']})" if deg.get("cip") else "")


def profile_facts(p: dict[str, Any]) -> list[tuple[str, str]]:
    """The short profile facts repeated at the top of a report (the title is the heading, the endeavor
    gets its own line)."""
    years = num(p.get("years_experience"))
    sup = p.get("supervises")
    facts = [
        ("Home-country title", p.get("country_title")),
        ("Employer", p.get("employer")),
        ("Industry", p.get("industry")),
        ("Degree", degree_text(p.get("degree")) if p.get("degree") else None),
        ("Experience", None if years is None else f"{years:g} years after the degree"),
        ("Salary", money(p.get("salary")) if p.get("salary") is not None else None),
        ("Supervises", None if sup is None else f"{sup} people" if sup != 1 else "1 person"),
        ("Code considered", p.get("soc_code")),
    ]
    return [(k, str(v)) for k, v in facts if v not in (None, "")]


def flag_counts(flags: list[dict[str, Any]]) -> str:
    n = {sev: sum(1 for f in flags if d(f).get("severity") == sev) for sev in SEVERITIES}
    parts = [f"{n[sev]} {sev}" for sev in SEVERITIES if n[sev]]
    return f"{len(flags)} ({', '.join(parts)})" if parts else str(len(flags))


def worst_tone(flags: list[dict[str, Any]]) -> str:
    """The colour of a flag count: that of its worst severity; green only when there are no flags."""
    sevs = {s(d(f).get("severity")) for f in flags}
    return next((SEVERITY_TONE[sev] for sev in SEVERITIES if sev in sevs), "" if flags else "good")


def salary_position(w: dict[str, Any]) -> Cell:
    """Short enough for a table cell: '≈ p80', 'below p10', 'above p90' (pN = the Nth percentile)."""
    if not w:
        return Cell(NOT_PUBLISHED, "muted")
    if w.get("salary") is None:
        return Cell("no salary given", "muted")
    band, pos = str(w.get("percentile_band") or ""), w.get("position")
    if pos is None:
        return Cell(DASH, "muted")
    if band.startswith("below"):
        return Cell("below p10", "warn")
    if band.startswith("above"):
        return Cell(f"above p{pos}" + (" (top-coded)" if w.get("top_coded") else ""), "warn")
    return Cell(f"≈ p{pos}")


def stem_text(st: dict[str, Any]) -> str:
    v = st.get("degree_stem")
    if v is None:
        return DASH
    return f"{yes_no(v)} (CIP {st['degree_cip']})" if st.get("degree_cip") else yes_no(v)


def compare_rows(cands: list[dict[str, Any]]) -> list[tuple[str, list[Cell]]]:
    """The side-by-side table: one row per criterion, one column per candidate."""
    def row(f) -> list[Cell]:
        return [f(c) for c in cands]

    def q(c):
        return d(c.get("qualifications"))

    def fit(c):
        return d(c.get("fit"))

    return [
        ("Supported", row(lambda c: Cell("yes", "good") if c.get("supported") else
                                        Cell(yes_no(c.get("supported")), "muted"))),
        ("Fit (0–1)", row(lambda c: Cell(score(fit(c).get("score")), meter=num(fit(c).get("score"))))),
        ("Duty coverage", row(lambda c: Cell(share(fit(c).get("duty_coverage")),
                                             meter=num(fit(c).get("duty_coverage"))))),
        ("Job Zone", row(lambda c: Cell(job_zone(q(c))))),
        ("BLS entry education", row(lambda c: Cell(s(q(c).get("entry_education"))))),
        ("Master's or more", row(lambda c: Cell(share(q(c).get("advanced_degree_share"))))),
        ("Profession", row(lambda c: verdict(c.get("profession"), PROFESSION))),
        ("Adv. degree typical", row(lambda c: verdict(c.get("advanced_degree"), ADVANCED))),
        ("Degree field", row(lambda c: verdict(c.get("degree_field"), FIELD))),
        ("STEM degree", row(lambda c: Cell(stem_text(d(c.get("stem")))))),
        ("CET areas", row(lambda c: Cell("; ".join(s(d(a).get("area")) for a in lst(c.get("cet_areas"))) or DASH))),
        ("Wage median", row(lambda c: Cell(money(d(c.get("wage")).get("a_median")),
                                                      "" if c.get("wage") else "muted"))),
        ("Salary percentile", row(lambda c: salary_position(d(c.get("wage"))))),
        ("NIW advantage", row(lambda c: Cell(score(c.get("advantage")), meter=num(c.get("advantage"))))),
        ("Risk flags", row(lambda c: Cell(flag_counts(lst(c.get("flags"))), worst_tone(lst(c.get("flags")))))),
    ]


def candidate_head(c: dict[str, Any], rec_code: str | None) -> dict[str, Any]:
    onet, title = c.get("onet_code"), c.get("soc_title")
    onet_title = c.get("onet_title")
    return {"rank": s(c.get("rank")), "code": s(c.get("soc_code")), "title": s(title),
            "onet": f"{onet} {onet_title}" if onet and onet_title and onet_title != title else s(onet),
            "recommended": bool(rec_code) and c.get("soc_code") == rec_code,
            "supported": bool(c.get("supported"))}


def evidence(c: dict[str, Any]) -> dict[str, Any]:
    """What supports (or weakens) one candidate: matched tasks, uncovered duties, titles, verdict reasons."""
    fit, q, w = d(c.get("fit")), d(c.get("qualifications")), d(c.get("wage"))
    reasons = [
        ("Profession", d(c.get("profession")).get("reason"), d(c.get("profession")).get("source")),
        ("Advanced degree", d(c.get("advanced_degree")).get("reason"), None),
        ("Degree field", d(c.get("degree_field")).get("reason"), None),
        ("STEM", d(c.get("stem")).get("reason"), None),
        ("OFLC education", q.get("oflc_education"),
         None if q.get("oflc_appendix_a") is None else f"Appendix A (professional occupations): "
                                                        f"{yes_no(q.get('oflc_appendix_a'))}"),
        ("Wage", _wage_text(w) if w else NOT_PUBLISHED, None),
    ]
    return {
        "definition": opt(c.get("definition") or c.get("onet_description")),
        "tasks": [(s(d(m).get("duty")), s(d(m).get("task")), score(d(m).get("similarity")))
                  for m in lst(fit.get("matched_tasks"))],
        "uncovered": [str(u) for u in lst(fit.get("uncovered_duties"))],
        "tools": [str(t) for t in lst(fit.get("matched_tools"))],
        "titles": [(s(d(m).get("text")), s(d(m).get("source")), score(d(m).get("similarity")))
                   for m in lst(fit.get("matched_titles"))],
        "reasons": [(k, str(v), src) for k, v, src in reasons if v],
        "flags": sort_flags(lst(c.get("flags"))),
        "cet": [(s(d(a).get("area")), ", ".join(map(str, lst(d(a).get("matched"))))) for a in lst(c.get("cet_areas"))],
    }


def _wage_text(w: dict[str, Any]) -> str:
    pts = "; ".join(f"{lab} {money(w.get(k))}" for lab, k in
                    (("p10", "a_pct10"), ("p25", "a_pct25"), ("median", "a_median"), ("p75", "a_pct75"),
                     ("p90", "a_pct90")))
    extra = []
    if num(w.get("employment")) is not None:
        extra.append(f"employment {num(w.get('employment')):,.0f}")
    if w.get("top_coded"):
        extra.append("OEWS top-codes the highest wages")
    if w.get("reported_under"):
        extra.append(f"reported under {w['reported_under']}")
    if w.get("salary") is not None and w.get("percentile_band"):
        extra.append(f"the salary {money(w.get('salary'))} is {w['percentile_band']}")
    return pts + (" (" + "; ".join(extra) + ")" if extra else "")


def sort_flags(flags: list[Any]) -> list[dict[str, str]]:
    """Flags as display dicts, high severity first."""
    rank = {sev: i for i, sev in enumerate(SEVERITIES)}
    out = [{"severity": s(d(f).get("severity")), "code": s(d(f).get("code")), "message": s(d(f).get("message")),
            "action": s(d(f).get("action")), "soc_code": d(f).get("soc_code") or "",
            "tone": SEVERITY_TONE.get(s(d(f).get("severity")), "muted")} for f in flags if isinstance(f, dict)]
    return sorted(out, key=lambda f: rank.get(f["severity"], len(SEVERITIES)))


def part6_view(p6: dict[str, Any]) -> dict[str, Any]:
    code = p6.get("soc_code")
    boxes = [str(b) for b in lst(p6.get("soc_code_boxes"))]
    if len(boxes) != 2 and isinstance(code, str) and "-" in code:
        boxes = code.split("-", 1)
    eta = d(p6.get("eta9089"))
    return {
        "job_title": s(p6.get("job_title")), "job_title_source": opt(p6.get("job_title_source")),
        "boxes": boxes or [DASH, DASH], "code": s(code),
        "description": s(p6.get("nontechnical_description")),
        "description_chars": len(opt(p6.get("nontechnical_description")) or ""),
        "eta": [("O*NET-SOC code", s(eta.get("soc_code"))), ("O*NET-SOC title", s(eta.get("soc_title"))),
                ("Job title", s(eta.get("job_title")))],
        "checks": [{"check": s(d(k).get("check")).replace("_vs_", " vs ").replace("_", " ").capitalize(),
                    "status": s(d(k).get("status")), "message": s(d(k).get("message")),
                    "tone": STATUS_TONE.get(s(d(k).get("status")), "muted")} for k in lst(p6.get("consistency"))],
    }


def sources(versions: Any) -> list[dict[str, str]]:
    """data_versions grouped by source and version: one line per release, naming the tables it feeds."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for table, v in d(versions).items():
        v = d(v)
        g = groups.setdefault((s(v.get("source")), s(v.get("version"))), {"tables": [], "urls": []})
        g["tables"].append(str(table))
        for u in str(v.get("url") or "").split(";"):
            if u.strip() and u.strip() not in g["urls"]:
                g["urls"].append(u.strip())
    return [{"source": src, "version": ver, "tables": ", ".join(g["tables"]), "urls": g["urls"]}
            for (src, ver), g in groups.items()]


def questions(qs: Any) -> list[dict[str, Any]]:
    return [{"text": s(d(q).get("text")),
             "options": [(s(d(o).get("label")), d(o).get("soc_code") or "") for o in lst(d(q).get("options"))]}
            for q in lst(qs)]


def build(advice: dict[str, Any]) -> dict[str, Any]:
    """Everything a report shows, in report order, with no missing values left to trip over."""
    a = d(advice)
    prof, rec = d(a.get("profile")), d(a.get("recommendation"))
    cands = [c for c in lst(a.get("candidates")) if isinstance(c, dict)]
    flags = lst(a.get("flags"))
    runner = d(rec.get("runner_up"))
    disclaimer = a.get("disclaimer") or NOT_LEGAL_ADVICE
    return {
        "job_title": s(prof.get("job_title")),
        "facts": profile_facts(prof),
        "endeavor": opt(prof.get("endeavor")),
        "salary": num(prof.get("salary")),
        "rec": {"code": s(rec.get("soc_code")), "title": s(rec.get("soc_title")),
                "onet": " ".join(str(x) for x in (rec.get("onet_code"), rec.get("onet_title")) if x) or DASH,
                "reason": s(rec.get("reason")), "tradeoff": opt(rec.get("tradeoff")),
                "runner_up": " ".join(str(x) for x in (runner.get("soc_code"), runner.get("soc_title")) if x),
                "tolerance": score(rec.get("fit_tolerance")), "flags": flag_counts(flags),
                "flag_tone": worst_tone(flags), "present": bool(rec.get("soc_code")),
                "high": [f for f in sort_flags(flags) if f["severity"] == "high"]},
        "cands": cands,
        "heads": [candidate_head(c, rec.get("soc_code")) for c in cands],
        "rows": compare_rows(cands),
        "evidence": [evidence(c) for c in cands],
        "flags": sort_flags(flags),
        "questions": questions(a.get("questions")),
        "part6": part6_view(d(a.get("part6"))),
        "notes": [str(n) for n in lst(a.get("notes")) if n],
        "sources": sources(a.get("data_versions")),
        "disclaimers": list(dict.fromkeys([NOT_LEGAL_ADVICE, str(disclaimer)])),
        "credit": ONET_CREDIT,
        "version": s(a.get("socfit_version")),
    }
