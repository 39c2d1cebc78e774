"""Official sources, one parser module each. ``ALL`` is the build order (no parser depends on another)."""

from socfit.sources import bls_ep, cet, cip, isco, oews, oflc, onet, onet_taxonomy, soc2018, stem
from socfit.sources.base import Source, SourceFile, Table

ALL: list[Source] = [
    soc2018.SOURCE,
    onet.SOURCE,
    onet_taxonomy.SOURCE,
    bls_ep.SOURCE,
    oews.SOURCE,
    oflc.SOURCE,
    cip.SOURCE,
    stem.SOURCE,
    isco.SOURCE,
    cet.SOURCE,
]

__all__ = ["ALL", "Source", "SourceFile", "Table"]
