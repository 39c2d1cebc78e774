"""Form I-140 Part 6 (Basic Information About the Proposed Employment), the matching ETA-9089 fields, and
a consistency check of everything the petition will say about the job.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from socfit.assess.cet import cet_areas
from socfit.codes import soc_boxes
from socfit.pack.store import Pack
from socfit.retrieve.normalize import ABBREVIATIONS, fold, is_ascii_english, strip_noise

DESCRIPTION_LIMIT = 1000
DEGREE_NAMES = {"bachelor": "bachelor's", "master": "master's", "doctorate": "doctoral", "professional": "professional"}
_SMALL = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "or"}
_LEVEL = {"senior", "lead", "principal", "staff", "chief", "junior", "associate", "assistant"}


def standard_title(title: str) -> str:
    """The person's own title in a standard U.S. form: abbreviations spelled out, noise dropped, Title Case."""
    words = []
    for raw in fold(strip_noise(title)).replace("/", " / ").split():
        key = raw.lower().strip(".,")
        exp = ABBREVIATIONS.get(key)
        if exp and key not in ("it", "ai", "ml", "hr", "qa", "ui", "ux", "bi"):
            raw = exp
        for w in raw.split():
            w = w.strip(",;:")
            if not w:
                continue
            words.append(w.lower() if w.lower() in _SMALL and words else
                         (w if any(ch.isupper() for ch in w[1:]) or w.isupper() else w[:1].upper() + w[1:]))
    out = " ".join(words).replace(" / ", "/")
    return re.sub(r"\s+", " ", out).strip(" -–|,") or title


def _base_verb(word: str) -> str:
    """'Designs' -> 'design', 'Analyzes' -> 'analyze', 'Teaches' -> 'teach', 'Applies' -> 'apply'."""
    low = word.lower()
    if not low.isalpha() or len(low) <= 3 or not low.endswith("s") or low.endswith(("ss", "us", "is")):
        return word
    if low.endswith(("ches", "shes", "sses", "xes")):
        return low[:-2]
    if low.endswith("ies"):
        return low[:-3] + "y"
    return low[:-1]


def _imperative(duty: str) -> str:
    """'Designs and trains models.' -> 'design and train models' (a clause to follow 'will')."""
    words = duty.strip().rstrip(".;").split()
    if not words:
        return ""
    first = words[0]
    if len(first) > 1 and first[1:].isupper():  # an acronym ("CAD", "AI") starts the duty: keep it
        return " ".join(words)
    base = _base_verb(first)
    words[0] = base if base != first else first[:1].lower() + first[1:]
    if base != first and len(words) > 2 and words[1] == "and":
        words[2] = _base_verb(words[2])
    return " ".join(words)


def _sentence(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", text.strip())[0].rstrip(".")


def description(job_title: str, duties: list[str], kind: str, definition: str) -> str:
    """A plain-language paragraph (under ~1,000 characters): the person's main duties, then what workers in
    the occupation do (first sentence of its definition), so the description and the code tell one story."""
    main = [_imperative(d) for d in duties[:4] if d.strip()]
    lead = ""
    if main:
        lead = f"The {job_title} will " + ("; ".join(main[:-1]) + "; and " if len(main) > 1 else "") + main[-1] + "."
    tail = ""
    if definition:
        d = _first_sentence(definition)
        tail = f"The position is in the occupation {kind}, whose workers {d[:1].lower() + d[1:]}."
    room = DESCRIPTION_LIMIT - len(tail) - 1
    if len(lead) > room:
        lead = _sentence(lead, max(room, 300))
    return _sentence((lead + " " + tail).strip(), DESCRIPTION_LIMIT)


def part6(pack: Pack, prof: dict[str, Any], duties: list[str], rec, title_result, coder,
          flags: list[dict[str, Any]], duty_vecs: np.ndarray | None = None) -> dict[str, Any]:
    o = rec.out
    title = prof["job_title"]
    flagged = {f["code"] for f in flags}
    from socfit.advisor.flags import us_title

    if "vague_title" in flagged or not is_ascii_english(title):
        job_title = us_title(o["onet_title"] or o["soc_title"])
        source = f"the O*NET title of {rec.onet}, since '{title}' does not name the occupation in U.S. terms"
    else:
        job_title = standard_title(title)
        source = "the person's own title in standard form"
    box1, box2 = soc_boxes(rec.soc)
    residual = "All Other" in o["soc_title"] and o.get("onet_description") and not rec.onet.endswith(".00")
    kind = f"{o['onet_title']} ({rec.soc} {o['soc_title']})" if residual else f"{o['soc_title']} ({rec.soc})"
    desc = description(job_title, duties, kind, (o.get("onet_description") if residual else o.get("definition")) or "")
    return {
        "job_title": job_title, "job_title_source": source,
        "soc_code": rec.soc, "soc_code_boxes": [box1, box2], "onet_code": rec.onet,
        "nontechnical_description": desc,
        "eta9089": {"soc_code": rec.onet, "soc_title": o["onet_title"] or o["soc_title"], "job_title": job_title},
        "consistency": consistency(prof, duties, rec, title_result, coder, duty_vecs),
    }


def consistency(prof: dict[str, Any], duties: list[str], rec, title_result, coder,
                duty_vecs: np.ndarray | None = None) -> list[dict[str, Any]]:
    """Do the title, code, duties, degree, endeavor, salary and supervision tell one story?"""
    o, out = rec.out, []

    def add(check: str, status: str, message: str) -> None:
        out.append({"check": check, "status": status, "message": message})

    ranks = [c.soc_code for c in title_result.candidates]
    if rec.soc in ranks[:3]:
        add("title_vs_code", "ok", f"The title alone ranks {rec.soc} #{ranks.index(rec.soc) + 1}")
    else:
        top = title_result.candidates[0] if title_result.candidates else None
        add("title_vs_code", "warn",
            f"The title alone points to {top.soc_code} {top.soc_title} first; use the Part 6 title, which names "
            f"the occupation" if top else "The title alone does not point to this code")
    cov = o["fit"]["duty_coverage"]
    if cov is None:
        add("duties_vs_code", "warn", "No duties given: the code rests on the title alone")
    else:
        status = "ok" if cov >= 0.75 else ("warn" if cov >= 0.5 else "fail")
        add("duties_vs_code", status, f"{cov:.0%} of the duties match an O*NET task of {rec.soc}")
    level = (prof.get("degree") or {}).get("level")
    pv = o["profession"]["verdict"]
    if level is None:
        add("degree_vs_code", "warn", "No degree given")
    elif pv == "yes":
        add("degree_vs_code", "ok", f"A {DEGREE_NAMES.get(level, level)} degree meets {rec.soc}'s entry requirement ({o['profession']['reason']})")
    else:
        add("degree_vs_code", "warn" if pv == "unclear" else "fail", o["profession"]["reason"])
    dv = o["degree_field"]["verdict"]
    if dv != "unknown":
        add("field_vs_code", {"linked": "ok", "related": "warn"}.get(dv, "fail"), o["degree_field"]["reason"])
    endeavor = prof.get("endeavor")
    if endeavor and duties:
        e = coder.minilm.encode([endeavor])[0]
        d = duty_vecs if duty_vecs is not None else coder.minilm.encode(duties)
        sim = float(np.max(d @ e))
        shared = {a["area"] for a in cet_areas(endeavor)} & {a["area"] for a in cet_areas(" ".join(duties))}
        if sim >= 0.45 or shared:
            add("endeavor_vs_duties", "ok", "The endeavor and the duties describe the same work"
                + (f" (both touch {', '.join(sorted(shared))})" if shared else ""))
        else:
            add("endeavor_vs_duties", "warn", "The endeavor reads differently from the duties (best similarity "
                f"{sim:.2f}); make sure the job carries out the endeavor")
    w = o["wage"]
    if w and w.get("salary") is not None and w.get("percentile_band"):
        pos = w.get("position")
        add("salary_vs_code", "ok" if pos is not None and 10 <= pos <= 90 else "warn",
            f"The salary is {w['percentile_band']} of national wages for {rec.soc}")
    sup = prof.get("supervises")
    mgmt = rec.soc.startswith("11-")
    if sup is not None:
        if mgmt and sup == 0:
            add("supervision_vs_code", "fail", f"{rec.soc} is a management code but the person supervises no one")
        elif not mgmt and sup >= 2 and "Supervisors" not in o["soc_title"]:
            add("supervision_vs_code", "warn", f"The person supervises {sup} people under a non-management code")
        else:
            add("supervision_vs_code", "ok", "Supervision agrees with the code")
    return out
