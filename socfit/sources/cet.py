"""The 18 Critical and Emerging Technology areas (NSTC, February 2024 update).

The official list is a PDF with no machine-readable table; the sources folder holds ``areas.csv`` with the
18 area names as published. ``socfit data download`` fetches the PDF and writes ``areas.csv`` from the
area names it finds in the PDF text (see socfit/sources/download.py).
"""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, read_table, require, to_int

URL = "https://www.whitehouse.gov/wp-content/uploads/2024/02/Critical-and-Emerging-Technologies-List-2024-Update.pdf"
AREAS = SourceFile("cet_2024/areas.csv", URL, fetch=False)
PDF = SourceFile("cet_2024/Critical-and-Emerging-Technologies-List-2024-Update.pdf", URL, optional=True)


def parse(root: Path) -> list[Table]:
    rows = [(to_int(r["id"]), r["area"], r["list_version"])
            for r in read_table(require(root, AREAS), ["id", "area", "list_version"]) if r["area"]]
    return [Table("cet_areas", cols("id:INTEGER, area, list_version"), rows, source_files=[AREAS.path])]


SOURCE = Source(
    name="cet_2024",
    title="Critical and Emerging Technologies List (NSTC)",
    version="February 2024 update",
    license="U.S. public domain",
    homepage=URL,
    files=[AREAS, PDF],
    parse=parse,
    provenance="cet_2024",
)
