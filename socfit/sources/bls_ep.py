"""BLS Employment Projections 2024-34, Table 1.2: typical education needed for entry, experience, training.

Also the EP crosswalk from O*NET-SOC to National Employment Matrix codes and OOH profiles. NEM codes are
SOC 2018 based, but some are NEM aggregates; we keep them as published and flag whether each is a SOC
detailed code at query time.
"""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, read_table, require, to_float

D = "bls_ep_2024_34/"
OCC = SourceFile(D + "occupation.xlsx", "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
                 "05103e6770b8ffebd6f024ff52afc9aed7e586b4aa159396ddc483c6ec572a07")
NEM = SourceFile(D + "nem-onet-to-soc-crosswalk.xlsx",
                 "https://www.bls.gov/emp/classifications-crosswalks/nem-onet-to-soc-crosswalk.xlsx",
                 "5aac9713a7e73b428819b20e3b895c97adbf09b4b59ac8c9423a340dbe129a4a")

TITLE = "2024 National Employment Matrix title"
CODE = "2024 National Employment Matrix code"
EDU = "Typical education needed for entry"
EXP = "Work experience in a related occupation"
OJT = "Typical on-the-job training needed to attain competency in the occupation"
WAGE = "Median annual wage, dollars, 2024[1]"


def _blank(v: str) -> str | None:
    return None if v in {"", "—", "-"} else v


def parse(root: Path) -> list[Table]:
    heads = [TITLE, CODE, "Occupation type", "Employment, 2024", "Employment, 2034",
             "Employment change, percent, 2024–34", WAGE, EDU, EXP, OJT]
    rows = []
    for r in read_table(require(root, OCC), heads, sheet="Table 1.2"):
        code = r[CODE]
        if len(code) != 7 or code[2] != "-":  # footnote rows at the bottom
            continue
        rows.append((code, r[TITLE].strip(), r["Occupation type"], to_float(r["Employment, 2024"]),
                     to_float(r["Employment, 2034"]), to_float(r["Employment change, percent, 2024–34"]),
                     to_float(r[WAGE]), _blank(r[EDU]), _blank(r[EXP]), _blank(r[OJT])))
    heads = ["O*NET-SOC Code", "NEM Code", "National Employment Matrix Occupational Title", "OOH Profile Code",
             "OOH Profile Title", "OOH Occupation Group", "OOH Profile Website"]
    nem = [tuple(r[h] for h in heads) for r in read_table(require(root, NEM), heads) if r["O*NET-SOC Code"]]
    return [
        Table("entry_education",
              cols("soc_code, title, occupation_type, employment_2024:REAL, employment_2034:REAL, "
                   "employment_change_pct:REAL, median_wage_2024:REAL, education, experience, training"),
              rows, indexes=["soc_code"], source_files=[OCC.path]),
        Table("nem_onet_crosswalk", cols("onet_code, nem_code, nem_title, ooh_code, ooh_title, ooh_group, ooh_url"),
              nem, indexes=["onet_code", "nem_code"], source_files=[NEM.path]),
    ]


SOURCE = Source(
    name="bls_ep_2024_34",
    title="BLS Employment Projections 2024-34 (Table 1.2) and NEM/O*NET crosswalk",
    version="2024-34 projections (2024 base year); crosswalk as of 2023-09-06",
    license="U.S. public domain",
    homepage="https://www.bls.gov/emp/tables/occupational-projections-and-characteristics.htm",
    files=[OCC, NEM],
    parse=parse,
    provenance="bls_ep_2024_34",
)
