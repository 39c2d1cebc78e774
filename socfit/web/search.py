"""Search-as-you-type over SOC codes and titles, O*NET occupations, alternate and reported titles.

Built once per pack in memory (~65,000 titles, a few MB): a sorted list for prefix matches (bisect) and one
lower-cased blob for substring matches (``str.find`` is a fast C scan), so a keystroke costs about a
millisecond. Ranking: exact, then prefix, then word-start, then anywhere; SOC titles before O*NET
titles before alternate titles; shorter first. One row per SOC code, with the text that matched.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from socfit.pack.store import Pack

KIND_RANK = {"soc": 0, "onet": 1, "reported": 2, "alternate": 3}
MAX_SCAN = 3000


@dataclass(frozen=True)
class Entry:
    soc_code: str
    text: str
    kind: str


class TitleSearch:
    def __init__(self, pack: Pack):
        self.soc_titles = {r[0]: r[1] for r in pack.rows(
            "SELECT soc_code, title FROM soc_groups WHERE level='detailed' ORDER BY soc_code")}
        entries = [Entry(c, t, "soc") for c, t in self.soc_titles.items()]
        entries += [Entry(r[0], r[1], "onet") for r in pack.rows("SELECT soc_code, title FROM onet_occupations")]
        for table, kind in (("reported_titles", "reported"), ("alternate_titles", "alternate")):
            if pack.has_table(table):
                entries += [Entry(r[0][:7], r[1], kind) for r in pack.rows(f"SELECT DISTINCT onet_code, title FROM {table}")]
        self.entries = [e for e in entries if e.soc_code in self.soc_titles and e.text]
        lows = [" ".join(e.text.lower().split()) for e in self.entries]
        self.lows = lows
        self.sorted = sorted(range(len(lows)), key=lambda i: lows[i])
        self.sorted_keys = [lows[i] for i in self.sorted]
        self.blob = "\n".join(lows)
        self.starts = []
        at = 0
        for s in lows:
            self.starts.append(at)
            at += len(s) + 1
        self.codes = sorted(self.soc_titles)

    def search(self, q: str, limit: int = 20) -> list[dict[str, str]]:
        q = " ".join((q or "").lower().split())[:100]
        if not q:
            return []
        if re.fullmatch(r"[\d\-.\s]+", q):
            return self._codes(re.sub(r"\D", "", q), limit)
        hits: dict[int, tuple] = {}
        i = bisect.bisect_left(self.sorted_keys, q)
        while i < len(self.sorted) and self.sorted_keys[i].startswith(q) and len(hits) < MAX_SCAN:
            k = self.sorted[i]
            hits[k] = self._rank(k, 0)
            i += 1
        pos, scanned = self.blob.find(q), 0
        while pos != -1 and scanned < MAX_SCAN:
            k = bisect.bisect_right(self.starts, pos) - 1
            off = pos - self.starts[k]
            if "\n" not in q and k not in hits:
                hits[k] = self._rank(k, off)
            scanned += 1
            pos = self.blob.find(q, pos + 1)
        best: dict[str, tuple] = {}
        for k, rank in hits.items():
            e = self.entries[k]
            rank = (self.lows[k] != q, *rank)
            if e.soc_code not in best or rank < best[e.soc_code][0]:
                best[e.soc_code] = (rank, e)
        out = sorted(best.values(), key=lambda x: x[0])[:limit]
        return [{"soc_code": e.soc_code, "title": self.soc_titles[e.soc_code], "matched": e.text, "source": e.kind}
                for _, e in out]

    def _rank(self, k: int, off: int) -> tuple:
        low = self.lows[k]
        where = 0 if off == 0 else (1 if not low[off - 1].isalnum() else 2)
        return where, KIND_RANK[self.entries[k].kind], len(low), low

    def _codes(self, digits: str, limit: int) -> list[dict[str, str]]:
        if not digits:
            return []
        out = [c for c in self.codes if c.replace("-", "").startswith(digits[:6])][:limit]
        return [{"soc_code": c, "title": self.soc_titles[c], "matched": c, "source": "code"} for c in out]


def get_search(pack: Pack) -> TitleSearch:
    return pack.cached("web_title_search", lambda: TitleSearch(pack))
