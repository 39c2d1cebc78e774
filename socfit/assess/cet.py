"""Which of the 18 Critical and Emerging Technology areas (NSTC, February 2024) a text touches.

The area names are official; the keywords that recognise them are socfit's own (socfit/data/cet_areas.json)
and are reported as such. Matching is whole-word and case-insensitive, except acronyms of up to three
letters ("AI", "RF"), which must be in capitals so that "ai" inside ordinary words never matches.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _areas() -> tuple[dict[str, Any], list[tuple[int, str, re.Pattern]]]:
    spec = json.loads(resources.files("socfit").joinpath("data/cet_areas.json").read_text("utf-8"))
    pats = []
    for a in spec["areas"]:
        for kw in a.get("keywords", []):
            flags = 0 if (kw.isupper() and len(kw) <= 4) else re.I
            pats.append((a["id"], kw, re.compile(r"(?<!\w)" + re.escape(kw) + r"(?!\w)", flags)))
    return spec, pats


def cet_areas(text: str) -> list[dict[str, Any]]:
    """Areas with the keywords found in ``text`` (most matched words first)."""
    spec, pats = _areas()
    found: dict[int, list[str]] = {}
    for aid, kw, pat in pats:
        if pat.search(text or ""):
            found.setdefault(aid, []).append(kw)
    names = {a["id"]: a["area"] for a in spec["areas"]}
    out = [{"id": aid, "area": names[aid], "matched": kws} for aid, kws in found.items()]
    return sorted(out, key=lambda a: (-len(a["matched"]), a["id"]))


def source() -> dict[str, str]:
    spec, _ = _areas()
    return {"list": spec["list"], "url": spec["url"], "note": spec["note"]}
