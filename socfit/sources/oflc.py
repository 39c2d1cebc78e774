"""DOL OFLC wage-year 2024-25 reference tables: education level and Job Zone per O*NET code, Appendix A.

OFLC uses these to set prevailing-wage levels (PERM, H-1B); Appendix A lists occupations whose
education requirement OFLC takes from BLS. Job Zones here are on the 5-level scale.
"""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, read_table, require, to_int

D = "dol_oflc_wage_year_2024_25/"
ZIP = "https://flag.dol.gov/sites/default/files/wages/OFLC_Wages_2024-25.zip"
EDU = SourceFile(D + "Wage Year 2024-25 Education.xlsx", ZIP,
                 "bd2dd946a1522ad541b5a4dd9af4ab25c6ecf29448c6b800f07acb38877b1586", member="Wage Year 2024-25 Education.xlsx")
XWALK = SourceFile(D + "xwalk_plus.csv", ZIP, "3cf51f080bfe361e33d2085e7d61ef5d59f1892348fb3664ae16201b7220b354",
                   member="xwalk_plus.csv")
ACWIA = SourceFile(D + "Wage Year 2024-25 ACWIA Crosswalks.xlsx", ZIP,
                   "8905efbf4f10e38cc230e03a60fbbf82f232e09b51d038a213b3d6cc293c7efe",
                   member="Wage Year 2024-25 ACWIA Crosswalks.xlsx", optional=True)


def parse(root: Path) -> list[Table]:
    path = require(root, EDU)
    heads = ["O*NET Code", "SOC Code", "Title", "Education", "Source"]
    edu = [tuple(r[h] for h in heads) for r in read_table(path, heads, sheet="All SOC Codes (Education)") if r["O*NET Code"]]
    heads = ["O*NET Code", "Job Zone", "Source"]
    jz = [(r["O*NET Code"], to_int(r["Job Zone"]), r["Source"])
          for r in read_table(path, heads, sheet="All SOC Codes (Job Zones)") if r["O*NET Code"]]
    heads = ["O*NET Code", "Occupation", "Education", "Source"]
    app = [tuple(r[h] for h in heads) for r in read_table(path, heads, sheet="Appendix A SOC Codes") if r["O*NET Code"]]
    heads = ["OES_SOCCODE", "OES_SOCTITLE", "OnetCode", "ONetTitle"]
    xw = [tuple(r[h] for h in heads) for r in read_table(require(root, XWALK), heads)]
    tables = [
        Table("oflc_education", cols("onet_code, soc_code, title, education, source"), edu,
              indexes=["onet_code", "soc_code"], source_files=[EDU.path]),
        Table("oflc_job_zones", cols("onet_code, job_zone:INTEGER, source"), jz, indexes=["onet_code"],
              source_files=[EDU.path]),
        Table("oflc_appendix_a", cols("onet_code, title, education, source"), app, indexes=["onet_code"],
              source_files=[EDU.path]),
        Table("oflc_oews_crosswalk", cols("oews_soc, oews_title, onet_code, onet_title"), xw,
              indexes=["oews_soc", "onet_code"], source_files=[XWALK.path]),
    ]
    if (root / ACWIA.path).is_file():
        heads = ["ONET_SOC_CODE", "ONET_SOC_TITLE", "ACWIA_SOC_CODE", "ACWIA_SOC_TITLE"]
        rows = [tuple(r[h] for h in heads) for r in read_table(root / ACWIA.path, heads)]
        tables.append(Table("oflc_acwia_crosswalk", cols("onet_code, onet_title, acwia_soc, acwia_title"), rows,
                            indexes=["onet_code"], source_files=[ACWIA.path]))
    return tables


SOURCE = Source(
    name="dol_oflc_wage_year_2024_25",
    title="DOL OFLC prevailing-wage reference tables (education, Job Zones, Appendix A)",
    version="Wage year July 2024 - June 2025",
    license="U.S. public domain",
    homepage="https://flag.dol.gov/wage-data/wage-data-downloads",
    files=[EDU, XWALK, ACWIA],
    parse=parse,
    provenance="dol_oflc_wage_year_2024_25",
)
