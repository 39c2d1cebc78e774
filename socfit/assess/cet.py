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
def _areas() -> tuple[dict[str, Any], list[tuple[re.Pattern, dict[str, list[tuple[int, str]]], bool]]]:
    """Two alternations (case-insensitive words, case-sensitive acronyms), longest keyword first, each
    with a map from the matched text back to (area id, keyword) -- including the keywords the matched one
    contains, which the longest match would otherwise hide ("semiconductor fabrication" also says
    "semiconductor"; "quantum cryptography" also says "cryptography")."""
    spec = json.loads(resources.files("socfit").joinpath("data/cet_areas.json").read_text("utf-8"))
    groups: dict[bool, dict[str, list[tuple[int, str]]]] = {True: {}, False: {}}
    for a in spec["areas"]:
        for kw in a.get("keywords", []):
            exact = kw.isupper() and len(kw) <= 4
            groups[exact].setdefault(kw if exact else kw.lower(), []).append((a["id"], kw))
    pats = []
    for exact, table in groups.items():
        if table:
            hits = {k: list(v) for k, v in table.items()}
            for k in table:
                if " " in k:
                    for inner in table:
                        if inner != k and re.search(r"(?<!\w)" + re.escape(inner) + r"(?!\w)", k):
                            hits[k].extend(x for x in table[inner] if x not in hits[k])
            alt = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
            pats.append((re.compile(r"(?<!\w)(?:" + alt + r")(?!\w)", 0 if exact else re.I), hits, exact))
    return spec, pats


def cet_areas(text: str) -> list[dict[str, Any]]:
    """Areas with the keywords found in ``text`` (most matched words first)."""
    spec, pats = _areas()
    found: dict[int, list[str]] = {}
    for pat, hits, exact in pats:
        for m in pat.finditer(text or ""):
            for aid, kw in hits.get(m.group(0) if exact else m.group(0).lower(), []):
                if kw not in found.setdefault(aid, []):
                    found[aid].append(kw)
    names = {a["id"]: a["area"] for a in spec["areas"]}
    order = {kw: i for a in spec["areas"] for i, kw in enumerate(a.get("keywords", []))}
    out = [{"id": aid, "area": names[aid], "matched": sorted(kws, key=lambda k: order.get(k, 0))}
           for aid, kws in found.items()]
    return sorted(out, key=lambda a: (-len(a["matched"]), a["id"]))


def source() -> dict[str, str]:
    spec, _ = _areas()
    return {"list": spec["list"], "url": spec["url"], "note": spec["note"]}
