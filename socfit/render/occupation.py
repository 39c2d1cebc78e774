"""Text rendering of an occupation card (Rich)."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from socfit.assess.occupation import OccupationCard


def money(v: float | None) -> str:
    return f"${v:,.0f}" if v is not None else "—"


def pct(v: float | None) -> str:
    return f"{v * 100:.0f}%" if v is not None else "—"


def render_card(c: OccupationCard) -> Group:
    parts: list = []
    if c.notice:
        parts.append(Panel(Text(c.notice), title="Retired code", border_style="yellow"))
    head = Text()
    head.append(f"{c.soc_code}  {c.title}\n", style="bold")
    if c.onet_title and c.onet_title != c.title:
        head.append(f"O*NET {c.onet_code}: {c.onet_title}\n", style="cyan")
    head.append(" > ".join(f"{h['soc_code']} {h['title']}" for h in c.hierarchy) + "\n", style="dim")
    head.append(c.definition or c.onet_description)
    parts.append(Panel(head, title="SOC 2018"))

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Job Zone (O*NET 30.3)", f"{c.job_zone or '—'}  {c.job_zone_name or ''}")
    facts.add_row("Typical entry education (BLS)", c.entry_education or "— (not a separate EP line item)")
    facts.add_row("Experience / training (BLS)", f"{c.entry_experience or '—'} / {c.entry_training or '—'}")
    facts.add_row("Workers needing master's or more", pct(c.advanced_degree_share))
    facts.add_row("Workers needing bachelor's or more", pct(c.bachelor_or_more_share))
    facts.add_row("OFLC education / Job Zone (5-level)",
                  f"{c.oflc['education'] or '—'} / {c.oflc['job_zone_5_level'] or '—'}"
                  + ("  (Appendix A)" if c.oflc["appendix_a"] else ""))
    w = c.wages
    if w:
        note = f" (OEWS reports it under {w['reported_under']})" if w["reported_under"] else ""
        facts.add_row("National wages (OEWS)",
                      f"median {money(w['a_median'])}, 10th–90th {money(w['a_pct10'])}–{money(w['a_pct90'])}, "
                      f"employment {w['employment']:,.0f}{note}" if w["employment"] else f"median {money(w['a_median'])}")
    else:
        facts.add_row("National wages (OEWS)", "— not published for this code")
    if c.is_residual:
        facts.add_row("Note", "an 'All Other' residual code: officers read it as vague; name the specific O*NET occupation")
    parts.append(Panel(facts, title="Qualifications and wages"))

    if c.tasks:
        tt = Text()
        for t in c.tasks:
            tt.append(f"• {t['task']}\n")
        parts.append(Panel(tt, title=f"Top tasks (O*NET {c.onet_code})"))
    extra = Table.grid(padding=(0, 2))
    extra.add_column(style="bold")
    extra.add_column()
    if c.alternate_titles:
        extra.add_row("Alternate titles", "; ".join(c.alternate_titles[:10]))
    if c.related:
        extra.add_row("Related", "; ".join(f"{r['onet_code']} {r['title']}" for r in c.related[:6]))
    if c.cip_programs:
        stem = sum(p["stem"] for p in c.cip_programs)
        extra.add_row("CIP programs", f"{len(c.cip_programs)} linked, {stem} on the DHS STEM list: " +
                      "; ".join(f"{p['cip_code']} {p['title']}{' (STEM)' if p['stem'] else ''}" for p in c.cip_programs[:6]))
    if len(c.onet_occupations) > 1:
        extra.add_row("O*NET occupations", "; ".join(f"{o['onet_code']} {o['title']}" for o in c.onet_occupations))
    parts.append(Panel(extra, title="Titles, programs, related"))
    ver = "; ".join(sorted({f"{v['source']} {v['version']}" for v in c.data_versions.values()}))
    parts.append(Text(f"Data: {ver}", style="dim"))
    return Group(*parts)
