"""Jinja2 set-up for the pages: autoescaping everywhere, and the small formatting helpers templates use.

Every value from a person (or from the data) reaches HTML through autoescaping; the only Markup built here
is in ``mark_shared``, which escapes each piece before wrapping shared words in <mark>.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from socfit import __version__

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

STOP = set("""a an and the of to in for on with by from at as or into using use used such other others their its
this that these those be is are was were will may can all any more most through than per via e g eg etc
work works working""".split())


def _stem(w: str) -> str:
    w = w.lower()
    for suf in ("ing", "ed", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    return w[:6]


def mark_shared(text: Any, other: Any) -> Markup:
    """``text`` escaped, with the words it shares with ``other`` (by a crude stem) wrapped in <mark>."""
    text, other = str(text or ""), str(other or "")
    keys = {_stem(w) for w in re.findall(r"[A-Za-z]{3,}", other) if w.lower() not in STOP}
    out = []
    for piece in re.split(r"([A-Za-z]{3,})", text):
        if piece and piece.isalpha() and piece.lower() not in STOP and _stem(piece) in keys:
            out.append(Markup("<mark>%s</mark>") % piece)
        else:
            out.append(escape(piece))
    return Markup("").join(out)


def pct(x: Any) -> str:
    return "—" if x is None else f"{float(x) * 100:.0f}%"


def money(x: Any) -> str:
    return "—" if x is None else f"${float(x):,.0f}"


def kmoney(x: Any) -> str:
    return "—" if x is None else f"${float(x) / 1000:,.0f}k"


def num(x: Any) -> str:
    return "—" if x is None else f"{float(x):,.0f}"


def when(ts: Any) -> str:
    try:
        return datetime.fromisoformat(str(ts)).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(ts)


def edu_short(label: str) -> str:
    return str(label).split(" - ")[0].split(" (")[0]


def wage_scale(wages: list[dict | None]) -> tuple[float, float] | None:
    """One scale for several wage charts, so candidates side by side are comparable at a glance."""
    vals = [w[k] for w in wages if w for k in ("a_pct10", "a_pct90", "salary") if w.get(k)]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.04 or hi * 0.1 or 1
    return lo - pad, hi + pad


def wage_geo(w: dict | None, scale: tuple[float, float] | None, width: int = 280) -> dict | None:
    if not w or not scale or not w.get("a_pct10") or not w.get("a_pct90"):
        return None
    lo, hi = scale
    x = lambda v: None if v is None else round(18 + (float(v) - lo) / (hi - lo) * (width - 36), 1)
    g = {"width": width, "p10": x(w["a_pct10"]), "p25": x(w.get("a_pct25")), "median": x(w.get("a_median")),
         "p75": x(w.get("a_pct75")), "p90": x(w["a_pct90"]), "salary": x(w.get("salary"))}
    g["p10"] = min(g["p10"], g["p90"] - 1)  # a degenerate range still draws
    room = lambda a, b: a is not None and b is not None and abs(a - b) >= 34  # labels ~30 px wide at 10 px type
    g["label_median"] = room(g["median"], g["p10"]) and room(g["median"], g["p90"])
    g["label_ends"] = room(g["p10"], g["p90"])
    return g


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(mark=mark_shared, pct=pct, money=money, kmoney=kmoney, num=num, when=when,
                       edu_short=edu_short, jsonattr=lambda v: json.dumps(v, ensure_ascii=False))
    env.globals.update(wage_geo=wage_geo, version=__version__)
    return env
