"""BLS ISCO-08 <-> SOC 2010 crosswalk, chained to SOC 2018 through the SOC 2010 -> 2018 table at build time."""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, read_table, require

XLS = SourceFile("isco_soc_crosswalk/isco_soc_crosswalk.xls", "https://www.bls.gov/soc/ISCO_SOC_Crosswalk.xls",
                 "0426811b8c6a321bb2e902da4325b86d07174d1700cf79d6be4743c0784e6e73")


def parse(root: Path) -> list[Table]:
    heads = ["ISCO-08 Code", "ISCO-08 Title EN", "part", "2010 SOC Code", "2010 SOC Title"]
    rows = [(r["ISCO-08 Code"].zfill(4), r["ISCO-08 Title EN"], int(r["part"] == "*"), r["2010 SOC Code"].strip(),
             r["2010 SOC Title"]) for r in read_table(require(root, XLS), heads, sheet="ISCO-08 to 2010 SOC")
            if r["ISCO-08 Code"] and r["2010 SOC Code"]]
    return [Table("isco_soc2010", cols("isco_code, isco_title, partial:INTEGER, soc2010, soc2010_title"), rows,
                  indexes=["isco_code", "soc2010"], source_files=[XLS.path])]


SOURCE = Source(
    name="isco_soc_crosswalk",
    title="BLS ISCO-08 to 2010 SOC crosswalk",
    version="August 2012 (updated June 2015)",
    license="U.S. public domain",
    homepage="https://www.bls.gov/soc/soccrosswalks.htm",
    files=[XLS],
    parse=parse,
    provenance="isco_soc_crosswalk",
)
