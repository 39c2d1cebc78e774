"""The Python API: small, typed, and the same functions the CLI and web app call."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from socfit.assess.occupation import OccupationCard, card
from socfit.config import default_pack, resolve_sources
from socfit.pack import Pack, build_pack, open_pack


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


def get_pack(pack: Path | str | None = None, sources: Path | str | None = None, build_if_missing: bool = True,
             say: Callable[[str], None] = _stderr) -> Pack:
    """Open the pack; on first use build it from the sources folder, saying so."""
    path = Path(pack).expanduser() if pack else default_pack()
    if not path.exists() and build_if_missing:
        src = resolve_sources(sources)
        say(f"No knowledge pack at {path}; building it from {src} (first run, about a minute)...")
        rep = build_pack(src, path)
        say(f"Built {path} ({rep.bytes / 2**20:.0f} MB) in {rep.seconds:.0f} s.")
    return open_pack(path)


def occupation(code: str, pack: Path | str | None = None) -> OccupationCard:
    """The occupation card for a SOC 2018, O*NET-SOC or retired SOC 2010 code."""
    return card(get_pack(pack), code)
