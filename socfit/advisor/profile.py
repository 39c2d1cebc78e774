"""The person's profile: validated once, here, so every later step can trust its shape.

A profile is a plain dict (JSON or YAML on disk). Unknown fields are refused rather than ignored: a typo
such as ``dutes`` would otherwise silently drop the duties and change the recommendation.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from socfit.errors import InputError, check_text

DEGREE_LEVELS = ("bachelor", "master", "doctorate", "professional", "other")
# Common spellings people write, mapped to the schema's levels.
DEGREE_ALIASES = {
    "bachelors": "bachelor", "bachelor's": "bachelor", "ba": "bachelor", "bs": "bachelor", "bsc": "bachelor",
    "masters": "master", "master's": "master", "ms": "master", "msc": "master", "ma": "master", "mba": "master",
    "phd": "doctorate", "ph.d.": "doctorate", "doctoral": "doctorate", "doctor": "doctorate",
    "md": "professional", "jd": "professional", "dds": "professional", "pharmd": "professional",
}
TEXT_LIMITS = {"job_title": 300, "country_title": 300, "employer": 300, "industry": 300, "endeavor": 5_000,
               "soc_code": 20}
DUTIES_LIMIT = 20_000
DUTY_ITEMS_LIMIT = 60
FIELD_LIMIT = 200
FILE_LIMIT = 1_000_000  # bytes: a profile is a page of text, not a document dump
NUMBER_LIMITS = {"years_experience": (0, 70), "salary": (0, 10_000_000), "supervises": (0, 100_000)}
FIELDS = ("job_title", "duties", "degree", "years_experience", "endeavor", "salary", "supervises",
          "country_title", "soc_code", "employer", "industry")


def load_profile(path: str | Path) -> dict[str, Any]:
    """Read a JSON or YAML profile file and validate it. Errors name the file, line and field."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"profile file not found: {p}")
    raw = p.read_bytes()
    if len(raw) > FILE_LIMIT:
        raise InputError(f"{p} is {len(raw):,} bytes; a profile may be at most {FILE_LIMIT:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        what = "is UTF-16 text" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else f"is not UTF-8 text (byte {e.start})"
        raise InputError(f"{p} {what}; save it as UTF-8") from None
    return validate_profile(parse_profile_text(text, p.name), source=p.name)


def parse_profile_text(text: str, name: str = "profile") -> Any:
    """JSON when it looks like JSON, else YAML; syntax errors carry the line number."""
    if text.lstrip().startswith(("{", "[")) or name.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"{name}: malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
        except RecursionError:
            raise InputError(f"{name}: malformed JSON: nested too deeply for a profile") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise InputError(f"{name}: malformed YAML: nested too deeply for a profile") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"{name}: malformed YAML{where}: {problem}") from None


def validate_profile(data: Any, source: str = "profile") -> dict[str, Any]:
    """Return a clean copy of the profile, or raise InputError naming the field that is wrong."""
    if data is None:
        raise InputError(f"{source}: the profile is empty; it needs at least job_title")
    if not isinstance(data, dict):
        raise InputError(f"{source}: a profile must be a mapping of fields (job_title, duties, ...), "
                         f"not {type(data).__name__}")
    unknown = sorted(set(map(str, data)) - set(FIELDS))
    if unknown:
        raise InputError(f"{source}: unknown field(s) {_names(unknown)}; allowed: {', '.join(FIELDS)}")
    out: dict[str, Any] = {}
    title = data.get("job_title")
    if title is not None and not isinstance(title, str):
        raise InputError(f"{source}: job_title must be text, not {type(title).__name__}")
    if not isinstance(title, str) or not title.strip():
        raise InputError(f"{source}: job_title is required (e.g. 'Data Scientist')")
    if not any(ch.isalpha() for ch in title):
        raise InputError(f"{source}: job_title {_show(title)} has no words; give the job title (e.g. 'Data Scientist')")
    for key, limit in TEXT_LIMITS.items():
        v = data.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, (int, float)) and key == "soc_code":
            v = str(v)
        if not isinstance(v, str):
            raise InputError(f"{source}: {key} must be text, not {type(v).__name__}")
        check_text(v, f"{source}: {key}")
        v = " ".join(v.split())
        if len(v) > limit:
            raise InputError(f"{source}: {key} is {len(v):,} characters; the limit is {limit:,}")
        out[key] = v
    duties = _duties(data.get("duties"), source)
    if duties:
        out["duties"] = duties
    if data.get("degree") is not None:
        out["degree"] = _degree(data["degree"], source)
    for key, (lo, hi) in NUMBER_LIMITS.items():
        v = data.get(key)
        if v is None or v == "":
            continue
        if isinstance(v, str):
            try:
                v = float(v.replace(",", "").replace("$", "").strip())
            except ValueError:
                raise InputError(f"{source}: {key} must be a number, not {_show(data[key])}") from None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
            raise InputError(f"{source}: {key} must be a number, not {_show(data[key])}")
        if not lo <= v <= hi:  # an int too large for a float (JSON allows 4,000 digits) lands here too
            got = f"{v:,}" if abs(v) < 1e18 else f"a number of {len(str(int(abs(v)))):,} digits"
            raise InputError(f"{source}: {key} must be between {lo:,} and {hi:,} (got {got})")
        if key == "supervises" and not float(v).is_integer():
            raise InputError(f"{source}: supervises counts people: a whole number, not {v}")
        out[key] = int(v) if float(v).is_integer() else float(v)
    return out


def _duties(v: Any, source: str) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        items = [v]
    elif isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v):
        items = [str(x) for x in v]
    else:
        raise InputError(f"{source}: duties must be text or a list of texts")
    if len(items) > DUTY_ITEMS_LIMIT:
        raise InputError(f"{source}: duties has {len(items)} items; the limit is {DUTY_ITEMS_LIMIT}")
    for x in items:
        check_text(x, f"{source}: duties")
    total = sum(len(x) for x in items)
    if total > DUTIES_LIMIT:
        raise InputError(f"{source}: duties are {total:,} characters; the limit is {DUTIES_LIMIT:,} "
                         f"(keep the main duties, one per line)")
    return [x.strip() for x in items if x.strip()]


# A degree written out ("PhD in Electrical Engineering", "M.S., Computer Science", "Master of Science in
# Chemistry"): the first degree word gives the level, what follows "in" (or a comma, brackets, or the
# abbreviation itself) the field. Longer phrases first, so "doctor of medicine" is not read as "doctor".
_DEGREE_WORDS = [
    ("professional", r"doctor of (?:medicine|dental \w+|pharmacy|veterinary medicine|osteopathic medicine|"
                     r"optometry|physical therapy)|juris doctor|md|jd|dds|dmd|pharmd|dvm|dpt|od"),
    ("doctorate", r"doctor(?:ate)? of (?:philosophy|science|engineering|education)|doctorate|doctoral|phd|"
                  r"dphil|scd|dsc|edd|dr"),
    ("master", r"master'?s?(?: degree)?(?: of (?:science|arts|engineering|business administration|"
               r"public health|public administration|fine arts|philosophy|laws|technology))?|"
               r"msc|ms|ma|mba|meng|mphil|mph|mpa|mfa|mtech|mres|llm|sm"),
    ("bachelor", r"bachelor'?s?(?: degree)?(?: of (?:science|arts|engineering|business administration|"
                 r"fine arts|technology|laws))?|bsc|bs|ba|beng|btech|bba|bfa|llb|ab|sb"),
    ("other", r"associate'?s?(?: degree)?|high school|ged"),
]
_DEGREE_RE = [(lv, re.compile(rf"(?<![\w'])(?:{pat})(?![\w'])")) for lv, pat in _DEGREE_WORDS]


def degree_from_text(text: str) -> tuple[str, str | None] | None:
    """(level, field or None) for a degree written out, or None when no degree word is found."""
    low = text.lower().replace(".", "")  # "Ph.D.", "M.S.", "B.Sc." -> phd, ms, bsc
    low = " ".join(re.sub(r"\(?\b(?:hons|honou?rs|rer \w+|dr ing|with distinction)\b\)?", " ", low).split())
    best = None
    for lv, rx in _DEGREE_RE:
        m = rx.search(low)
        if m and (best is None or m.start() < best[1].start()):
            best = (lv, m)
    if best is None:
        return None
    lv, m = best
    rest = low[m.end():].strip(" ,;:-")
    inner = re.search(r"\(([^)]+)\)", rest)
    if rest.startswith("in "):
        field = rest[3:]
    elif inner:
        field = inner.group(1)
    else:
        field = rest
    field = re.split(r"[(),;]| (?:from|at) ", field)[0].strip(" :-")
    if not field:  # "Computer Science, MS": the field comes first
        field = re.split(r"[(),;]", low[:m.start()])[0].strip(" :-")
    if not field:
        return lv, None
    # the field as written, not lower-cased: take the same words from the original text
    at = text.lower().rfind(field.split()[0]) if field.split() else -1
    shown = text[at:at + len(field)] if at >= 0 and text[at:at + len(field)].lower() == field else field.title()
    return lv, " ".join(shown.split())


def _degree(v: Any, source: str) -> dict[str, Any]:
    if isinstance(v, str):
        v = {"level": v}
    if isinstance(v, dict) and isinstance(v.get("level"), str):
        level = v["level"].strip().lower()
        if DEGREE_ALIASES.get(level, level) not in DEGREE_LEVELS:
            parsed = degree_from_text(v["level"])  # "PhD in Electrical Engineering"
            if parsed:
                v = {**v, "level": parsed[0]}
                if parsed[1] and not v.get("field"):
                    v["field"] = parsed[1]
    if not isinstance(v, dict):
        raise InputError(f"{source}: degree must be a mapping like {{level: master, field: Computer Science}}")
    extra = sorted(set(map(str, v)) - {"level", "field", "cip"})
    if extra:
        raise InputError(f"{source}: unknown degree field(s) {_names(extra)}; allowed: level, field, cip")
    if not v.get("level"):
        raise InputError(f"{source}: degree.level is missing; give one of {', '.join(DEGREE_LEVELS)}")
    for k in ("level", "field", "cip"):
        x = v.get(k)
        if isinstance(x, bool) or x is not None and not isinstance(x, (str, int, float)):
            raise InputError(f"{source}: degree.{k} must be text, not {type(x).__name__}")
    level = str(v.get("level")).strip().lower()
    level = DEGREE_ALIASES.get(level, level)
    if level not in DEGREE_LEVELS:
        raise InputError(f"{source}: degree.level {_show(v.get('level'))} is not one of {', '.join(DEGREE_LEVELS)}")
    out: dict[str, Any] = {"level": level}
    field = v.get("field")
    if field is not None and str(field).strip():
        check_text(str(field), f"{source}: degree.field")
        field = " ".join(str(field).split())
        if len(field) > FIELD_LIMIT:
            raise InputError(f"{source}: degree.field is {len(field)} characters; the limit is {FIELD_LIMIT}")
        out["field"] = field
    cip = v.get("cip")
    if cip is not None and str(cip).strip():
        out["cip"] = _cip(str(cip).strip(), source)
    return out


def _cip(text: str, source: str) -> str:
    """CIP 2020 codes: a family '11', a series '11.07' or a program '11.0701' (also '110701'); a spreadsheet's
    '11.7' or '11.070' is padded to the next level."""
    digits = text.replace(".", "")
    if not digits.isdigit() or not 2 <= len(digits) <= 6 or text.count(".") > 1:
        raise InputError(f"{source}: degree.cip {_show(text)} is not a CIP code (expected a form like 11.0701)")
    if "." in text:
        head, tail = text.split(".", 1)
        head, tail = head.zfill(2), tail.ljust(2 if len(tail) <= 2 else 4, "0")
    else:
        head, tail = digits[:2], digits[2:]
        tail = tail.ljust(2 if len(tail) <= 2 else 4, "0") if tail else ""
    return f"{head}.{tail}" if tail else head


def _names(keys: list[str], most: int = 10) -> str:
    """Field names for an error message: unprintable ones quoted, long ones and long lists cut short."""
    shown = [k if k.isprintable() and len(k) <= 40 else _show(k, 40) for k in keys[:most]]
    return ", ".join(shown) + (f" and {len(keys) - most:,} more" if len(keys) > most else "")


def _show(v: Any, limit: int = 60) -> str:
    """A value for an error message: its repr, cut short (a YAML alias bomb must not print megabytes)."""
    if not isinstance(v, (str, int, float, bool, type(None))):
        return f"a {type(v).__name__}"
    r = repr(v)
    return r if len(r) <= limit else r[:limit] + "...'"


def apply_patch(profile: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Answer a clarifying question: a patch replaces fields, except ``add_duties``, which appends."""
    out = dict(profile)
    for k, v in (patch or {}).items():
        if k == "add_duties":
            have = out.get("duties") or []
            have = [have] if isinstance(have, str) else list(have)
            out["duties"] = have + [d for d in (v or []) if d not in have]
        else:
            out[k] = v
    return validate_profile(out, source="answer")
