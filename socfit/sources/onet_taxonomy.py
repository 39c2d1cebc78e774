"""O*NET-SOC 2019 taxonomy listings: O*NET-SOC 2019 -> SOC 2018, and O*NET-SOC 2010 -> 2019 / SOC 2018."""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, read_table, require

D = "onet_soc_2019_taxonomy/"
ZIP = "https://www.onetcenter.org/dl_files/OccupationalListings.zip"
TO_SOC = SourceFile(D + "2019_to_SOC_Crosswalk.xlsx", ZIP, "68488984606cff24d65dc01005945b3f158fcd77b17dac8bbc1a5a4ebb78ec2f",
                    member="2019_to_SOC_Crosswalk.xlsx")
X2010_2019 = SourceFile(D + "2010_to_2019_Crosswalk.xlsx", ZIP,
                        "993fda20fc2068653a0507f8516bb7a750ae1ecbd7dcbd55795b585b741c82b2", member="2010_to_2019_Crosswalk.xlsx")
X2010_2018 = SourceFile(D + "2010_to_2018_SOC_Crosswalk.xlsx", ZIP,
                        "e339efe254b3482da7e65545825d6451313d82ad4d24c3c79773539d456fa124",
                        member="2010_to_2018_SOC_Crosswalk.xlsx")


def parse(root: Path) -> list[Table]:
    h = ["O*NET-SOC 2019 Code", "O*NET-SOC 2019 Title", "2018 SOC Code", "2018 SOC Title"]
    to_soc = [tuple(r[c] for c in h) for r in read_table(require(root, TO_SOC), h) if r[h[0]]]
    h2 = ["O*NET-SOC 2010 Code", "O*NET-SOC 2010 Title", "O*NET-SOC 2019 Code", "O*NET-SOC 2019 Title"]
    x19 = [tuple(r[c] for c in h2) for r in read_table(require(root, X2010_2019), h2) if r[h2[0]]]
    h3 = ["O*NET-SOC 2010 Code", "O*NET-SOC 2010 Title", "2018 SOC Code", "2018 SOC Title"]
    x18 = [tuple(r[c] for c in h3) for r in read_table(require(root, X2010_2018), h3) if r[h3[0]]]
    return [
        Table("onet_soc_crosswalk", cols("onet_code, onet_title, soc_code, soc_title"), to_soc,
              indexes=["onet_code", "soc_code"], source_files=[TO_SOC.path]),
        Table("onet2010_to_2019", cols("onet2010, onet2010_title, onet2019, onet2019_title"), x19,
              indexes=["onet2010"], source_files=[X2010_2019.path]),
        Table("onet2010_to_soc2018", cols("onet2010, onet2010_title, soc2018, soc2018_title"), x18,
              indexes=["onet2010"], source_files=[X2010_2018.path]),
    ]


SOURCE = Source(
    name="onet_soc_2019_taxonomy",
    title="O*NET-SOC 2019 taxonomy crosswalks",
    version="O*NET-SOC 2019 (used by O*NET 25.1-30.3)",
    license="CC BY 4.0 (USDOL/ETA)",
    homepage="https://www.onetcenter.org/taxonomy/2019/walk.html",
    files=[TO_SOC, X2010_2019, X2010_2018],
    parse=parse,
    provenance="onet_soc_2019_taxonomy",
)
