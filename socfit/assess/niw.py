"""EB-2 NIW verdicts for one occupation: is it a profession, is an advanced degree typical, where does a
salary fall. Each verdict carries its reason and the source it rests on, so an attorney can check it.
"""

from __future__ import annotations

from typing import Any

from socfit.assess.occupation import OccupationCard

# INA 101(a)(32): "The term 'profession' shall include but not be limited to architects, engineers, lawyers,
# physicians, surgeons, and teachers in elementary or secondary schools, colleges, academies, or seminaries."
INA_PROFESSIONS = (
    ("17-1011", "architects"), ("17-1012", "architects"), ("17-2121", "architects (naval)"),
    ("17-2", "engineers"), ("23-1011", "lawyers"), ("29-121", "physicians"), ("29-122", "physicians"),
    ("29-124", "surgeons"), ("25-1", "teachers in colleges"), ("25-2021", "teachers in elementary schools"),
    ("25-2022", "teachers in secondary schools"), ("25-2031", "teachers in secondary schools"),
    ("25-2032", "teachers in secondary schools"), ("25-205", "teachers in elementary or secondary schools"),
)
BACHELOR_PLUS = ("Bachelor's degree", "Master's degree", "Doctoral or professional degree")
POLICY = "USCIS Policy Manual, Vol. 6, Part F, Ch. 5 (January 2025): a profession needs at least a U.S. bachelor's degree or foreign equivalent to enter, or is listed in INA 101(a)(32)"
ADVANCED_TYPICAL = 0.5  # share of workers with a master's or more above which an advanced degree is "typical"


def profession(c: OccupationCard) -> dict[str, Any]:
    """yes / no / unclear, from the statute's list, then BLS typical entry education, then O*NET and OFLC."""
    for prefix, who in INA_PROFESSIONS:
        if c.soc_code.startswith(prefix):
            return {"verdict": "yes", "reason": f"{c.title} are {who}, named in INA 101(a)(32)",
                    "source": "INA 101(a)(32); " + POLICY}
    bls = c.entry_education
    ba = c.bachelor_or_more_share
    share = f"{ba:.0%} of workers hold a bachelor's or more (O*NET)" if ba is not None else None
    if bls in BACHELOR_PLUS:
        return {"verdict": "yes", "reason": f"BLS typical entry-level education: {bls}",
                "source": "BLS Employment Projections (education and training assignments); " + POLICY}
    if bls:
        high = (ba is not None and ba >= 0.5) or (c.job_zone or 0) >= 4
        if high:
            return {"verdict": "unclear",
                    "reason": f"BLS typical entry-level education is {bls}, but "
                              f"{share or f'the O*NET Job Zone is {c.job_zone}'}: the petition must show this "
                              f"position requires a bachelor's degree",
                    "source": "BLS Employment Projections; O*NET Education, Training, and Experience; " + POLICY}
        return {"verdict": "no", "reason": f"BLS typical entry-level education: {bls}"
                                           + (f"; {share}" if share else ""),
                "source": "BLS Employment Projections; " + POLICY}
    oflc = c.oflc.get("education")
    if oflc in BACHELOR_PLUS:
        return {"verdict": "yes", "reason": f"no BLS assignment; OFLC education level: {oflc}",
                "source": "OFLC wage data education levels; " + POLICY}
    if (c.job_zone or 0) >= 4 or (ba is not None and ba >= 0.5):
        return {"verdict": "unclear", "reason": "no BLS or OFLC education level; "
                                                + (share or f"O*NET Job Zone {c.job_zone}"),
                "source": "O*NET; " + POLICY}
    return {"verdict": "unclear" if oflc is None else "no",
            "reason": f"no BLS assignment; OFLC education level: {oflc or 'not published'}",
            "source": "OFLC; " + POLICY}


def advanced_degree(c: OccupationCard) -> dict[str, Any]:
    """Is a master's or more typical? O*NET's share of workers, with BLS entry education as a second view."""
    s = c.advanced_degree_share
    if s is None:
        if c.entry_education in ("Master's degree", "Doctoral or professional degree"):
            return {"verdict": "yes", "share": None, "reason": f"BLS typical entry-level education: {c.entry_education}"}
        return {"verdict": "unknown", "share": None, "reason": "O*NET publishes no education distribution for this code"}
    why = f"{s:.0%} of workers hold a master's degree or more (O*NET education distribution)"
    if s >= ADVANCED_TYPICAL or c.entry_education in ("Master's degree", "Doctoral or professional degree"):
        extra = f"; BLS typical entry-level education: {c.entry_education}" if c.entry_education else ""
        return {"verdict": "yes", "share": s, "reason": why + extra}
    return {"verdict": "no", "share": s, "reason": why}


_POINTS = (("a_pct10", 10), ("a_pct25", 25), ("a_median", 50), ("a_pct75", 75), ("a_pct90", 90))


def wage_position(wages: dict[str, Any] | None, salary: float | None) -> dict[str, Any] | None:
    """National OEWS percentiles and where the salary falls (an interpolated percentile and a band)."""
    if wages is None:
        return None
    out = {k: wages.get(k) for k in ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90", "a_mean", "employment",
                                     "top_coded", "reported_under")}
    out["salary"] = salary
    out["position"] = out["percentile_band"] = None
    pts = [(wages.get(k), p) for k, p in _POINTS if wages.get(k) is not None]
    if salary is None or not pts:
        return out
    if salary < pts[0][0]:
        out["percentile_band"], out["position"] = "below the 10th percentile", 0
    elif salary > pts[-1][0]:
        top = pts[-1][1]
        out["percentile_band"] = f"above the {top}th percentile" + (" (OEWS top-codes higher wages)"
                                                                    if wages.get("top_coded") else "")
        out["position"] = top
    else:
        for (w0, p0), (w1, p1) in zip(pts, pts[1:]):
            if w0 <= salary <= w1:
                pos = p0 + (p1 - p0) * ((salary - w0) / (w1 - w0) if w1 > w0 else 0)
                out["position"] = round(pos)
                out["percentile_band"] = f"between the {_nth(p0)} and {_nth(p1)} percentile"
                break
        else:
            out["position"], out["percentile_band"] = pts[0][1], f"at the {_nth(pts[0][1])} percentile"
    return out


def _nth(p: int) -> str:
    return f"{p}th"
