"""Cases: a person's profile and the codes chosen for it over time, in one SQLite file.

WAL mode with synchronous=FULL and one transaction per write: a crash or restart mid-write leaves either
the old state or the new one, never half of it. A connection per call keeps threads apart (SQLite is
fast to open; the web app calls this from a thread pool). The export format is plain JSON, validated on
import exactly like a profile typed into the form.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from socfit.config import data_home
from socfit.errors import InputError

FORMAT = "socfit-case"
FORMAT_VERSION = 1
MAX_NAME = 200
MAX_NOTE = 5_000
MAX_DECISIONS = 1_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  profile TEXT NOT NULL,          -- JSON, validated
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  soc_code TEXT NOT NULL,
  soc_title TEXT NOT NULL,
  recommended TEXT,               -- what socfit recommended when the choice was made
  note TEXT NOT NULL DEFAULT '',
  profile TEXT,                   -- the profile the choice was made on (JSON)
  decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_case ON decisions(case_id, id);
"""


class CaseNotFound(LookupError):
    """No case with this id (app.py answers 404)."""

    def __init__(self, case_id: int):
        super().__init__(f"no case {case_id}")


def default_db() -> Path:
    return data_home() / "cases.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Decision:
    id: int
    soc_code: str
    soc_title: str
    note: str
    decided_at: str
    recommended: str | None = None
    profile: dict[str, Any] | None = None


@dataclass
class Case:
    id: int
    name: str
    profile: dict[str, Any]
    created_at: str
    updated_at: str
    decisions: list[Decision] = field(default_factory=list)

    @property
    def current(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CaseStore:
    """``validate`` checks a profile (the advisor's validate_profile); ``check_code`` turns a typed code into
    (soc_code, soc_title) or raises. Both are injected so the store does not depend on the pack."""

    def __init__(self, path: Path | str | None = None,
                 validate: Callable[[dict], dict] | None = None,
                 check_code: Callable[[str], tuple[str, str]] | None = None):
        self.path = Path(path) if path else default_db()
        self.validate = validate or (lambda p: p)
        self.check_code = check_code or (lambda c: (c, c))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as con:
            con.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file
            con.executescript(SCHEMA)  # IF NOT EXISTS, in one script: idempotent

    @contextmanager
    def _tx(self):
        """One connection, one transaction: committed on success, rolled back on any error."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        with closing(con):
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                if con.in_transaction:  # SQLite may have rolled back already (e.g. disk full)
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @contextmanager
    def _read(self):
        """One read transaction: in WAL mode every SELECT in it sees the same snapshot, so a case and its
        decisions always agree, whatever writers do meanwhile."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        with closing(con):
            con.execute("BEGIN")
            yield con
            con.execute("COMMIT")

    # ---------------------------------------------------------------- reads
    def list_all(self, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        """Most recently changed first, ``limit`` of them from ``offset`` on."""
        with self._read() as con:
            rows = con.execute(
                "SELECT c.id, c.name, c.created_at, c.updated_at, json_extract(c.profile, '$.job_title') AS job_title, "
                "(SELECT soc_code FROM decisions d WHERE d.case_id=c.id ORDER BY d.id DESC LIMIT 1) AS soc_code, "
                "(SELECT count(*) FROM decisions d WHERE d.case_id=c.id) AS decisions "
                "FROM cases c ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def get(self, case_id: int) -> Case:
        with self._read() as con:
            r = con.execute("SELECT * FROM cases WHERE id=?", (case_id,)).fetchone()
            if r is None:
                raise CaseNotFound(case_id)
            ds = con.execute("SELECT * FROM decisions WHERE case_id=? ORDER BY id", (case_id,)).fetchall()
        return Case(r["id"], r["name"], json.loads(r["profile"]), r["created_at"], r["updated_at"],
                    [Decision(d["id"], d["soc_code"], d["soc_title"], d["note"], d["decided_at"], d["recommended"],
                              json.loads(d["profile"]) if d["profile"] else None) for d in ds])

    # ---------------------------------------------------------------- writes
    def create(self, name: str, profile: dict[str, Any], soc_code: str | None = None, note: str = "",
               recommended: str | None = None) -> int:
        profile = self.validate(profile)
        name = _text(name, "name", MAX_NAME) or profile.get("job_title", "case")[:MAX_NAME]
        note, recommended = _text(note, "note", MAX_NOTE), self._recommended(recommended)
        decision = self._decision(soc_code) if soc_code else None
        now = _now()
        with self._tx() as con:
            cid = con.execute("INSERT INTO cases(name, profile, created_at, updated_at) VALUES (?,?,?,?)",
                              (name, _dump(profile), now, now)).lastrowid
            if decision:
                con.execute("INSERT INTO decisions(case_id, soc_code, soc_title, recommended, note, profile, decided_at) "
                            "VALUES (?,?,?,?,?,?,?)", (cid, *decision, recommended, note, _dump(profile), now))
        return cid

    def decide(self, case_id: int, soc_code: str, note: str = "", profile: dict[str, Any] | None = None,
               recommended: str | None = None) -> Decision:
        """Record a choice (and, when given, the profile it was made on, which becomes the case's profile)."""
        code, title = self._decision(soc_code)
        note, recommended = _text(note, "note", MAX_NOTE), self._recommended(recommended)
        profile = self.validate(profile) if profile is not None else None
        now = _now()
        with self._tx() as con:
            r = con.execute("SELECT profile FROM cases WHERE id=?", (case_id,)).fetchone()
            if r is None:
                raise CaseNotFound(case_id)
            if con.execute("SELECT count(*) FROM decisions WHERE case_id=?", (case_id,)).fetchone()[0] >= MAX_DECISIONS:
                raise InputError(f"a case keeps at most {MAX_DECISIONS} decisions")
            snap = _dump(profile) if profile is not None else r["profile"]
            did = con.execute("INSERT INTO decisions(case_id, soc_code, soc_title, recommended, note, profile, decided_at) "
                              "VALUES (?,?,?,?,?,?,?)", (case_id, code, title, recommended, note, snap, now)).lastrowid
            con.execute("UPDATE cases SET profile=?, updated_at=? WHERE id=?", (snap, now, case_id))
        return Decision(did, code, title, note, now, recommended, json.loads(snap))

    def delete(self, case_id: int) -> None:
        with self._tx() as con:
            if con.execute("DELETE FROM cases WHERE id=?", (case_id,)).rowcount == 0:
                raise CaseNotFound(case_id)

    # ---------------------------------------------------------------- exchange
    def export(self, case_id: int) -> dict[str, Any]:
        c = self.get(case_id)
        return {"format": FORMAT, "version": FORMAT_VERSION, "name": c.name, "created_at": c.created_at,
                "updated_at": c.updated_at, "profile": c.profile,
                "decisions": [{k: v for k, v in asdict(d).items() if k != "id"} for d in c.decisions]}

    def import_(self, doc: Any) -> int:
        """A new case from an exported document. Everything is checked before anything is written."""
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise InputError(f"not a socfit case file: expected a JSON object with \"format\": \"{FORMAT}\"")
        if type(doc.get("version")) is not int or doc["version"] != FORMAT_VERSION:  # not True, not 1.0
            raise InputError(f"case file version {doc.get('version')!r} is not supported (expected {FORMAT_VERSION})")
        unknown = set(doc) - {"format", "version", "name", "created_at", "updated_at", "profile", "decisions"}
        if unknown:
            raise InputError(f"case file: unknown field(s) {', '.join(sorted(unknown))}")
        if not isinstance(doc.get("profile"), dict):
            raise InputError("case file: 'profile' must be an object")
        try:
            profile = self.validate(doc["profile"])
        except InputError as e:
            raise InputError(f"case file profile: {e}") from None
        try:
            name = _text(doc.get("name", ""), "name", MAX_NAME) or profile.get("job_title", "case")[:MAX_NAME]
            created = _stamp(doc.get("created_at"), "created_at") or _now()
            updated = _stamp(doc.get("updated_at"), "updated_at") or created
        except InputError as e:
            raise InputError(f"case file: {e}") from None
        if updated < created:  # both UTC ISO 8601 from _stamp: text order is time order
            raise InputError(f"case file: updated_at {updated} is earlier than created_at {created}")
        ds = doc.get("decisions", [])
        if not isinstance(ds, list) or len(ds) > MAX_DECISIONS:
            raise InputError(f"case file: 'decisions' must be a list of at most {MAX_DECISIONS}")
        rows = []
        for i, d in enumerate(ds):
            try:
                rows.append(self._imported_decision(d, created))
            except InputError as e:  # not CodeError or PackError: a missing pack is not the file's fault
                raise InputError(f"case file decision {i + 1}: {e}") from None
        with self._tx() as con:
            cid = con.execute("INSERT INTO cases(name, profile, created_at, updated_at) VALUES (?,?,?,?)",
                              (name, _dump(profile), created, updated)).lastrowid
            con.executemany("INSERT INTO decisions(case_id, soc_code, soc_title, recommended, note, profile, decided_at) "
                            "VALUES (?,?,?,?,?,?,?)", [(cid, *r) for r in rows])
        return cid

    def _imported_decision(self, d: Any, created: str) -> tuple:
        """One decision of a case file as a row to insert, every field checked (codes against the pack)."""
        if not isinstance(d, dict) or not isinstance(d.get("soc_code"), str) or len(d["soc_code"]) > 40:
            raise InputError("needs a 'soc_code' text (a SOC code such as 15-1252)")
        extra = set(d) - {"soc_code", "soc_title", "note", "decided_at", "recommended", "profile"}
        if extra:
            raise InputError(f"unknown field(s) {', '.join(sorted(extra))}")
        code, title = self._decision(d["soc_code"])
        snap = d.get("profile")
        if snap is not None:
            if not isinstance(snap, dict):
                raise InputError("'profile' must be an object")
            snap = self.validate(snap)
        return (code, title, self._recommended(d.get("recommended")), _text(d.get("note", ""), "note", MAX_NOTE),
                _dump(snap) if snap is not None else None, _stamp(d.get("decided_at"), "decided_at") or created)

    def _recommended(self, rec: Any) -> str | None:
        """What socfit recommended, checked against the pack like a chosen code (so an export always imports)."""
        rec = _text(rec, "recommended", 20)
        if not rec:
            return None
        try:
            return self.check_code(rec)[0]
        except InputError as e:
            raise InputError(f"recommended: {e}") from None

    def _decision(self, soc_code: str) -> tuple[str, str]:
        if not isinstance(soc_code, str) or not soc_code.strip():
            raise InputError("choose a SOC code")
        return self.check_code(soc_code.strip())


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def _text(v: Any, what: str, limit: int) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise InputError(f"{what} must be text")
    v = v.strip()
    if len(v) > limit:
        raise InputError(f"{what} is longer than {limit:,} characters")
    return v


def _stamp(v: Any, what: str) -> str | None:
    if v in (None, ""):
        return None
    try:
        t = datetime.fromisoformat(str(v))
        # UTC, like the stamps this store writes: cases are ordered by comparing them as text
        t = t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise InputError(f"{what} {v!r} is not an ISO 8601 date-time") from None
    return t.isoformat(timespec="seconds")
