"""Charts for the advice report: inline SVG (HTML, PDF) and Unicode text charts (Markdown, text).

SVG is written by hand so the HTML stays self-contained (no JS, no external assets) and WeasyPrint can draw
it in the PDF. Only SVG presentation attributes are used, never ``style=``: the web app's Content Security
Policy (``style-src 'self'``) would block inline styles in the embedded fragment.
"""

from __future__ import annotations

from html import escape
from typing import Any

from socfit.render.reportview import d as _dict
from socfit.render.reportview import lst, num

FONT = "'DejaVu Sans', 'Noto Sans CJK KR', sans-serif"
# O*NET "Required Level of Education" categories 1-12, grouped into five readable bands.
EDU_GROUPS = (
    ("HS or less", (1, 2), "#e3ecf7"),
    ("Some college & associate", (3, 4, 5), "#a9c6e8"),
    ("Bachelor's", (6, 7), "#5b8fcf"),
    ("Master's", (8, 9), "#1f5aa6"),
    ("Doctoral & professional", (10, 11, 12), "#0b2e5c"),
)
TEXT_DARK, TEXT_LIGHT, GRID, BOX, SALARY = "#1d2633", "#ffffff", "#c9d1dc", "#5b8fcf", "#c2410c"
WAGE_KEYS = (("a_pct10", 10), ("a_pct25", 25), ("a_median", 50), ("a_pct75", 75), ("a_pct90", 90))
LABEL_W, ROW_H, WIDTH = 220, 34, 720


def education_dist(cand: dict[str, Any]) -> list[Any]:
    """A candidate's O*NET education distribution (empty when missing or malformed)."""
    return lst(_dict(_dict(cand).get("qualifications")).get("education_distribution"))


def education_groups(dist: Any) -> list[tuple[str, float]] | None:
    """Percent of workers per education band, or None when O*NET publishes no distribution."""
    by_cat: dict[int, float] = {}
    for row in lst(dist):
        row = _dict(row)
        try:
            by_cat[int(row.get("category"))] = num(row.get("percent")) or 0.0
        except (TypeError, ValueError):
            continue
    if not by_cat or sum(by_cat.values()) <= 0:
        return None
    return [(name, sum(by_cat.get(c, 0.0) for c in cats)) for name, cats, _ in EDU_GROUPS]


def wage_points(wage: dict[str, Any] | None) -> list[tuple[int, float]]:
    """The published annual percentiles as (percentile, dollars); OEWS leaves top-coded ones empty."""
    w = _dict(wage)
    return [(p, num(w.get(key))) for key, p in WAGE_KEYS if num(w.get(key)) is not None]


def _t(x: float, y: float, s: str, size: int = 11, anchor: str = "start", fill: str = TEXT_DARK,
       weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" font-family="{FONT}">{escape(s)}</text>')


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _row_label(y: float, cand: dict[str, Any]) -> str:
    code, title = str(cand.get("soc_code") or "—"), str(cand.get("soc_title") or "")
    return _t(0, y + 14, code, 11, weight="bold") + _t(0, y + 27, _clip(title, 34), 9.5)


def _svg(height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}"><title>{escape(title)}</title>{"".join(body)}</svg>')


def education_svg(cands: list[dict[str, Any]]) -> str:
    """Stacked horizontal bars: who holds which degree in each candidate occupation (O*NET)."""
    bar_w, top = WIDTH - LABEL_W - 10, 30
    body, x = [], 0.0
    for name, _, color in EDU_GROUPS:  # legend
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{color}" stroke="{GRID}"/>')
        body.append(_t(x + 14, 13, name, 9.5))
        x += 14 + 6.2 * len(name) + 12
    for i, c in enumerate(cands):
        y = top + i * ROW_H
        body.append(_row_label(y, c))
        groups = education_groups(education_dist(c))
        if groups is None:
            body.append(_t(LABEL_W, y + 20, "education distribution not published", 10, fill="#6b7280"))
            continue
        total, x = sum(p for _, p in groups), float(LABEL_W)
        for (name, p), (_, _, color) in zip(groups, EDU_GROUPS):
            w = bar_w * p / total
            if w <= 0:
                continue
            body.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="22" fill="{color}">'
                        f'<title>{escape(name)}: {p:.0f}%</title></rect>')
            if w >= 26:
                fg = TEXT_DARK if color in ("#e3ecf7", "#a9c6e8") else TEXT_LIGHT
                body.append(_t(x + w / 2, y + 20, f"{p:.0f}%", 10, "middle", fg))
            x += w
    return _svg(top + len(cands) * ROW_H + 4, body, "Education of workers in each candidate occupation")


def _nice_step(span: float) -> float:
    for step in (10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 500_000):
        if span / step <= 8:
            return step
    return 1_000_000


def _k(v: float) -> str:
    return f"${v / 1000:,.0f}k"


def wage_svg(cands: list[dict[str, Any]], salary: float | None) -> str:
    """Box-and-whisker per candidate (p10-p90 whiskers, p25-p75 box, median bar) on one dollar axis, with the
    person's salary as a dashed line: where the salary falls is seen at a glance."""
    pts = {i: wage_points(c.get("wage")) for i, c in enumerate(cands)}
    vals = [v for p in pts.values() for _, v in p] + ([float(salary)] if salary else [])
    top, plot_w, right = 24, WIDTH - LABEL_W - 90, 80
    height = top + len(cands) * ROW_H + 26
    if not vals:
        return _svg(40, [_t(0, 24, "No national wage data published for these occupations.", 11)], "Wages")
    step = _nice_step(max(vals) - min(vals) or max(vals))
    lo, hi = (min(vals) // step) * step, (max(vals) // step + 1) * step
    sx = lambda v: LABEL_W + plot_w * (v - lo) / (hi - lo)  # noqa: E731
    body, axis_y = [], top + len(cands) * ROW_H + 4
    tick = lo
    while tick <= hi:
        body.append(f'<line x1="{sx(tick):.1f}" y1="{top}" x2="{sx(tick):.1f}" y2="{axis_y}" stroke="{GRID}" '
                    f'stroke-width="0.6"/>')
        body.append(_t(sx(tick), axis_y + 14, _k(tick), 9, "middle", "#4b5563"))
        tick += step
    body.append(_t(WIDTH - right + 10, top - 8, "median", 9.5, fill="#4b5563"))
    for i, c in enumerate(cands):
        y = top + i * ROW_H
        body.append(_row_label(y, c))
        body.extend(_wage_row(pts[i], y + ROW_H / 2, sx, _dict(c.get("wage")), WIDTH - right + 10))
    if salary:
        x = sx(float(salary))
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="{SALARY}" '
                    f'stroke-width="1.6" stroke-dasharray="4 3"/>')
        body.append(_t(x, top - 8, f"salary ${float(salary):,.0f}", 9.5, "middle", SALARY, "bold"))
    return _svg(height, body, "National wage percentiles (OEWS) and the salary")


def _wage_row(pts: list[tuple[int, float]], cy: float, sx, wage: dict[str, Any], text_x: float) -> list[str]:
    if not pts:
        return [_t(LABEL_W, cy + 4, "wages not published", 10, fill="#6b7280")]
    d = dict(pts)
    out = [f'<line x1="{sx(pts[0][1]):.1f}" y1="{cy}" x2="{sx(pts[-1][1]):.1f}" y2="{cy}" stroke="{TEXT_DARK}" '
           f'stroke-width="1.2"/>']
    for p in (10, 90):
        if p in d:
            out.append(f'<line x1="{sx(d[p]):.1f}" y1="{cy - 6}" x2="{sx(d[p]):.1f}" y2="{cy + 6}" '
                       f'stroke="{TEXT_DARK}" stroke-width="1.2"/>')
    if 25 in d and 75 in d:
        out.append(f'<rect x="{sx(d[25]):.1f}" y="{cy - 8}" width="{sx(d[75]) - sx(d[25]):.1f}" height="16" '
                   f'fill="{BOX}" fill-opacity="0.35" stroke="{BOX}"/>')
    if 50 in d:
        out.append(f'<line x1="{sx(d[50]):.1f}" y1="{cy - 9}" x2="{sx(d[50]):.1f}" y2="{cy + 9}" '
                   f'stroke="#0b2e5c" stroke-width="2.5"/>')
    label = _k(d[50]) if 50 in d else "—"
    if wage.get("top_coded") and 90 not in d:
        label += " (top-coded)"
    out.append(_t(text_x, cy + 4, label, 10))
    return out


def meter_svg(value: float | None, width: int = 64) -> str:
    """A tiny 0..1 bar next to a score in the side-by-side table."""
    if value is None:
        return ""
    v = max(0.0, min(1.0, float(value)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="6" viewBox="0 0 {width} 6" '
            f'aria-hidden="true"><rect width="{width}" height="6" rx="2" fill="#e5e7eb"/>'
            f'<rect width="{width * v:.1f}" height="6" rx="2" fill="{BOX}"/></svg>')


# ---------------------------------------------------------------- text charts (Markdown, terminal)
EDU_CHARS = "·░▒▓█"  # one shade per education band, lightest = least education


def education_bar(dist: list[dict[str, Any]] | None, width: int = 30) -> str:
    """The education mix as one line of shaded blocks (largest-remainder rounding keeps the width exact)."""
    groups = education_groups(dist)
    if groups is None:
        return "not published"
    total = sum(p for _, p in groups)
    raw = [width * p / total for _, p in groups]
    n = [int(r) for r in raw]
    for k in sorted(range(len(raw)), key=lambda k: n[k] - raw[k])[: width - sum(n)]:
        n[k] += 1
    return "".join(ch * k for ch, k in zip(EDU_CHARS, n))


def education_legend() -> str:
    return "  ".join(f"{ch} {name}" for ch, (name, _, _) in zip(EDU_CHARS, EDU_GROUPS))


def wage_scale(cands: list[dict[str, Any]], salary: float | None) -> tuple[float, float] | None:
    """The dollar range shared by all wage lines, so they can be compared."""
    vals = [v for c in cands for _, v in wage_points(c.get("wage"))] + ([float(salary)] if salary else [])
    if not vals:
        return None
    return min(vals), max(vals)


def wage_line(wage: dict[str, Any] | None, salary: float | None, scale: tuple[float, float],
              width: int = 40) -> str:
    """├ p10 ─ ═ p25-p75 ═ ┃ median ┤ p90, with ◆ at the salary, on the shared scale."""
    pts = wage_points(wage)
    if not pts:
        return "not published".ljust(width)
    lo, hi = scale
    pos = lambda v: round((width - 1) * (v - lo) / ((hi - lo) or 1))  # noqa: E731
    cells = [" "] * width
    for k in range(pos(pts[0][1]), pos(pts[-1][1]) + 1):
        cells[k] = "─"
    d = dict(pts)
    if 25 in d and 75 in d:
        for k in range(pos(d[25]), pos(d[75]) + 1):
            cells[k] = "═"
    for p, ch in ((10, "├"), (90, "┤"), (50, "┃")):
        if p in d:
            cells[pos(d[p])] = ch
    if salary:
        cells[pos(float(salary))] = "◆"
    return "".join(cells)


WAGE_LEGEND = "├ p10  ═ p25–p75  ┃ median  ┤ p90  ◆ salary"
