"""The knowledge pack: every official source in one SQLite file, built atomically, opened read-only."""

from socfit.pack.build import BuildReport, build_pack
from socfit.pack.store import Pack, open_pack

__all__ = ["BuildReport", "Pack", "build_pack", "open_pack"]
