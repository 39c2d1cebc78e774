"""What a pack must satisfy before it replaces the previous one, and the counts `data status` reports.

Thresholds are deliberately low-but-nonzero: they catch an empty or truncated table (a wrong file, a
changed layout), not a new release with a few rows more or less.
"""

from __future__ import annotations

import sqlite3

COUNTS = {
    "soc_major": "SELECT COUNT(*) FROM soc_groups WHERE level='major'",
    "soc_detailed": "SELECT COUNT(*) FROM soc_groups WHERE level='detailed'",
    "onet_occupations": "SELECT COUNT(*) FROM onet_occupations",
    "alternate_titles": "SELECT COUNT(*) FROM alternate_titles",
    "reported_titles": "SELECT COUNT(*) FROM reported_titles",
    "dmtf_titles": "SELECT COUNT(*) FROM dmtf_titles",
    "tasks": "SELECT COUNT(*) FROM tasks",
    "job_zones": "SELECT COUNT(DISTINCT onet_code) FROM job_zones",
    "entry_education": "SELECT COUNT(DISTINCT soc_code) FROM entry_education WHERE education IS NOT NULL",
    "wages": "SELECT COUNT(DISTINCT soc_code) FROM wages WHERE level='detailed'",
    "cip_soc": "SELECT COUNT(*) FROM cip_soc",
    "stem_cip": "SELECT COUNT(*) FROM stem_cip",
    "cet_areas": "SELECT COUNT(*) FROM cet_areas",
}

MINIMUM = {"soc_major": 1, "soc_detailed": 1, "onet_occupations": 1, "alternate_titles": 1, "tasks": 1,
           "job_zones": 1, "cip_soc": 1, "cet_areas": 1}


def counts(con: sqlite3.Connection) -> dict[str, int]:
    out = {}
    for key, sql in COUNTS.items():
        try:
            out[key] = con.execute(sql).fetchone()[0]
        except sqlite3.Error:
            out[key] = 0
    return out


def run(con: sqlite3.Connection) -> list[str]:
    problems = [f"{k} has {v} rows" for k, v in counts(con).items() if v < MINIMUM.get(k, 0)]
    detailed = {r[0] for r in con.execute("SELECT soc_code FROM soc_groups WHERE level='detailed'")}
    orphans = con.execute("SELECT COUNT(*) FROM onet_occupations").fetchone()[0] - sum(
        1 for (s,) in con.execute("SELECT soc_code FROM onet_occupations") if s in detailed)
    if orphans:
        problems.append(f"{orphans} O*NET-SOC codes map to no SOC 2018 detailed code")
    no_def = con.execute("SELECT COUNT(*) FROM soc_groups WHERE level='detailed' AND COALESCE(definition,'')=''").fetchone()[0]
    if no_def:
        problems.append(f"{no_def} detailed SOC codes have no definition")
    return problems
