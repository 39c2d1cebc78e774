"""NCES CIP 2020 <-> SOC 2018 crosswalk and the CIP 2020 code list (degree field <-> occupation)."""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, read_table, require

D = "nces_cip2020_soc2018/"
XWALK = SourceFile(D + "CIP2020_SOC2018_Crosswalk.xlsx", "https://nces.ed.gov/ipeds/cipcode/Files/CIP2020_SOC2018_Crosswalk.xlsx",
                   "ba3d59a191b9d977a5c457a66b9348c4f2f7963aafacf72c0b80113b46bf0ab8")
CODES = SourceFile(D + "CIPCode2020.csv", "https://nces.ed.gov/ipeds/cipcode/Files/CIPCode2020.csv",
                   "6cf0882c1f5beb94981d0a1a72285ab5cf633759f45433fb909afbfb6d6b2657")
NO_MATCH = {"99.9999", "99-9999"}


def _title(t: str) -> str:
    return t[:-1] if t.endswith(".") else t


def parse(root: Path) -> list[Table]:
    heads = ["CIP2020Code", "CIP2020Title", "SOC2018Code", "SOC2018Title"]
    xw = [(r["CIP2020Code"], _title(r["CIP2020Title"]), r["SOC2018Code"], r["SOC2018Title"])
          for r in read_table(require(root, XWALK), heads, sheet="CIP-SOC")
          if r["CIP2020Code"] and r["CIP2020Code"] not in NO_MATCH and r["SOC2018Code"] not in NO_MATCH]
    heads = ["CIPFamily", "CIPCode", "Action", "CIPTitle", "CIPDefinition"]
    codes = [(r["CIPCode"], r["CIPFamily"], _title(r["CIPTitle"]), r["CIPDefinition"], r["Action"])
             for r in read_table(require(root, CODES), heads) if r["CIPCode"]]
    return [
        Table("cip_soc", cols("cip_code, cip_title, soc_code, soc_title"), xw, indexes=["cip_code", "soc_code"],
              source_files=[XWALK.path]),
        Table("cip_titles", cols("cip_code, family, title, definition, action"), codes, indexes=["cip_code"],
              source_files=[CODES.path]),
    ]


SOURCE = Source(
    name="nces_cip2020_soc2018",
    title="NCES/BLS CIP 2020 - SOC 2018 crosswalk and CIP 2020 codes",
    version="CIP 2020 / SOC 2018 crosswalk (2020)",
    license="U.S. public domain",
    homepage="https://nces.ed.gov/ipeds/cipcode/resources.aspx",
    files=[XWALK, CODES],
    parse=parse,
    provenance="nces_cip2020_soc2018",
)
