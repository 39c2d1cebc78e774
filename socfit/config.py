"""Where things live: the official sources folder and the knowledge pack.

Sources: ``--sources`` > ``$SOCFIT_SOURCES`` > ``../shared/data`` beside the repository (when present).
Pack: ``--pack`` > ``$SOCFIT_PACK`` > ``<user data dir>/socfit/pack.sqlite``
(``~/.local/share/socfit`` on Linux; ``$SOCFIT_HOME`` overrides the folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from socfit.errors import SourceError

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_sources() -> Path | None:
    env = os.environ.get("SOCFIT_SOURCES")
    if env:
        return Path(env).expanduser()
    for base in (REPO_ROOT, Path.cwd()):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


def resolve_sources(given: Path | str | None) -> Path:
    path = Path(given).expanduser() if given else default_sources()
    if path is None:
        raise SourceError(
            "no sources folder: pass --sources DIR, set SOCFIT_SOURCES, or fetch the official files with "
            "`socfit data download --dest DIR`"
        )
    if not path.is_dir():
        raise SourceError(f"sources folder {path} does not exist; run `socfit data download --dest {path}`")
    return path


def data_home() -> Path:
    env = os.environ.get("SOCFIT_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("socfit", appauthor=False))


def default_pack() -> Path:
    env = os.environ.get("SOCFIT_PACK")
    return Path(env).expanduser() if env else data_home() / "pack.sqlite"
