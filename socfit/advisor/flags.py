"""Risk flags: each names a code, a severity, what an officer may see, and what to do about it.

Profile flags concern the person's own words (title, degree, a code they gave); candidate flags concern
one SOC code against the profile. The advice lists the profile flags and the recommended code's flags.
"""

from __future__ import annotations

import re
from typing import Any

from socfit.assess.occupation import OccupationCard, resolve
from socfit.errors import CodeError
from socfit.pack.store import Pack
from socfit.retrieve.normalize import is_ascii_english, normalize_title, singular

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
# Words that name a rank or a role in an organisation, not an occupation.
VAGUE_WORDS = {"team", "leader", "lead", "manager", "management", "consultant", "specialist", "researcher",
               "associate", "officer", "staff", "member", "professional", "coordinator", "executive", "head",
               "advisor", "adviser", "expert", "assistant", "representative", "agent", "partner", "principal",
               "fellow", "employee", "worker", "project", "program", "general", "department", "section", "group",
               "unit", "division", "deputy", "chief", "director", "supervisor", "engineer", "analyst", "scientist",
               "technical", "business", "research", "senior", "junior", "postdoctoral", "doctoral", "visiting"}
# Head words vague enough to flag even with a qualifier, when the coder is unsure of the title alone.
VAGUE_HEADS = {"leader", "lead", "manager", "consultant", "specialist", "associate", "officer", "coordinator",
               "executive", "advisor", "adviser", "partner", "staff", "researcher", "expert", "professional"}
# A title whose head noun names degree-level work, against a SOC title whose head names support work: O*NET lists
# some titles of the first kind under occupations of the second ("Semiconductor Process Engineer" under 51-9141
# Semiconductor Processing Technicians), and a title match there says little about the level of the work.
DEGREE_HEADS = {"engineer", "scientist", "researcher", "physician", "surgeon", "architect", "economist",
                "statistician", "mathematician", "chemist", "physicist", "biologist", "geologist", "pharmacist",
                "professor", "dentist", "attorney", "lawyer"}
SUPPORT_HEADS = {"technician", "worker", "operator", "assistant", "aide", "helper", "laborer", "installer",
                 "repairer", "mechanic", "tender", "setter", "assembler", "fabricator", "attendant", "clerk",
                 "driver", "cleaner"}
TEACHING_HEAVY = 0.5
_TEACH = re.compile(r"\b(teach\w*|lectur\w*|instruct\w*|tutor\w*|course\w*|curricul\w*|grad(e|ing) (exams?|papers|"
                    r"assignments)|classroom\w*|syllab\w*|students?)\b", re.I)


def teaching_share(duties: list[str]) -> float:
    """Share of the duties that are teaching (lectures, courses, students...)."""
    if not duties:
        return 0.0
    return sum(1 for d in duties if _TEACH.search(d)) / len(duties)


def level_mismatch(job_title: str, soc_title: str, job_zone: int | None = None) -> str | None:
    """The job title's head noun ("engineer") when it names degree-level work and the SOC title names support
    work ("... Technicians") without that noun; else None. "Stationary Engineers and Boiler Operators" has it,
    and an occupation of Job Zone 4-5 is not support work whatever its name (29-2011 "Clinical Laboratory
    Technologists and Technicians" for a "Medical Laboratory Scientist")."""
    if not is_ascii_english(job_title) or (job_zone or 0) >= 4:
        return None
    toks = normalize_title(job_title).split()
    if not toks or toks[-1] not in DEGREE_HEADS:
        return None
    words = [singular(w.lower()) for w in re.findall(r"[A-Za-z]+", soc_title)]
    main = [singular(w.lower()) for w in re.findall(r"[A-Za-z]+", re.split(r",|\bExcept\b", soc_title)[0])]
    if not main or main[-1] not in SUPPORT_HEADS or toks[-1] in words:
        return None
    return toks[-1]


def _flag(code: str, severity: str, message: str, action: str) -> dict[str, Any]:
    return {"code": code, "severity": severity, "message": message, "action": action}


def us_title(onet_title: str) -> str:
    """An O*NET/SOC occupation title as one person's U.S. job title:
    'Computer Systems Engineers/Architects' -> 'Computer Systems Engineer/Architect',
    'Chemistry Teachers, Postsecondary' -> 'Chemistry Teacher', 'Airline Pilots, Copilots, and Flight Engineers' ->
    'Airline Pilot',
    'First-Line Supervisors of Retail Sales Workers' -> 'First-Line Supervisor of Retail Sales Workers'."""
    def sing(word: str) -> str:
        if not word.isalpha():
            return word
        s = singular(word.lower())
        return s[:1].upper() + s[1:] if word[:1].isupper() else s

    def one(part: str) -> str:
        head, sep, tail = part.strip().partition(" of ")
        words = head.split(" ")
        words[-1] = sing(words[-1])
        for i in range(len(words) - 1):  # "Mechanics and Installers" -> "Mechanic and Installer"
            if words[i + 1] in ("and", "or"):
                words[i] = sing(words[i])
        return " ".join(words) + (sep + tail if sep else "")

    parts = [p.strip() for p in onet_title.split(",")]
    first_plural = parts[0].split(" ")[-1].lower() != singular(parts[0].split(" ")[-1].lower())
    if len(parts) > 2 and parts[-1].startswith(("and ", "or ")) and not first_plural:
        # a series sharing its last noun: "Transportation, Storage, and Distribution Managers"
        title = ", ".join(parts)
    else:
        # what follows the first comma qualifies the occupation ("Teachers, Postsecondary", "Engineers,
        # Including Health and Safety") or lists more of it ("Airline Pilots, Copilots, and Flight Engineers")
        title = parts[0]
    return "/".join(one(p) for p in title.split("/"))


def is_vague(title: str, title_result) -> bool:
    words = normalize_title(title).split()
    if not words:
        return True
    if all(w in VAGUE_WORDS for w in words):
        return True
    return words[-1] in VAGUE_HEADS and not title_result.confident


def profile_flags(prof: dict[str, Any], duties: list[str], title_result, pack: Pack,
                  suggest: list[str] | None = None) -> list[dict[str, Any]]:
    """Flags on the person's own words. ``suggest``: O*NET titles of the best-fitting codes, offered as U.S.
    titles for a vague one (the title-only ranking of a vague title is itself vague)."""
    out = []
    title = prof["job_title"]
    if is_ascii_english(title) and is_vague(title, title_result):
        names = suggest or [c.onet_title or c.soc_title for c in title_result.candidates[:4]]
        sugg = list(dict.fromkeys(us_title(n) for n in names))
        out.append(_flag(
            "vague_title", "medium",
            f"'{title}' names a rank or role, not an occupation; an officer cannot tell the occupation from it",
            "Use a standard U.S. title that names the work, e.g. " + "; ".join(sugg[:4])
            + ". The duties, not the title, should carry the code."))
    elif not is_ascii_english(title):
        out.append(_flag("non_english_title", "low", f"'{title}' is not an English job title",
                         "Form I-140 Part 6 item 1 needs the U.S. form of the title; socfit drafts one."))
    code = prof.get("soc_code")
    if code:
        try:
            r = resolve(pack, code)
            if r.notice:
                succ = ", ".join(f"{s['soc_code']} {s['title']}" for s in r.successors)
                out.append(_flag("retired_soc_code", "high", r.notice,
                                 f"Use a SOC 2018 code on Form I-140 ({succ}); socfit compares them below."))
        except CodeError as e:
            out.append(_flag("invalid_soc_code", "high", str(e),
                             "Check the code; socfit's candidates below are all valid SOC 2018 codes."))
    share = teaching_share(duties)
    if duties and share >= TEACHING_HEAVY:
        out.append(_flag(
            "teaching_heavy", "medium",
            f"{share:.0%} of the duties are teaching; officers rarely see teaching as nationally important in itself",
            "Put the research, innovation or its reach beyond the classroom first in the duties and the endeavor, "
            "if that is true of the work."))
    deg = prof.get("degree") or {}
    level, years = deg.get("level"), prof.get("years_experience")
    if not deg:
        out.append(_flag("degree_missing", "medium", "No degree given: EB-2 needs an advanced degree (or a "
                         "bachelor's plus 5 years of progressive experience) or exceptional ability",
                         "Add degree.level and degree.field to the profile."))
    elif level == "bachelor" and (years is None or years < 5):
        out.append(_flag("advanced_degree_basis", "high",
                         f"A bachelor's degree counts as an advanced degree only with 5 years of progressive "
                         f"post-degree experience ({'not given' if years is None else f'{years:g} given'})",
                         "Document 5+ years of progressive experience, or rely on exceptional ability."))
    elif level == "other":
        out.append(_flag("advanced_degree_basis", "medium", "The degree level 'other' is not an advanced degree",
                         "Show a U.S. master's or foreign equivalent, bachelor's + 5 years, or exceptional ability."))
    return out


def candidate_flags(prof: dict[str, Any], c: dict[str, Any], cd: OccupationCard) -> list[dict[str, Any]]:
    out = []
    soc, title = c["soc_code"], c["soc_title"]
    sup = prof.get("supervises")
    is_mgmt = soc.startswith("11-")
    if is_mgmt and sup == 0:
        out.append(_flag("management_without_supervision", "high",
                         f"{soc} {title} is a management code, but the profile says the person supervises no one",
                         "Choose a non-management code that matches the duties, or document whom the person "
                         "directs (staff, contractors, a function) if that is true."))
    elif is_mgmt and sup is None:
        out.append(_flag("management_without_supervision", "medium",
                         f"{soc} {title} is a management code and the profile does not say whom the person supervises",
                         "Add 'supervises' to the profile; management codes need staff or a function to manage."))
    if not is_mgmt and sup is not None and sup >= 2 and "Supervisors" not in title:
        out.append(_flag("supervision_without_management", "low",
                         f"The person supervises {sup} people, but {soc} is not a management or supervisor code",
                         "Fine if supervising is incidental; if managing people is a main duty, compare a "
                         "management code (11-xxxx) and say so in the duties."))
    if "All Other" in title:
        specific = [o for o in cd.onet_occupations if not o["onet_code"].endswith(".00")]
        inside = next((o for o in specific if o["onet_code"] == c["onet_code"]), None)
        if inside:
            msg = (f"{soc} is a residual 'All Other' code; the specific O*NET occupation inside it is "
                   f"{inside['onet_code']} {inside['title']}")
            act = f"Name {inside['title']} ({inside['onet_code']}) in the job description and the petition."
        else:
            names = "; ".join(f"{o['onet_code']} {o['title']}" for o in specific[:5]) or "none"
            msg = f"{soc} is a residual 'All Other' code (O*NET occupations inside it: {names})"
            act = "Prefer a specific code if the duties fit one; otherwise name the closest O*NET occupation."
        out.append(_flag("residual_all_other", "medium", msg, act))
    head = level_mismatch(prof.get("job_title") or "", title, c["qualifications"]["job_zone"])
    if head:
        out.append(_flag("title_level_mismatch", "medium",
                         f"The title says '{head}', but {soc} {title} is an occupation of support work (O*NET lists "
                         "some such titles under it)",
                         "Use it only if the duties are a technician's or a worker's; if the work is designing, "
                         "developing or researching, prefer the code at the degree's level that the duties match."))
    pv = c["profession"]
    if pv["verdict"] == "no":
        out.append(_flag("not_a_profession", "high", f"{soc} may not be a profession: {pv['reason']}",
                         "EB-2 advanced-degree petitions need a job that requires the degree; pick a code whose entry "
                         "education is a bachelor's or more if the duties support one."))
    elif pv["verdict"] == "unclear":
        out.append(_flag("not_a_profession", "medium", f"Whether {soc} is a profession is unclear: {pv['reason']}",
                         "Show that this position requires at least a bachelor's degree (job offer, employer letter)."))
    level = (prof.get("degree") or {}).get("level")
    share = c["qualifications"]["advanced_degree_share"]
    jz = c["qualifications"]["job_zone"] or 0
    if level in ("master", "doctorate", "professional") and (pv["verdict"] == "no" or
                                                            (share is not None and share < 0.1 and jz <= 3)):
        out.append(_flag("degree_above_occupation", "medium",
                         f"The person's {level} degree is well above what {soc} normally needs "
                         f"(entry: {c['qualifications']['entry_education'] or 'not published'}; "
                         f"{'' if share is None else f'{share:.0%} hold a master’s or more'})",
                         "Explain why the endeavor needs the advanced degree, or consider a code at the degree's level."))
    dv = c["degree_field"]["verdict"]
    if dv == "not_linked":
        out.append(_flag("degree_field_mismatch", "medium", c["degree_field"]["reason"],
                         "Explain how the degree prepares for this work (courses, thesis), or reconsider the code."))
    elif dv == "related":
        out.append(_flag("degree_field_mismatch", "low", c["degree_field"]["reason"],
                         "Usually fine; mention the coursework that connects the degree to the job."))
    w = c["wage"]
    if w and w.get("salary") is not None and w.get("position") is not None:
        if w["position"] <= 0:
            out.append(_flag("salary_out_of_range", "medium",
                             f"The salary (${w['salary']:,.0f}) is below the 10th percentile for {soc} "
                             f"(${w['a_pct10']:,.0f}, national OEWS)",
                             "A low salary can suggest a lower-level job; check the code and explain the salary."))
        elif w["percentile_band"] and w["percentile_band"].startswith("above") and not w.get("top_coded"):
            out.append(_flag("salary_out_of_range", "low",
                             f"The salary (${w['salary']:,.0f}) is above the 90th percentile for {soc}",
                             "A very high salary can suggest a more senior or different occupation; check the code."))
    return out
