"""Sentences of a job posting that are not duties: requirements, benefits, equal-opportunity and employer text.

Why: people paste whole postings. "Master's degree and 3 years of experience required." or "We offer a
competitive salary." match no occupation's tasks in particular, yet they count as much as a real duty in the
duties' mean and centroid. Appended to the bench's job-description profiles, four such sentences took the top 3
from 0.917 to 0.877 (docs/benchmarks.md). The patterns are narrow on purpose: a duty that merely mentions a
degree, a salary or equal opportunity ("Supervise PhD students", "Negotiate salary offers", "Investigate equal
employment opportunity complaints") is a duty of some occupation and stays; tests check the patterns against
every O*NET task statement.
"""

from __future__ import annotations

import re

_DEGREE = r"(?:bachelor'?s?|master'?s?|ph\.? ?d\.?|doctorate|doctoral degree|associate'?s degree|mba|m\.?s\.?|b\.?s\.?|high school diploma)"
PATTERNS: dict[str, list[str]] = {
    "requirement": [
        rf"^(?:an? )?{_DEGREE}\b(?! students?\b)",
        rf"\b{_DEGREE} (?:degree )?(?:is |are )?(?:required|preferred|or equivalent|or higher|or above|in (?:a |an )?related\b)",
        r"\b(?:degree|diploma) (?:is |are )?(?:required|preferred)\b",
        r"\b(?:degree|diploma) (?:in|from) (?:a |an )?(?:related|accredited|relevant)\b",
        r"\b\d+\s*\+?\s*(?:-|to)?\s*\d*\s*\+?\s*(?:years?|yrs)\b[^.;]{0,40}\bexperience\b",
        r"\b(?:years?|yrs) of (?:\w+ ){0,3}experience\b",
        r"\bexperience (?:is |are )?(?:required|preferred|a plus|desired)\b",
        r"^(?:must|should) (?:have|be|possess|hold|demonstrate)\b",
        r"^(?:candidates?|applicants?) (?:must|should|will need)\b",
        r"\b(?:is|are|would be) (?:highly |very |strongly )?(?:a plus|an asset|preferred|desirable|desired|a bonus|"
        r"nice to have)\b",
        r"^requires? (?:an? |at least |a minimum of |minimum )?(?:[\w'-]+ ){0,3}(?:degree|experience|certification|"
        r"license|licensure|bachelor|master|ph\.?d|years?)\b",
        r"\b(?:bachelor|master)'?s? of (?:science|arts|engineering|business|fine arts|education)\b",
        r"^comfortable (?:working|with)\b",
        r"\b(?:pass|complete|undergo) (?:a |an )?pre-employment\b",
        r"\b(?:evening|weekend|night|holiday|overtime|on-call)\b[^.;]{0,30}\b(?:may|might|will|could) be "
        r"(?:required|necessary|needed|expected)\b",
        r"^(?:strong|excellent|solid|proven|demonstrated|good|outstanding|exceptional) (?:[\w/,-]+ ){0,5}"
        r"(?:skills?|abilities|ability|knowledge|experience|track record|background|understanding|communicator)\b",
        r"^(?:proficiency|proficient|fluency|fluent|familiarity|familiar|knowledge|working knowledge|"
        r"understanding|expertise|experience) (?:in|with|of)\b",
        r"^(?:ability|able|willingness|willing) to\b",
        r"\b(?:legally )?authori[sz]ed to work\b",
        r"\b(?:require|requires|offer|offers|provide|no) (?:visa )?sponsorship\b",
        r"\bpass (?:a |an )?(?:background check|drug (?:test|screen))\b",
    ],
    "benefit": [
        r"\b(?:we offer|we provide|you will (?:receive|get|enjoy)|you'll (?:receive|get|enjoy)|our (?:benefits|perks))\b",
        r"^(?:a |an )?(?:very )?(?:competitive|attractive|excellent|generous|comprehensive) (?:salary|pay|"
        r"compensation|benefits?|base pay|package)\b",
        r"\b(?:offer|offers|offering|enjoy|receive|provide|provides) (?:a |an )?(?:very )?(?:competitive|attractive|"
        r"excellent|generous|comprehensive) (?:salary|pay|compensation|benefits?|base pay|package)\b",
        r"^(?:salary|compensation|pay|pay range|base salary|benefits)\b\s*(?:[:\-]|(?:is|range|of|include|"
        r"includes)\b|\$)",
        r"\$\s?\d[\d,.]*\s*(?:k\b)?\s*(?:-|to)\s*\$?\s?\d",
    ],
    "equal opportunity": [
        r"\b(?:is|are) an? (?:proud )?equal (?:employment )?opportunity(?: and affirmative action)? employer\b",
        r"\b(?:regardless of|without regard to) (?:race|age|color|gender|sex|religion)\b",
        r"\bqualified applicants (?:will|are)\b",
    ],
    "employer text": [
        r"^(?:we are|we're|about us|who we are|join (?:us|our)|our (?:company|team|mission|client|firm) "
        r"(?:is|are|has|was))\b",
        r"\b(?:is|are) a (?:leading|global|fast[- ]growing|growing|world[- ]class|premier|well[- ]established|"
        r"top[- ]rated|dynamic) (?:[\w-]+ ){0,4}(?:company|provider|firm|organization|organisation|leader|"
        r"manufacturer|startup|start-up|team|employer|business|group)\b",
        r"\b(?:we are|we're|is) (?:currently )?(?:looking|seeking|hiring)\b",
        r"\b(?:the )?(?:ideal|successful|right|selected) (?:candidate|applicant)s?\b",
        r"\b(?:interested|qualified) (?:candidates|applicants|parties) (?:should|may|can|are invited)\b",
        r"\bcover letter\b",
        r"^founded in \d{4}\b",
        r"\b(?:apply now|apply today|please (?:apply|send|submit)|send (?:your |a )?(?:resume|cv)|"
        r"submit (?:your |a )?(?:resume|cv|application))\b",
        r"\btravel (?:up to|of up to) \d+\s*%",
        r"^(?:this is a|this is an) (?:full|part)[- ]time\b",
    ],
}
_COMPILED = [(kind, re.compile(p, re.IGNORECASE)) for kind, ps in PATTERNS.items() for p in ps]


def reason(statement: str) -> str | None:
    """Why a statement is not a duty ("requirement", "benefit", "equal opportunity", "employer text"), or None."""
    s = statement.strip().lstrip("-*•\u2022 \t")
    for kind, rx in _COMPILED:
        if rx.search(s):
            return kind
    return None


def separate(statements: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(duties, [(statement, reason)] left out). When every statement reads as boilerplate, nothing is left out:
    the person's text is all there is, and a pattern may be wrong."""
    out = [(s, reason(s)) for s in statements]
    dropped = [(s, r) for s, r in out if r]
    if len(dropped) == len(statements):
        return list(statements), []
    return [s for s, r in out if not r], dropped


def note(dropped: list[tuple[str, str]], shown: int = 3) -> str:
    """The note that says which statements were left out, and why (results never hide what was done). A pasted
    posting often repeats a line: each distinct statement is shown once."""
    def short(s: str) -> str:
        return s if len(s) <= 60 else s[:57].rstrip() + "..."

    distinct = list(dict.fromkeys(dropped))
    said = "; ".join(f"'{short(s)}' ({r})" for s, r in distinct[:shown])
    more = f"; and {len(distinct) - shown} more" if len(distinct) > shown else ""
    n = len(dropped)
    return (f"{n} statement{'s' if n > 1 else ''} of the duties read as requirements, benefits or employer text, "
            f"not duties, and {'were' if n > 1 else 'was'} left out of the task matching: {said}{more}")


def duties_and_notes(statements: list[str]) -> tuple[list[str], list[str]]:
    """``separate``, and what to tell the person: which statements were left out, or, when every one reads as
    posting text, that they were matched anyway and the main duties would decide better."""
    duties, dropped = separate(statements)
    if dropped:
        return duties, [note(dropped)]
    if statements and all(reason(s) for s in statements):
        return duties, ["every statement of the duties reads as requirements, benefits or employer text, not "
                        "duties; they were matched to O*NET tasks anyway: give the main duties (what the job does) "
                        "to decide"]
    return duties, []
