"""BLS OEWS national cross-industry wages (May 2025): employment, mean and percentiles per SOC code.

Reads either the staged CSV (extracted from the BLS time-series flat files) or the official national
workbook ``national_M2025_dl.xlsx`` that ``socfit data download`` fetches from ``oesm25nat.zip``.
Top-coded and suppressed values are stored as NULL with the footnote kept, never as a number.
"""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, first_existing, read_table, require, to_float

D = "bls_oews_national_may2025/"
CSV = SourceFile(D + "oews_national_may2025.csv", "https://download.bls.gov/pub/time.series/oe/",
                 "9c51c325b940e166aa339b7ca7d16636b0ce99ab2f831939f84333f2611ca408", optional=True,
                 fetch=False)
XLSX = SourceFile(D + "national_M2025_dl.xlsx", "https://www.bls.gov/oes/special-requests/oesm25nat.zip",
                  member="national_M2025_dl.xlsx", optional=True)
PCTS = ["pct10", "pct25", "median", "pct75", "pct90"]
COLUMNS = cols("soc_code, title, level, employment:REAL, a_mean:REAL, a_pct10:REAL, a_pct25:REAL, a_median:REAL, "
               "a_pct75:REAL, a_pct90:REAL, h_mean:REAL, h_median:REAL, annual_only:INTEGER, top_coded:INTEGER, footnotes")
LEVELS = {"0": "major", "1": "minor", "2": "broad", "3": "detailed",
          "total": "total", "major": "major", "minor": "minor", "broad": "broad", "detailed": "detailed"}


def _from_csv(path: Path) -> list[tuple]:
    heads = ["occ_code", "occ_title", "display_level", "employment", "h_mean", "a_mean", "h_median",
             *(f"a_{p}" for p in PCTS), "footnotes(datatype:footnote_code)"]
    rows = []
    for r in read_table(path, heads):
        notes = r["footnotes(datatype:footnote_code)"]
        codes = {n.split(":")[-1] for n in notes.split(";") if n}
        level = "total" if r["occ_code"] == "00-0000" else LEVELS.get(r["display_level"], r["display_level"])
        rows.append((r["occ_code"], r["occ_title"], level, to_float(r["employment"]), to_float(r["a_mean"]),
                     *(to_float(r[f"a_{p}"]) for p in PCTS), to_float(r["h_mean"]), to_float(r["h_median"]),
                     int("4" in codes), int("5" in codes), notes or None))
    return rows


def _from_xlsx(path: Path) -> list[tuple]:
    heads = ["OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", "H_MEAN", "A_MEAN", "H_MEDIAN",
             *(f"A_{p.upper()}" for p in PCTS), "ANNUAL"]
    rows = []
    for r in read_table(path, heads):
        vals = [r[f"A_{p.upper()}"] for p in PCTS] + [r["A_MEAN"]]
        top = int(any(v.strip() == "#" for v in vals))
        rows.append((r["OCC_CODE"], r["OCC_TITLE"], LEVELS.get(r["O_GROUP"].lower(), r["O_GROUP"]),
                     to_float(r["TOT_EMP"]), to_float(r["A_MEAN"]), *(to_float(v) for v in vals[:5]),
                     to_float(r["H_MEAN"]), to_float(r["H_MEDIAN"]), int(r["ANNUAL"].upper() == "TRUE"), top,
                     "top-coded (#)" if top else None))
    return rows


def parse(root: Path) -> list[Table]:
    f = first_existing(root, [CSV, XLSX])
    if f is None:
        require(root, XLSX)
    rows = _from_csv(root / f.path) if f is CSV else _from_xlsx(root / f.path)
    return [Table("wages", COLUMNS, rows, indexes=["soc_code"], source_files=[f.path])]


SOURCE = Source(
    name="bls_oews_national_may2025",
    title="BLS Occupational Employment and Wage Statistics, national, cross-industry",
    version="May 2025 estimates (release 2025A01, published 2026-05-15)",
    license="U.S. public domain",
    homepage="https://www.bls.gov/oes/tables.htm",
    files=[CSV, XLSX],
    parse=parse,
    provenance="bls_oews_national_may2025",
)
