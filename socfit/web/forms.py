"""The profile form: HTML fields <-> the advisor's profile dict (docs/advisor.md).

Browsers send text; numbers are parsed here with messages a person can act on ("185,000" and "$185000"
are fine). Empty fields are left out, so the advisor's own defaults apply.
"""

from __future__ import annotations

import json
import re
from typing import Any

from socfit.errors import InputError

TEXT_FIELDS = ("job_title", "endeavor", "country_title", "soc_code", "employer", "industry")
DEGREE_LEVELS = [("", "—"), ("bachelor", "Bachelor's"), ("master", "Master's"), ("doctorate", "Doctorate (PhD)"),
                 ("professional", "Professional (MD, JD...)"), ("other", "Other")]
FIELDS = (*TEXT_FIELDS, "duties", "degree_level", "degree_field", "degree_cip", "years_experience", "salary",
          "supervises")


def _number(raw: str, label: str, integer: bool = False) -> float | int | None:
    s = re.sub(r"[\s,$_]", "", raw or "")
    if not s:
        return None
    try:
        v = float(s)
    except ValueError:
        raise InputError(f"{label} must be a number (got {raw!r})") from None
    if v != v or v in (float("inf"), float("-inf")):
        raise InputError(f"{label} must be a number (got {raw!r})")
    if integer:
        if v != int(v):
            raise InputError(f"{label} must be a whole number (got {raw!r})")
        return int(v)
    return int(v) if v == int(v) else v


def profile_from_form(form: dict[str, str]) -> dict[str, Any]:
    p: dict[str, Any] = {}
    for k in TEXT_FIELDS:
        v = (form.get(k) or "").strip()
        if v:
            p[k] = v
    duties = [ln.strip(" \t-•*") for ln in (form.get("duties") or "").splitlines()]
    duties = [d for d in duties if d]
    if duties:
        p["duties"] = duties
    degree = {k: (form.get(f"degree_{k}") or "").strip() for k in ("level", "field", "cip")}
    degree = {k: v for k, v in degree.items() if v}
    if degree:
        p["degree"] = degree
    for k, label, integer in (("years_experience", "Years of experience", False), ("salary", "Salary", False),
                              ("supervises", "People supervised", True)):
        v = _number(form.get(k, ""), label, integer)
        if v is not None:
            p[k] = v
    return p


def form_from_profile(profile: Any) -> dict[str, str]:
    """The form's boxes for a profile. Also called on a profile the advisor refused (to show it back with the
    error), so any JSON value is shown: text and numbers as typed, anything else as its JSON text."""
    p = profile if isinstance(profile, dict) else {}
    out = {k: _shown(p.get(k)) for k in (*TEXT_FIELDS, "years_experience", "salary", "supervises")}
    duties = p.get("duties")
    out["duties"] = "\n".join(map(_shown, duties)) if isinstance(duties, list) else _shown(duties)
    deg = p.get("degree")
    deg = deg if isinstance(deg, dict) else {"level": deg}  # "master" is short for {"level": "master"}
    for k in ("level", "field", "cip"):
        out[f"degree_{k}"] = _shown(deg.get(k))
    return out


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return json.dumps(int(v) if isinstance(v, float) and v.is_integer() else v, ensure_ascii=False)


def load_json_field(raw: str | None, what: str) -> Any:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deep
        raise InputError(f"{what} is not valid JSON") from None
    return check_json_text(value, what) if "\\u" in raw else value


def check_json_text(value: Any, what: str) -> Any:
    """Parsed JSON as it is, or InputError when a string in it holds half of a UTF-16 surrogate pair. JSON can
    escape one ("\\ud800") but no UTF-8 text can hold it: storing, rendering or sending it back would fail."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(f"{what} holds {e.object[e.start:e.end]!r}, half of a UTF-16 surrogate pair, which is "
                         "not text: send UTF-8 text") from None
    return value
