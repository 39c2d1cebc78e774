"""Open a built pack read-only and answer the questions every layer asks of it."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from socfit.errors import PackError
from socfit.pack import checks
from socfit.pack.build import SCHEMA_VERSION


class Pack:
    """A read-only connection to a pack file. Safe to share across threads (one lock around the cursor)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise PackError(f"no knowledge pack at {self.path}: run `socfit data build`")
        try:
            self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._con.row_factory = sqlite3.Row
            info = dict(self._con.execute("SELECT key, value FROM pack_info").fetchall())
        except sqlite3.DatabaseError as e:
            raise PackError(f"{self.path} is not a usable knowledge pack ({e}): rebuild it with `socfit data build`") from None
        if info.get("complete") != "1":
            raise PackError(f"{self.path} is a half-built pack: rebuild it with `socfit data build`")
        if info.get("schema_version") != str(SCHEMA_VERSION):
            raise PackError(f"{self.path} has pack schema {info.get('schema_version')}, this socfit needs "
                            f"{SCHEMA_VERSION}: rebuild it with `socfit data build`")
        self.info = info
        self.pack_id = info["pack_id"]
        self._lock = threading.Lock()
        self._cache_lock = threading.RLock()
        self._cache: dict[str, Any] = {}

    # -- queries
    def rows(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def row(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._con.execute(sql, params).fetchone()

    def value(self, sql: str, params: tuple | dict = ()) -> Any:
        r = self.row(sql, params)
        return r[0] if r is not None else None

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """Memoise a derived structure for the life of this Pack (packs are immutable once built)."""
        got = self._cache.get(key)
        if got is None:
            with self._cache_lock:  # one thread builds it; the others wait and reuse it
                got = self._cache.get(key)
                if got is None:
                    got = self._cache[key] = make()
        return got

    def has_table(self, name: str) -> bool:
        return self.value("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)) is not None

    # -- facts about the pack itself
    def versions(self, tables: list[str] | None = None) -> dict[str, dict[str, str]]:
        sql = "SELECT table_name, source, version, url FROM meta"
        out = {r["table_name"]: {"source": r["source"], "version": r["version"], "url": r["url"]} for r in self.rows(sql)}
        return {k: v for k, v in out.items() if tables is None or k in tables}

    def status(self, integrity: bool = True) -> dict[str, Any]:
        with self._lock:
            cnt = checks.counts(self._con)
            ok = self._con.execute("PRAGMA integrity_check").fetchone()[0] if integrity else "not checked"
        sources = []
        for s in self.rows("SELECT name, title, version, license FROM sources ORDER BY rowid"):
            files = self.rows("SELECT path, url, sha256, expected_sha256, bytes FROM source_files WHERE source=? "
                              "ORDER BY path", (s["name"],))
            tables = self.rows("SELECT table_name, version, rows FROM meta WHERE source=?", (s["name"],))
            combined = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest() if files else ""
            sources.append({
                "name": s["name"], "title": s["title"], "version": s["version"], "license": s["license"],
                "sha256": files[0]["sha256"] if len(files) == 1 else combined,
                "rows": sum(t["rows"] for t in tables),
                "tables": {t["table_name"]: {"rows": t["rows"], "version": t["version"]} for t in tables},
                "files": [{"path": f["path"], "url": f["url"], "sha256": f["sha256"],
                           "matches_provenance": None if not f["expected_sha256"] else f["sha256"] == f["expected_sha256"],
                           "bytes": f["bytes"]} for f in files],
            })
        return {"pack": str(self.path), "pack_id": self.pack_id, "built_at": self.info.get("built_at"),
                "socfit_version": self.info.get("socfit_version"), "bytes": self.path.stat().st_size,
                "integrity": ok, "counts": cnt, "sources": sources}

    def close(self) -> None:
        with self._lock:
            self._con.close()


_OPEN: dict[Path, Pack] = {}
_OPEN_LOCK = threading.Lock()


def open_pack(path: Path) -> Pack:
    """A shared Pack per path, reopened when the file on disk was replaced by a rebuild."""
    path = Path(path).resolve()
    with _OPEN_LOCK:
        p = _OPEN.get(path)
        if p is not None:
            try:
                same = path.stat().st_ino == p._inode
            except OSError:
                same = False
            if same:
                return p
        p = Pack(path)
        p._inode = path.stat().st_ino
        _OPEN[path] = p
        return p
