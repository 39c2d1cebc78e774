"""DHS STEM Designated Degree Program List (July 2024): CIP codes that count as STEM for DHS.

The official list is a PDF. The staged CSV is a third-party transcription; when the PDF is present too,
the build cross-checks the two and records disagreements as warnings. When only the PDF is there (the
download path), codes are read from the PDF text.
"""

from __future__ import annotations

import re
from pathlib import Path

from socfit.errors import SourceError
from socfit.sources.base import Source, SourceFile, Table, cols, read_table

D = "dhs_stem_cip_2024/"
URL = "https://www.ice.gov/doclib/sevis/pdf/stemList2024.pdf"
CSV = SourceFile(D + "dhs_stem_classification_table.csv", URL,
                 "ec210e7f07d80c84d4b6c3b862d5bdcd5c844f019b0051a51c826d553d7fe9ac", optional=True,
                 fetch=False)
PDF = SourceFile(D + "DHS_STEM_2024.pdf", URL, "b8346f30cd6ab7702510f4837b339438323a96adfbd8133b6cb9d565e90b4336",
                 optional=True)
_CIP_LINE = re.compile(r"(?m)^\s*\d{2}\s+(\d{2}\.\d{4})[ \t]*(.*?)\s*$")
# The list's preamble designates these whole 2-digit series as STEM, "any new additions ... automatically
# included": Engineering (14), Biological and Biomedical Sciences (26), Mathematics and Statistics (27),
# Physical Sciences (40).
WHOLE_SERIES = ("14", "26", "27", "40")

def pdf_codes(path: Path) -> dict[str, str]:
    """CIP code -> title from the official PDF's text layer."""
    try:
        from pypdf import PdfReader
    except ImportError:  # optional dependency; the CSV path does not need it
        return {}
    try:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    except Exception as e:  # pypdf raises many types on damaged files
        raise SourceError(f"{path}: unreadable PDF ({type(e).__name__}: {e})") from None
    return {m.group(1): m.group(2).rstrip(".") for m in _CIP_LINE.finditer(text)}


def parse(root: Path) -> list[Table]:
    warnings = []
    has_csv, has_pdf = (root / CSV.path).is_file(), (root / PDF.path).is_file()
    if not (has_csv or has_pdf):
        raise SourceError(f"missing source file {root / CSV.path} (or {root / PDF.path}): get the list from {URL}")
    from_pdf = pdf_codes(root / PDF.path) if has_pdf else {}
    if has_csv:
        heads = ["CIP Code Two-Digit Series", "2020 CIP Code", "CIP Code Title"]
        rows = [(r["2020 CIP Code"], r["CIP Code Title"], r["CIP Code Two-Digit Series"])
                for r in read_table(root / CSV.path, heads) if r["2020 CIP Code"]]
        files = [CSV.path] + ([PDF.path] if has_pdf else [])
        if from_pdf:
            only_csv = sorted({r[0] for r in rows} - set(from_pdf))
            only_pdf = sorted(set(from_pdf) - {r[0] for r in rows})
            if only_csv or only_pdf:
                warnings.append(f"DHS STEM: CSV and PDF disagree (only in CSV: {only_csv[:10]}, only in PDF: {only_pdf[:10]})")
    else:
        if not from_pdf:
            raise SourceError(f"{root / PDF.path}: no CIP codes found (is pypdf installed?)")
        rows = [(c, t, c[:2]) for c, t in sorted(from_pdf.items())]
        files = [PDF.path]
    series = [(s, "whole series designated STEM in the list's preamble") for s in WHOLE_SERIES]
    return [Table("stem_cip", cols("cip_code, title, series"), rows, indexes=["cip_code"], source_files=files,
                  warnings=warnings),
            Table("stem_series", cols("series, rule"), series, source_files=files)]


SOURCE = Source(
    name="dhs_stem_cip_2024",
    title="DHS STEM Designated Degree Program List",
    version="2024 (last updated 2024-07-22)",
    license="U.S. public domain",
    homepage="https://www.ice.gov/sevis/schools/reg-compliance/stem",
    files=[CSV, PDF],
    parse=parse,
    provenance="dhs_stem_cip_2024",
)
