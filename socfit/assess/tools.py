"""Tools named in the duties ("PyTorch", "AutoCAD", "SAP") against O*NET Technology Skills.

A tool few occupations list is strong evidence (PyTorch: 4 codes); one that every office lists is not
(Microsoft Excel: 740). Each match is weighted by log(occupations / occupations listing the tool).
Names are matched as whole word sequences, case-insensitively, in these forms: as published, its last word
("Oracle Java" -> "Java", unless it is an ordinary word), without the vendor ("Autodesk AutoCAD"), without a
trailing "software", and the acronym in brackets ("Bidirectional encoder ... (BERT)" -> "BERT").
"""

from __future__ import annotations

import math
import re
from typing import Any

from socfit.pack.store import Pack

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#.]*[a-z0-9+#]|[a-z0-9]", re.I)
MAX_WORDS = 6
MIN_CHARS = 3  # "C" and "R" would match everywhere


def _key(text: str) -> str:
    return " ".join(t.lower() for t in _TOKEN.findall(text))


def _distinctive(word: str) -> bool:
    """'PyTorch', 'MATLAB', 'SAP2000', 'C++': not an ordinary word even in lower case."""
    return any(ch.isupper() for ch in word[1:]) or any(not ch.isalpha() for ch in word)


def _variants(name: str) -> set[str]:
    out = {name}
    words = name.split()
    if len(words) >= 2:
        out.add(words[-1])  # "Structured query language SQL" -> "SQL", "Oracle Java" -> "Java" (ordinary words drop out)
        if _distinctive(words[-1]) and len(words) <= 3:  # "Autodesk AutoCAD" -> "AutoCAD"
            out.add(" ".join(words[1:]))
    if name.lower().endswith(" software"):
        out.add(name[: -len(" software")])
    m = re.search(r"\(([^)]+)\)\s*$", name)
    if m:
        out.add(m.group(1))
        out.add(name[: m.start()].strip())
    return {v for v in out if len(v.strip()) >= MIN_CHARS and "software" != v.lower().strip()}


def tool_index(pack: Pack) -> dict[str, tuple[str, frozenset[str], float]]:
    """word sequence -> (published name, SOC codes listing it, weight).

    Several products can share a short form ("SQL": "Structured query language SQL", "Microsoft SQL Server
    ..."): the form then stands for all of them, with the union of their codes and the weight of that union
    (so a common word never points at one obscure product)."""
    def make():
        if not pack.has_table("technology_skills"):
            return {}
        by: dict[str, set[str]] = {}
        for name, onet in pack.rows("SELECT example, onet_code FROM technology_skills"):
            by.setdefault(name, set()).add(onet[:7])
        n = max(1, pack.value("SELECT COUNT(DISTINCT soc_code) FROM onet_occupations") or 1)
        # Product names that are also ordinary words ("Analyze", "Spark") only count when written distinctively.
        common = {w.lower() for (t,) in pack.rows("SELECT task FROM tasks") for w in _TOKEN.findall(t)}
        forms: dict[str, tuple[str, set[str]]] = {}  # key -> (name of its most listed product, union of codes)
        for name, socs in by.items():
            for v in _variants(name):
                k = _key(v)
                if " " not in k and k in common:
                    if not _distinctive(v):
                        continue
                    k = "=" + v.strip()  # an ordinary word written distinctively ("REVIEW"): match its exact case
                if not k or len(k.split()) > MAX_WORDS:
                    continue
                if k in forms:
                    best, union = forms[k]
                    forms[k] = (name if len(socs) > len(by[best]) else best, union | socs)
                else:
                    forms[k] = (name, set(socs))
        idx: dict[str, tuple[str, frozenset[str], float]] = {}
        for k, (name, socs) in forms.items():
            w = math.log(n / len(socs))
            if w > 0.5:  # a tool listed by most occupations says nothing
                idx[k] = (name, frozenset(socs), w)
        return idx

    return pack.cached("tool_index", make)


def tools_in(pack: Pack, text: str) -> dict[str, tuple[frozenset[str], float]]:
    """Published tool names found in ``text`` -> (SOC codes listing them, weight). Longest match wins: in
    "Esri ArcGIS" the words "Esri" and "ArcGIS" do not also count on their own."""
    idx = tool_index(pack)
    raw = _TOKEN.findall(text or "")
    words = [t.lower() for t in raw]
    spans: list[tuple[int, int, tuple[str, frozenset[str], float]]] = []
    for i in range(len(words)):
        exact = idx.get("=" + raw[i])
        if exact:
            spans.append((i, i + 1, exact))
        for j in range(i + 1, min(len(words), i + MAX_WORDS) + 1):
            hit = idx.get(" ".join(words[i:j]))
            if hit:
                spans.append((i, j, hit))
    found: dict[str, tuple[frozenset[str], float]] = {}
    for i, j, (name, socs, w) in spans:
        if not any(a <= i and j <= b and (a, b) != (i, j) for a, b, _ in spans):
            found[name] = (socs, w)
    return found


def tool_share(found: dict[str, tuple[frozenset[str], float]], soc: str) -> tuple[float, list[str]]:
    """Weighted share of the tools named that this code lists, and their names."""
    total = sum(w for _, w in found.values())
    mine = [(name, w) for name, (socs, w) in found.items() if soc in socs]
    if not total:
        return 0.0, []
    return sum(w for _, w in mine) / total, [n for n, _ in sorted(mine, key=lambda x: -x[1])]


def source(pack: Pack) -> dict[str, Any]:
    return pack.versions(["technology_skills"])
