"""Shared plumbing for source parsers: file specs, checksums, and readers for the published formats.

Each parser module in this package exposes ``SOURCE`` (a :class:`Source`) whose ``parse(root)`` returns
:class:`Table` objects. Readers here know the quirks of the agencies' files (title rows above the header,
``="01.0000"`` Excel-style strings, footnote rows) so that parsers only map columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from socfit.errors import SourceError


@dataclass(frozen=True)
class SourceFile:
    """One official file: where it lives under the sources folder and where it comes from."""

    path: str  # relative to the sources root, e.g. "onet/onet_30_3_csv/task_statements.csv"
    url: str  # official URL (for a file inside a zip: the zip's URL)
    sha256: str = ""  # checksum recorded in PROVENANCE.md ("" = not recorded)
    member: str = ""  # name inside the zip at ``url``, when the agency publishes a zip
    optional: bool = False  # parser can do without it (e.g. a fallback version)
    fetch: bool = True  # `socfit data download` fetches it (False: a staged derivative with no official URL)


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "TEXT"  # SQLite type affinity


@dataclass
class Table:
    """Rows for one pack table, with the columns they fill (in order)."""

    name: str
    columns: Sequence[Column]
    rows: list[tuple]
    indexes: Sequence[str] = ()  # column names (or "a,b") to index
    source_files: Sequence[str] = ()  # relative paths the rows came from
    version: str = ""  # when it differs from the source's version (e.g. Alternate Titles 30.0)
    warnings: list[str] = field(default_factory=list)  # data-quality notes found while parsing


@dataclass
class Source:
    """An official data source: metadata plus a parser from files to tables."""

    name: str
    title: str
    version: str
    license: str
    homepage: str
    files: Sequence[SourceFile]
    parse: Callable[[Path], list[Table]] = field(repr=False, default=lambda root: [])
    provenance: str = ""  # folder holding PROVENANCE.md, relative to the root


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def require(root: Path, spec: SourceFile) -> Path:
    """Path of a source file, or a SourceError naming the file and where to get it."""
    path = root / spec.path
    if not path.is_file():
        where = f"{spec.url} (member {spec.member})" if spec.member else spec.url
        raise SourceError(
            f"missing source file {path}: get it from {where}, "
            f"or run `socfit data download --dest {root}`"
        )
    return path


# ---------------------------------------------------------------- cell cleaning

_EXCEL_STR = re.compile(r'^="(.*)"$')


def clean(value: object) -> str:
    """A cell as a stripped string; None -> ''. Unwraps ``="01.0000"`` and drops float '.0' noise."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip().replace("\u00a0", " ")
    m = _EXCEL_STR.match(s)
    return m.group(1).strip() if m else s


def to_float(value: object) -> float | None:
    """Numbers as published; '', '—', '*', '#' (suppressed / top-coded) and 'n/a' -> None."""
    s = clean(value).replace(",", "").replace("$", "")
    if s in {"", "—", "-", "–", "*", "**", "#", "n/a", "N/A", "NA"}:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def to_int(value: object) -> int | None:
    f = to_float(value)
    return int(f) if f is not None else None


# ---------------------------------------------------------------- readers


def _norm_header(h: object) -> str:
    return re.sub(r"\s+", " ", clean(h)).lower()


def _check_header(path: Path, where: str, header: Sequence[str], expected: Sequence[str]) -> dict[str, int]:
    idx = {_norm_header(h): i for i, h in enumerate(header) if clean(h)}
    missing = [c for c in expected if c.lower() not in idx]
    if missing:
        found = [clean(h) for h in header if clean(h)]
        raise SourceError(
            f"{path}{where}: unexpected columns. Expected {list(expected)}; found {found} "
            f"(missing {missing}). Is this the published file?"
        )
    return {c: idx[c.lower()] for c in expected}


def _rows_as_dicts(
    path: Path, where: str, rows: Iterator[Sequence[object]], expected: Sequence[str], scan: int
) -> Iterator[dict[str, str]]:
    """Find the header row among the first ``scan`` rows (title blocks sit above it), then yield dicts."""
    wanted = {c.lower() for c in expected}
    seen: list[Sequence[object]] = []
    header = None
    for row in rows:
        if {_norm_header(c) for c in row} >= wanted:
            header = row
            break
        seen.append(row)
        if len(seen) >= scan:
            break
    if header is None:
        first = next((r for r in seen if any(clean(c) for c in r)), [])
        _check_header(path, where, first, expected)  # raises with the columns found
        raise SourceError(f"{path}{where}: no header row with {list(expected)}")
    pos = _check_header(path, where, header, expected)
    for row in rows:
        if not any(clean(c) for c in row):
            continue
        yield {c: clean(row[i]) if i < len(row) else "" for c, i in pos.items()}


def read_csv(path: Path, expected: Sequence[str], scan: int = 10, encoding: str = "utf-8-sig") -> Iterator[dict[str, str]]:
    """Rows of a published CSV as dicts keyed by the expected column names."""
    try:
        with open(path, newline="", encoding=encoding) as f:
            yield from _rows_as_dicts(path, "", iter(csv.reader(f)), expected, scan)
    except UnicodeDecodeError as e:
        raise SourceError(f"{path}: not {encoding} text ({e.reason} at byte {e.start}); is the file corrupt?") from None
    except csv.Error as e:
        raise SourceError(f"{path}: malformed CSV ({e})") from None


def _open_xlsx(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise SourceError(f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from None


def read_xlsx(
    path: Path, expected: Sequence[str], sheet: str | int = 0, scan: int = 15
) -> Iterator[dict[str, str]]:
    """Rows of one worksheet as dicts; the header is found below any title block."""
    wb = _open_xlsx(path)
    try:
        names = wb.sheetnames
        if isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise SourceError(f"{path}: no sheet {sheet!r}; sheets are {names}")
        ws.reset_dimensions()  # some agency files carry a wrong <dimension>, which truncates reads
        yield from _rows_as_dicts(path, f" [{ws.title}]", ws.iter_rows(values_only=True), expected, scan)
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise SourceError(f"{path}: corrupt workbook ({type(e).__name__}: {e})") from None
    finally:
        wb.close()


def read_xls(path: Path, expected: Sequence[str], sheet: str | int = 0, scan: int = 15) -> Iterator[dict[str, str]]:
    """Rows of a legacy .xls worksheet (BLS ISCO crosswalk)."""
    import xlrd

    try:
        wb = xlrd.open_workbook(str(path))
    except Exception as e:  # xlrd raises its own zoo of errors on corrupt files
        raise SourceError(f"{path}: not a readable .xls workbook ({type(e).__name__}: {e})") from None
    try:
        sh = wb.sheet_by_index(sheet) if isinstance(sheet, int) else wb.sheet_by_name(sheet)
    except (IndexError, xlrd.biffh.XLRDError):
        raise SourceError(f"{path}: no sheet {sheet!r}; sheets are {wb.sheet_names()}") from None
    rows = (sh.row_values(i) for i in range(sh.nrows))
    yield from _rows_as_dicts(path, f" [{sh.name}]", rows, expected, scan)


def read_table(path: Path, expected: Sequence[str], sheet: str | int = 0, scan: int = 15) -> Iterator[dict[str, str]]:
    """Dispatch on the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, expected, scan=scan)
    if suffix == ".xlsx":
        return read_xlsx(path, expected, sheet=sheet, scan=scan)
    if suffix == ".xls":
        return read_xls(path, expected, sheet=sheet, scan=scan)
    raise SourceError(f"{path}: unsupported file type {suffix!r}")


def text_columns(*names: str) -> list[Column]:
    return [Column(n) for n in names]


def cols(spec: str) -> list[Column]:
    """'a, b:INTEGER, c:REAL' -> columns. Keeps table declarations one line each."""
    out = []
    for part in spec.split(","):
        name, _, typ = part.strip().partition(":")
        out.append(Column(name.strip(), typ.strip() or "TEXT"))
    return out


def first_existing(root: Path, specs: Iterable[SourceFile]) -> SourceFile | None:
    for s in specs:
        if (root / s.path).is_file():
            return s
    return None


def unzip_member(data: bytes, member: str) -> bytes:
    """Bytes of one member of a zip (download path): matched by basename so agency folder prefixes do not matter."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name == member or name.rsplit("/", 1)[-1] == member.rsplit("/", 1)[-1]:
                return z.read(name)
    raise SourceError(f"zip has no member {member!r}")
