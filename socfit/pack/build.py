"""Build the pack: parse every source, write one SQLite file to a temporary name, check it, rename.

A failed or killed build leaves the previous pack untouched: nothing is written at the final path
until the new file has passed ``PRAGMA integrity_check`` and the expectations in ``checks.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socfit import __version__
from socfit.errors import PackError, SocfitError, SourceError
from socfit.pack import checks, derived
from socfit.sources import ALL, Source, Table
from socfit.sources.base import sha256_file

SCHEMA_VERSION = 1
Progress = Callable[[str, int, int], None]  # (step description, done, total)


@dataclass
class BuildReport:
    path: Path
    seconds: float
    bytes: int
    pack_id: str
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def _file_records(root: Path, src: Source, warnings: list[str]) -> list[tuple]:
    recs = []
    for f in src.files:
        p = root / f.path
        if not p.is_file():
            continue
        digest = sha256_file(p)
        if f.sha256 and digest != f.sha256:
            warnings.append(f"{f.path}: sha256 {digest[:12]}… differs from PROVENANCE ({f.sha256[:12]}…); "
                            "a different release or a modified file")
        recs.append((src.name, f.path, f.url, digest, f.sha256 or None, p.stat().st_size))
    return recs


def _write_table(con: sqlite3.Connection, t: Table) -> None:
    col_sql = ", ".join(f'"{c.name}" {c.type}' for c in t.columns)
    con.execute(f'CREATE TABLE "{t.name}" ({col_sql})')
    marks = ", ".join("?" * len(t.columns))
    con.executemany(f'INSERT INTO "{t.name}" VALUES ({marks})', t.rows)
    for ix in t.indexes:
        names = [c.strip() for c in ix.split(",")]
        con.execute(f'CREATE INDEX "ix_{t.name}_{"_".join(names)}" ON "{t.name}" ({", ".join(names)})')


def build_pack(sources: Path, out: Path, progress: Progress | None = None) -> BuildReport:
    """Parse ``sources`` into a new pack at ``out``. Raises SourceError/PackError; never leaves a partial file."""
    start = time.perf_counter()
    sources, out = Path(sources), Path(out)
    if not sources.is_dir():
        raise SourceError(f"sources folder {sources} does not exist; run `socfit data download --dest {sources}`")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    warnings: list[str] = []
    built_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    total = len(ALL) + 2
    step = progress or (lambda *a: None)
    try:
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        meta_rows, file_rows = [], []
        with con:
            for i, src in enumerate(ALL):
                step(f"parsing {src.name}", i, total)
                files = _file_records(sources, src, warnings)
                tables = src.parse(sources)
                digests = {f[1]: f[3] for f in files}
                for t in tables:
                    _write_table(con, t)
                    warnings.extend(t.warnings)
                    sha = ";".join(f"{p}={digests.get(p, '')}" for p in t.source_files)
                    url = ";".join(sorted({f.url for f in src.files if f.path in t.source_files})) or src.homepage
                    meta_rows.append((t.name, src.name, t.version or src.version, url, sha, len(t.rows), built_at,
                                      __version__))
                file_rows.extend(files)
            step("deriving crosswalks and indexes", len(ALL), total)
            for t in derived.tables(con):
                _write_table(con, t)
                meta_rows.append((t.name, "socfit (derived)", t.version, "", "", len(t.rows), built_at, __version__))
            pack_id = hashlib.sha256("".join(sorted(r[3] for r in file_rows)).encode()).hexdigest()[:16]
            con.executescript(
                """
                CREATE TABLE meta (table_name TEXT PRIMARY KEY, source TEXT, version TEXT, url TEXT, sha256 TEXT,
                                   rows INTEGER, built_at TEXT, socfit_version TEXT);
                CREATE TABLE source_files (source TEXT, path TEXT, url TEXT, sha256 TEXT, expected_sha256 TEXT,
                                           bytes INTEGER);
                CREATE TABLE sources (name TEXT PRIMARY KEY, title TEXT, version TEXT, license TEXT, homepage TEXT);
                CREATE TABLE pack_info (key TEXT PRIMARY KEY, value TEXT);
                """
            )
            con.executemany("INSERT INTO meta VALUES (?,?,?,?,?,?,?,?)", meta_rows)
            con.executemany("INSERT INTO source_files VALUES (?,?,?,?,?,?)", file_rows)
            con.executemany("INSERT INTO sources VALUES (?,?,?,?,?)",
                            [(s.name, s.title, s.version, s.license, s.homepage) for s in ALL])
            info = {"schema_version": str(SCHEMA_VERSION), "socfit_version": __version__, "built_at": built_at,
                    "pack_id": pack_id, "sources_dir": str(sources.resolve()), "complete": "1"}
            con.executemany("INSERT INTO pack_info VALUES (?,?)", sorted(info.items()))
        step("checking", len(ALL) + 1, total)
        problems = checks.run(con)
        if problems:
            raise PackError("the new pack failed its checks (previous pack kept): " + "; ".join(problems))
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise PackError(f"the new pack failed PRAGMA integrity_check: {ok}")
        counts = checks.counts(con)
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
        os.replace(tmp, out)
        step("done", total, total)
    except SocfitError:
        _cleanup(tmp)
        raise
    except sqlite3.Error as e:
        _cleanup(tmp)
        raise PackError(f"could not write the pack at {tmp} ({e}); previous pack kept") from None
    except BaseException:
        _cleanup(tmp)
        raise
    return BuildReport(out, time.perf_counter() - start, out.stat().st_size, pack_id, counts, warnings)


def _cleanup(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass
