"""The advice report in text, JSON, Markdown, HTML and PDF (docs/advisor.md, "Reports").

All formats show the same things in the same order: recommendation, candidates side by side, the two charts,
evidence per candidate, risk flags, clarifying questions, Form I-140 Part 6 with the ETA-9089 fields and the
consistency checks, notes, sources. ``reportview.build`` prepares the values once; this module only lays
them out.

Charts: HTML and PDF get inline SVG (``charts``). Markdown and text get Unicode block charts, because GitHub
and most Markdown viewers strip SVG and data URIs: the education mix is a 30-character bar of five shades
(``· ░ ▒ ▓ █``, least to most education) and wages are a 40-character line on one dollar scale shared by all
candidates (``├`` p10, ``═`` p25-p75, ``┃`` median, ``┤`` p90, ``◆`` the salary).
"""

from __future__ import annotations

import json
import textwrap
import unicodedata
from functools import lru_cache
from importlib.resources import files
from typing import Any

from markupsafe import Markup

from socfit.render import charts
from socfit.render.reportview import DASH, build, d

FORMATS = ("text", "json", "md", "html", "pdf")
WIDTH = 100  # text report width


def render(advice: dict[str, Any], fmt: str) -> str | bytes:
    """The report in one of FORMATS; pdf is bytes, the others str."""
    if fmt == "json":
        return json.dumps(advice, indent=2, ensure_ascii=False)
    fns = {"text": render_text, "md": render_markdown, "html": render_html, "pdf": render_pdf}
    if fmt not in fns:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fns[fmt](advice)


# ---------------------------------------------------------------- HTML and PDF
@lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("socfit.render", "templates"),
                              autoescape=True)


@lru_cache(maxsize=1)
def report_css() -> str:
    """The report's stylesheet: inlined in the standalone page; the web app serves it for the fragment (its
    Content Security Policy forbids inline styles)."""
    return files("socfit.render").joinpath("templates/report.css").read_text(encoding="utf-8")


def render_html(advice: dict[str, Any], standalone: bool = True) -> str:
    """A self-contained HTML page (inline CSS and SVG, no scripts, no external assets), or with
    ``standalone=False`` only the ``<div class="socfit-report">`` fragment, for embedding."""
    v = build(advice)
    body = _env().get_template("report.html").render(
        v=v, charts={"education": Markup(charts.education_svg(v["cands"])),
                     "wages": Markup(charts.wage_svg(v["cands"], v["salary"]))},
        meter=lambda x: Markup(charts.meter_svg(x)))
    if not standalone:
        return body
    title = Markup.escape(f"socfit NIW report: {v['job_title']}")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f'<style>\nbody {{ margin: 24px; background: #fff; }}\n{report_css()}</style>\n</head>\n'
            f'<body>\n{body}\n</body>\n</html>\n')


def render_pdf(advice: dict[str, Any]) -> bytes:
    """The HTML report printed by WeasyPrint (Letter, page numbers; no network: nothing external to fetch)."""
    import weasyprint

    return weasyprint.HTML(string=render_html(advice), base_url=None).write_pdf()


# ---------------------------------------------------------------- Markdown
def _md(x: Any) -> str:
    """User text made inert in Markdown: HTML escaped (Markdown passes raw HTML through), Markdown
    punctuation and table pipes backslashed, newlines flattened."""
    t = str(x).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|#":
        t = t.replace(ch, "\\" + ch)
    return " ".join(t.split())


def _md_code(x: Any) -> str:
    """An identifier as inline code; anything else (backticks, pipes, markup) as escaped plain text, since
    backslash escapes do not work inside a code span."""
    t = str(x)
    return f"`{t}`" if t and all(ch.isalnum() or ch in "_-.[]" for ch in t) else _md(t)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def render_markdown(advice: dict[str, Any]) -> str:
    """GitHub-flavoured Markdown. Charts are Unicode text (see the module docstring)."""
    v = build(advice)
    out = [f"# NIW occupation report: {_md(v['job_title'])}", ""]
    out += [f"- **{k}:** {_md(val)}" for k, val in v["facts"]]
    out += ([f"- **Proposed endeavor:** {_md(v['endeavor'])}"] if v["endeavor"] else []) + [""]
    out += _md_recommendation(v)
    if v["cands"]:
        out += _md_candidates(v) + _md_charts(v) + _md_evidence(v)
    out += _md_flags(v) + _md_questions(v) + _md_part6(v)
    if v["notes"]:
        out += ["## Notes", ""] + [f"- {_md(n)}" for n in v["notes"]] + [""]
    out += ["## Sources and data versions", ""]
    out += _md_table(["Source", "Version", "Tables"], [[_md(s["source"]), _md(s["version"]), _md(s["tables"])]
                                                        for s in v["sources"]]) if v["sources"] else ["—"]
    out += ["", "---", ""] + [f"**{_md(line)}**" for line in v["disclaimers"]]
    out += ["", _md(v["credit"]), "", f"socfit {_md(v['version'])}", ""]
    return "\n".join(out)


def _md_recommendation(v: dict[str, Any]) -> list[str]:
    r = v["rec"]
    out = ["## Recommendation", ""]
    if not r["present"]:
        return out + ["No recommendation was made.", ""]
    out += [f"**{_md(r['code'])} {_md(r['title'])}** (O\\*NET-SOC {_md(r['onet'])})", "", _md(r["reason"]), ""]
    out += [f"> **⚠ High risk:** {_md(f['message'])}\n" for f in r["high"]]
    if r["tradeoff"]:
        out += [f"**Trade-off:** {_md(r['tradeoff'])}", ""]
    if r["runner_up"]:
        out += [f"- Runner-up: {_md(r['runner_up'])}"]
    return out + [f"- Fit tolerance: {r['tolerance']}", f"- Risk flags: {r['flags']}", ""]


def _head_md(h: dict[str, Any]) -> str:
    star = " ★ recommended" if h["recommended"] else ""
    return f"#{_md(h['rank'])} **{_md(h['code'])}** {_md(h['title'])}{star}"


def _md_candidates(v: dict[str, Any]) -> list[str]:
    head = ["Criterion"] + [_head_md(h) for h in v["heads"]]
    rows = [["O\\*NET-SOC"] + [_md(h["onet"]) for h in v["heads"]]]
    rows += [[label] + [_md(c.text) for c in cells] for label, cells in v["rows"]]
    return ["## Candidates side by side", ""] + _md_table(head, rows) + [""]


def _md_charts(v: dict[str, Any]) -> list[str]:
    out = ["## Education and wages at a glance", "", "Highest education of workers (O\\*NET):", ""]
    names = [name for name, _, _ in charts.EDU_GROUPS]
    rows = []
    for h, c in zip(v["heads"], v["cands"]):
        dist = charts.education_dist(c)
        groups = charts.education_groups(dist)
        pcts = [f"{p:.0f}%" for _, p in groups] if groups else [DASH] * len(names)
        rows.append([f"{_md(h['code'])}"] + pcts + [f"`{charts.education_bar(dist)}`"])
    out += _md_table(["Code"] + names + ["Mix"], rows)
    out += ["", f"Mix: `{charts.education_legend()}`", "", "National annual wages (BLS OEWS), one scale:", ""]
    return out + ["```"] + _wage_lines(v) + ["```", ""]


def _wage_lines(v: dict[str, Any]) -> list[str]:
    scale = charts.wage_scale(v["cands"], v["salary"])
    if scale is None:
        return ["No national wage data published for these occupations."]
    lines = []
    for h, c in zip(v["heads"], v["cands"]):
        w = d(c.get("wage"))
        lines.append(f"{' '.join(h['code'].split()):<9}{charts.wage_line(w, v['salary'], scale)}  "
                     f"median {_money_k(w.get('a_median'))}")
    lo, hi = f"${scale[0]:,.0f}", f"${scale[1]:,.0f}"
    lines.append(" " * 9 + lo + " " * max(1, 40 - len(lo) - len(hi)) + hi)
    return lines + [charts.WAGE_LEGEND + (f"  (salary ${v['salary']:,.0f})" if v["salary"] else "")]


def _money_k(x: Any) -> str:
    return f"${x / 1000:,.0f}k" if isinstance(x, (int, float)) else "not published"


def _md_evidence(v: dict[str, Any]) -> list[str]:
    out = ["## Evidence per candidate", ""]
    for h, e in zip(v["heads"], v["evidence"]):
        out += [f"### {_head_md(h)}", "", f"O\\*NET-SOC {_md(h['onet'])}" + ("" if h["supported"] else
                                                                            " · not supported by the duties"), ""]
        if e["definition"]:
            out += [f"*{_md(e['definition'])}*", ""]
        if e["tasks"]:
            out += _md_table(["The person's duty", "Closest O\\*NET task", "Similarity"],
                             [[_md(d), _md(t), sim] for d, t, sim in e["tasks"]]) + [""]
        else:
            out += ["No duty matched a task of this occupation.", ""]
        if e["uncovered"]:
            out += ["Duties not covered:", ""] + [f"- {_md(u)}" for u in e["uncovered"]] + [""]
        if e["tools"]:
            out += ["Tools in the duties that O\\*NET lists for this occupation: " + ", ".join(map(_md, e["tools"])), ""]
        if e["titles"]:
            titles = "; ".join(f"“{_md(t)}” ({_md(src)}, {sim})" for t, src, sim in e["titles"])
            out += [f"Titles matched: {titles}", ""]
        if e["cet"]:
            out += ["CET areas: " + "; ".join(f"{_md(a)} ({_md(w)})" if w else _md(a) for a, w in e["cet"]), ""]
        out += [f"- **{k}:** {_md(why)}" + (f" — {_md(src)}" if src else "") for k, why, src in e["reasons"]]
        out += [f"- **Flag ({_md(f['severity'])}):** {_md(f['message'])}" for f in e["flags"]] + [""]
    return out


def _md_flags(v: dict[str, Any]) -> list[str]:
    out = ["## Risk flags", ""]
    if not v["flags"]:
        return out + ["No risk flags.", ""]
    rows = [[("**⚠ HIGH**" if f["severity"] == "high" else _md(f["severity"])),
             _md_code(f["code"]) + (f" ({_md(f['soc_code'])})" if f["soc_code"] else ""),
             _md(f["message"]), _md(f["action"])] for f in v["flags"]]
    return out + _md_table(["Severity", "Flag", "What socfit found", "What to do"], rows) + [""]


def _md_questions(v: dict[str, Any]) -> list[str]:
    if not v["questions"]:
        return []
    out = ["## Clarifying questions", ""]
    for i, q in enumerate(v["questions"], 1):
        out += [f"{i}. {_md(q['text'])}"]
        out += [f"   - {_md(label)}" + (f" (points to {_md(code)})" if code else "") for label, code in q["options"]]
    return out + [""]


def _md_part6(v: dict[str, Any]) -> list[str]:
    p = v["part6"]
    b = p["boxes"]
    source = f" ({_md(p['job_title_source'])})" if p["job_title_source"] else ""
    rows = [["1. Job title", _md(p["job_title"]) + source],
            ["2. SOC code", f"{_md_code(f'[{b[0]}]-[{b[1]}]')} ({_md(p['code'])})"],
            ["3. Nontechnical job description", f"{_md(p['description'])} ({p['description_chars']} characters)"]]
    out = ["## Form I-140, Part 6 (draft)", ""] + _md_table(["Item", "Value"], rows)
    out += ["", "### Form ETA-9089 fields", ""]
    out += _md_table(["Field", "Value"], [[k, _md(val)] for k, val in p["eta"]]) + ["", "### Consistency checks", ""]
    checks = [[(f"**{_md(k['status'].upper())}**" if k["status"] != "ok" else "ok"), _md(k["check"]), _md(k["message"])]
              for k in p["checks"]]
    return out + (_md_table(["Status", "Check", "Message"], checks) if checks else ["—"]) + [""]


# ---------------------------------------------------------------- plain text
def _dw(t: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in t)


def _fit(t: str, width: int) -> list[str]:
    """Wrap to a display width (textwrap counts characters, so wide CJK lines are split again)."""
    out = []
    for line in textwrap.wrap(t, width) or [""]:
        while _dw(line) > width:
            k = len(line)
            while _dw(line[:k]) > width:
                k -= 1
            out.append(line[:k])
            line = line[k:]
        out.append(line)
    return out


def _pad(t: str, width: int) -> str:
    return t + " " * max(0, width - _dw(t))


def _para(t: str, indent: int = 2, first: str = "") -> list[str]:
    """A wrapped paragraph with a hanging label (``first``)."""
    pre = " " * indent + first
    if _dw(pre) > WIDTH // 2:  # a very long label: on lines of its own, the text indented below it
        return [" " * indent + ln for ln in _fit(first, WIDTH - indent)] + _para(t, indent + 4)
    lines = _fit(t, WIDTH - _dw(pre))
    return [pre + lines[0]] + [" " * _dw(pre) + ln for ln in lines[1:]]


def _section(title: str) -> list[str]:
    return ["", title.upper(), "─" * WIDTH]


def _grid(head: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    out = []
    for k, row in enumerate([head] + rows):
        cells = [_fit(c, w) for c, w in zip(row, widths)]
        for i in range(max(len(c) for c in cells)):
            out.append("  ".join(_pad(c[i] if i < len(c) else "", w) for c, w in zip(cells, widths)).rstrip())
        if k == 0:
            out.append("  ".join("─" * w for w in widths))
    return out


def render_text(advice: dict[str, Any]) -> str:
    """A plain-text report about 100 columns wide, for a terminal or an e-mail."""
    v = build(advice)
    out = ["SOCFIT · EB-2 NIW OCCUPATION REPORT", *_fit(v["job_title"], WIDTH)]
    out += [line for k, val in v["facts"] for line in _para(val, 0, f"{k}: ")]
    out += _para(v["endeavor"], 0, "Proposed endeavor: ") if v["endeavor"] else []
    out += _text_recommendation(v)
    if v["cands"]:
        out += _text_candidates(v) + _text_charts(v) + _text_evidence(v)
    out += _text_flags(v) + _text_questions(v) + _text_part6(v)
    if v["notes"]:
        out += _section("Notes") + [ln for n in v["notes"] for ln in _para(n, 2, "• ")]
    out += _section("Sources and data versions")
    for s in v["sources"]:
        out += _para(f"{s['version']} — tables: {s['tables']}", 2, f"{s['source']}: ")
    out += ["", "─" * WIDTH] + [ln for d in v["disclaimers"] for ln in _fit(d, WIDTH)]
    out += _fit(v["credit"], WIDTH) + [f"socfit {v['version']}"]
    return "\n".join(out) + "\n"


def _text_recommendation(v: dict[str, Any]) -> list[str]:
    r = v["rec"]
    out = _section("Recommendation")
    if not r["present"]:
        return out + ["  No recommendation was made."]
    out += [f"  ► {r['code']}  {r['title']}", f"    O*NET-SOC {r['onet']}", ""]
    out += _para(r["reason"], 2, "Why: ")
    out += [ln for f in r["high"] for ln in _para(f["message"], 2, "!! HIGH RISK: ")]
    if r["tradeoff"]:
        out += _para(r["tradeoff"], 2, "Trade-off: ")
    return out + [f"  Risk flags: {r['flags']} · fit tolerance {r['tolerance']}"]


def _text_candidates(v: dict[str, Any]) -> list[str]:
    """Side by side, at most four candidates per block so the table fits 100 columns."""
    out = _section("Candidates side by side")
    label_w = 22
    for start in range(0, len(v["heads"]), 4):
        heads = v["heads"][start:start + 4]
        col_w = (WIDTH - label_w - 2 * len(heads)) // len(heads)
        head = [""] + [f"#{h['rank']} {h['code']}{' ★' if h['recommended'] else ''} {h['title']}" for h in heads]
        rows = [["O*NET-SOC"] + [h["onet"] for h in heads]]
        rows += [[label] + [c.text for c in cells[start:start + 4]] for label, cells in v["rows"]]
        out += _grid(head, rows, [label_w] + [col_w] * len(heads)) + [""]
    return out + ["  ★ recommended. Supported: fit within the tolerance of the best, and half of the duties",
                  "    covered (or as many as the best-covered code)."]


def _text_charts(v: dict[str, Any]) -> list[str]:
    out = _section("Education and wages at a glance") + ["  Highest education of workers (O*NET):"]
    for h, c in zip(v["heads"], v["cands"]):
        dist = charts.education_dist(c)
        groups = charts.education_groups(dist)
        nums = " ".join(f"{p:>3.0f}%" for _, p in groups) if groups else ""
        out.append(f"  {h['code']:<9}{charts.education_bar(dist):<30}  {nums}")
    out += ["  " + charts.education_legend(), "", "  National annual wages (BLS OEWS), one scale:"]
    return out + ["  " + ln for ln in _wage_lines(v)]


def _text_evidence(v: dict[str, Any]) -> list[str]:
    out = _section("Evidence per candidate")
    for h, e in zip(v["heads"], v["evidence"]):
        tags = ("recommended, " if h["recommended"] else "") + ("supported" if h["supported"] else "not supported")
        out += ["", f"#{h['rank']} {h['code']} {h['title']} ({tags})", f"  O*NET-SOC {h['onet']}"]
        if e["definition"]:
            out += _para(e["definition"], 2, "Definition: ")
        out += ["  Duties matched to O*NET tasks (similarity):"] if e["tasks"] else ["  No duty matched a task."]
        for duty, task, sim in e["tasks"]:
            out += _para(duty, 4, "• ") + _para(f"{task} ({sim})", 6, "→ ")
        if e["uncovered"]:
            out += ["  Duties not covered:"] + [ln for u in e["uncovered"] for ln in _para(u, 4, "• ")]
        if e["tools"]:
            out += _para(", ".join(e["tools"]), 2, "Tools O*NET lists for it: ")
        if e["titles"]:
            out += _para("; ".join(f"“{t}” ({src}, {sim})" for t, src, sim in e["titles"]), 2, "Titles matched: ")
        if e["cet"]:
            out += _para("; ".join(f"{a} ({w})" if w else a for a, w in e["cet"]), 2, "CET areas: ")
        for k, why, src in e["reasons"]:
            out += _para(why + (f" — {src}" if src else ""), 2, f"{k}: ")
        for f in e["flags"]:
            out += _para(f["message"], 2, f"Flag ({f['severity']}): ")
    return out


def _text_flags(v: dict[str, Any]) -> list[str]:
    out = _section("Risk flags")
    if not v["flags"]:
        return out + ["  No risk flags."]
    for f in v["flags"]:
        sev = f"!! {f['severity'].upper()}" if f["severity"] == "high" else f["severity"]
        where = f" ({f['soc_code']})" if f["soc_code"] else ""
        out += _fit(f"  [{sev}] {f['code']}{where}", WIDTH) + _para(f["message"], 4) + _para(f["action"], 4, "What to do: ")
    return out


def _text_questions(v: dict[str, Any]) -> list[str]:
    if not v["questions"]:
        return []
    out = _section("Clarifying questions")
    for i, q in enumerate(v["questions"], 1):
        out += _para(q["text"], 2, f"{i}. ")
        out += [ln for label, code in q["options"] for ln in
                _para(label + (f" (points to {code})" if code else ""), 5, "○ ")]
    return out


def _text_part6(v: dict[str, Any]) -> list[str]:
    p = v["part6"]
    b = p["boxes"]
    out = _section("Form I-140, Part 6 (draft)")
    out += _para(p["job_title"], 2, "Item 1. Job title:   ")
    if p["job_title_source"]:
        out += _para(f"({p['job_title_source']})", 23)
    out += [f"  Item 2. SOC code:    [{b[0]}]-[{b[1]}]   ({p['code']})"]
    out += [f"  Item 3. Nontechnical job description ({p['description_chars']} characters):"]
    out += _para(p["description"], 4)
    out += ["", "  ETA-9089:"] + [ln for k, val in p["eta"] for ln in _para(val, 4, f"{k}: ")]
    out += ["", "  Consistency checks:"]
    for k in p["checks"]:
        out += _para(k["message"], 4, f"[{k['status'].upper():<4}] {k['check']}: ")
    return out
