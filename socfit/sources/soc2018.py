"""BLS SOC 2018: structure, definitions, Direct Match Title File, and SOC 2010 -> 2018."""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, first_existing, read_table, require

BASE = "https://www.bls.gov/soc/2018/"
DIR = "bls_soc_2018/"
STRUCTURE = SourceFile(DIR + "soc_structure_2018.xlsx", BASE + "soc_structure_2018.xlsx",
                       "862ba62e3d48ea6f931635cfa6b87929cf047d6afe1cbb77fc1369d9d2770d8b")
DEFINITIONS = SourceFile(DIR + "soc_2018_definitions.xlsx", BASE + "soc_2018_definitions.xlsx",
                         "13dce54a6b34c6ee9dc87354691c2afc70c8d7389e4b2fdb2ec35a9f2279f149")
DMTF = SourceFile(DIR + "soc_2018_direct_match_title_file.xlsx", BASE + "soc_2018_direct_match_title_file.xlsx",
                  "3c31ae833aeb960dbe366c358fe57cf9b05cd5ca693dc89d5ba709ec4f42606d")
# The official 2010 -> 2018 workbook is what `download` fetches; the staged copy is a processed CSV of it.
XWALK_OFFICIAL = SourceFile(DIR + "soc_2010_to_2018_crosswalk.xlsx", BASE + "soc_2010_to_2018_crosswalk.xlsx",
                            optional=True)
XWALK_DERIVED = SourceFile(DIR + "derived_danielruss/soc2010_soc2018.csv", BASE + "soc_2010_to_2018_crosswalk.xlsx",
                           "c0fc9f71aca3917d2847edd500af06369213d9223d78b32e21bcd6b3f0d3d136", optional=True,
                           fetch=False)

LEVELS = {"major": "major", "minor": "minor", "broad": "broad", "detailed": "detailed"}


def _structure(root: Path) -> dict[str, tuple[str, str]]:
    """code -> (level, parent) from the hierarchical layout (one code per row, in its level's column)."""
    path = require(root, STRUCTURE)
    heads = ["Major Group", "Minor Group", "Broad Group", "Detailed Occupation"]
    out: dict[str, tuple[str, str]] = {}
    stack: list[str] = ["", "", "", ""]
    for r in read_table(path, heads):
        for depth, h in enumerate(heads):
            code = r[h]
            if code:
                stack[depth] = code
                parent = next((stack[d] for d in range(depth - 1, -1, -1) if stack[d]), "")
                out[code] = (["major", "minor", "broad", "detailed"][depth], parent)
                for d in range(depth + 1, 4):
                    stack[d] = ""
                break
    return out


def parse(root: Path) -> list[Table]:
    tree = _structure(root)
    groups = []
    for r in read_table(require(root, DEFINITIONS), ["SOC Group", "SOC Code", "SOC Title", "SOC Definition"]):
        code = r["SOC Code"]
        level = LEVELS.get(r["SOC Group"].lower())
        if not level or not code:
            continue
        parent = tree.get(code, ("", ""))[1]
        groups.append((code, level, r["SOC Title"], parent, r["SOC Definition"] or None))
    dmtf = [
        (r["2018 SOC Code"], r["2018 SOC Title"], r["2018 SOC Direct Match Title"], int(r["Illustrative Example"].lower() == "x"))
        for r in read_table(require(root, DMTF),
                            ["2018 SOC Code", "2018 SOC Title", "2018 SOC Direct Match Title", "Illustrative Example"])
        if r["2018 SOC Code"] and r["2018 SOC Direct Match Title"]
    ]
    tables = [
        Table("soc_groups", cols("soc_code, level, title, parent, definition"), groups,
              indexes=["level", "parent"], source_files=[DEFINITIONS.path, STRUCTURE.path]),
        Table("dmtf_titles", cols("soc_code, soc_title, title, illustrative:INTEGER"), dmtf,
              indexes=["soc_code"], source_files=[DMTF.path]),
    ]
    xw = first_existing(root, [XWALK_OFFICIAL, XWALK_DERIVED])
    if xw is not None:
        rows = []
        heads = ["2010 SOC Code", "2010 SOC Title", "2018 SOC Code", "2018 SOC Title"] if xw is XWALK_OFFICIAL \
            else ["soc2010", "soc2010_title", "soc2018", "soc2018_title"]
        for r in read_table(root / xw.path, heads):
            a, at, b, bt = (r[h] for h in heads)
            if a and b:
                rows.append((a, at, b, bt.replace("(##)", "").strip()))
        tables.append(Table("soc2010_to_2018", cols("soc2010, soc2010_title, soc2018, soc2018_title"), rows,
                            indexes=["soc2010", "soc2018"], source_files=[xw.path]))
    return tables


SOURCE = Source(
    name="bls_soc_2018",
    title="BLS 2018 Standard Occupational Classification",
    version="SOC 2018 (structure and definitions as re-issued by BLS; DMTF current)",
    license="U.S. public domain",
    homepage="https://www.bls.gov/soc/2018/home.htm",
    files=[STRUCTURE, DEFINITIONS, DMTF, XWALK_OFFICIAL, XWALK_DERIVED],
    parse=parse,
    provenance="bls_soc_2018",
)
