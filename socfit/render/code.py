"""Text rendering of coder results (Rich)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from socfit.coder import CodeResult


def render_code(r: CodeResult) -> Group:
    t = Table(title=f"{r.title}  →  '{r.normalized_title}'", title_justify="left")
    for col in ("#", "SOC", "title", "score", "evidence"):
        t.add_column(col, overflow="fold")
    for i, c in enumerate(r.candidates, 1):
        ev = "; ".join(f"“{m.text}” ({m.source}, {m.similarity:.2f})" for m in c.matched_titles[:2])
        if c.matched_tasks:
            ev += "\n" + "\n".join(f"task: {m.task} ← “{m.duty[:60]}” ({m.similarity:.2f})" for m in c.matched_tasks[:2])
        onet = f"\nO*NET {c.onet_code} {c.onet_title}" if c.onet_title and c.onet_title != c.soc_title else ""
        t.add_row(str(i), c.soc_code, c.soc_title + onet, f"{c.score:.2f}", ev)
    parts = [t, Text("confident" if r.confident else "not confident: the top codes are close", style="bold" if r.confident else "yellow")]
    parts += [Text(f"? {q}") for q in r.questions] + [Text(f"note: {n}", style="dim") for n in r.notes]
    return Group(*parts)
