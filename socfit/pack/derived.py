"""Tables socfit derives from the official ones at build time (documented in docs/data.md)."""

from __future__ import annotations

import sqlite3

from socfit.sources.base import Table, cols


def tables(con: sqlite3.Connection) -> list[Table]:
    out = []
    have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if {"isco_soc2010", "soc2010_to_2018"} <= have:
        # ISCO-08 -> SOC 2010 (BLS) chained with SOC 2010 -> 2018; a row is partial when either link is.
        rows = con.execute(
            """
            SELECT DISTINCT i.isco_code, i.isco_title, x.soc2018, x.soc2018_title,
                   CASE WHEN i.partial = 1 OR (SELECT COUNT(DISTINCT soc2018) FROM soc2010_to_2018 y
                                               WHERE y.soc2010 = i.soc2010) > 1 THEN 1 ELSE 0 END
            FROM isco_soc2010 i JOIN soc2010_to_2018 x ON x.soc2010 = i.soc2010
            ORDER BY i.isco_code, x.soc2018
            """
        ).fetchall()
        out.append(Table("isco_soc2018", cols("isco_code, isco_title, soc_code, soc_title, partial:INTEGER"), rows,
                         indexes=["isco_code", "soc_code"], version="ISCO-08 -> SOC 2010 -> SOC 2018 (chained)"))
    return out
