"""Batch coding of a CSV or Excel file: streamed in chunks, one output row per input row, in order. A CSV
runs in constant memory; a workbook holds its distinct texts (Excel's shared-strings table) in memory.

A bad row (empty title, more fields than the header) gets an ``error`` field; it never stops the file.
CSV and Excel output keep every input column in order, then the codes. An output file is written whole or not
at all. Encoding: UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they are; otherwise
cp1252/latin-1 files are detected by a strict UTF-8 probe of the first megabyte and read as cp1252, and the
choice is reported. An Excel workbook (.xlsx, .xlsm) is read from its first sheet, whose first non-empty row is
the header; it is recognised by its content (a ZIP archive), not its name.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from socfit.coder import Coder
from socfit.errors import InputError, SocfitError

CHUNK = 256
csv.field_size_limit(10_000_000)


def detect_encoding(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return "utf-16"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: .xls, or an .xlsx Excel encrypted
        raise InputError(f"{path}: an old Excel .xls workbook or a password-protected one; save it without a "
                         "password as .xlsx or as UTF-8 CSV")
    if b"\x00" in head:
        raise InputError(f"{path}: not UTF-8 text: it contains NUL bytes (a binary file, or UTF-16 without a "
                         "byte-order mark); re-save it as UTF-8 CSV")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if len(head) == 1 << 20 and e.start > len(head) - 4:  # a multi-byte character cut by the probe
            return "utf-8"
        try:
            head.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 (invalid byte 0x{head[e.start]:02x} at offset {e.start}) and not "
                             "cp1252 either; re-save the file as UTF-8 CSV") from None


def is_xlsx(path: Path) -> bool:
    """An Excel workbook (.xlsx/.xlsm are ZIP archives), told by its first bytes: a renamed file still reads."""
    try:
        with path.open("rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _csv_records(path: Path, encoding: str) -> tuple[list[str], Iterator[list[str]], Callable[[], None]]:
    try:
        f = open(path, newline="", encoding=encoding, errors="strict")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    reader = csv.reader(f)
    try:
        cols = next(reader, [])
    except csv.Error as e:
        f.close()
        raise InputError(f"{path}: the header row is not readable CSV: {e}") from None

    def gen():
        try:
            yield from reader
        except UnicodeDecodeError as e:  # e.start counts from the block being decoded, not the file
            raise InputError(f"{path}: undecodable byte 0x{e.object[e.start]:02x} as {encoding} after line "
                             f"{reader.line_num}; re-save as UTF-8") from None
        except csv.Error as e:
            raise InputError(f"{path}: line {reader.line_num}: {e}") from None
        except OSError as e:  # a read failing mid-file (a removed disk, a network share)
            raise InputError(f"{path}: cannot read after line {reader.line_num}: {e.strerror or e}") from None

    return cols, gen(), f.close


def _cell_text(v) -> str:
    """A spreadsheet cell as the text a person sees: 12.0 -> '12', a date -> '2025-01-31', empty -> ''."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _xlsx_records(path: Path) -> tuple[list[str], Iterator[list[str]], Callable[[], None]]:
    """The first sheet, read row by row (openpyxl's read-only mode; only the workbook's shared-strings table,
    every distinct text, is held in memory)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        fh = path.open("rb")  # a file object: openpyxl would judge a path by its extension
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        wb = load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as e:
        fh.close()
        raise InputError(f"{path}: not a readable Excel workbook ({e}); save it as .xlsx or as UTF-8 CSV") from None

    def close() -> None:
        wb.close()
        fh.close()

    if not wb.worksheets:
        close()
        raise InputError(f"{path}: the workbook has no worksheet")
    it = wb.worksheets[0].iter_rows(values_only=True)

    def texts():
        try:
            for row in it:
                rec = [_cell_text(v) for v in row]
                while rec and not rec[-1].strip():  # Excel pads rows to the sheet's widest one
                    rec.pop()
                yield rec
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
            raise InputError(f"{path}: the sheet cannot be read to the end ({e})") from None

    recs = texts()
    try:
        cols = next((r for r in recs if r), [])
    except InputError:
        close()
        raise
    return cols, recs, close


def _rows(path: Path, encoding: str) -> tuple[list[str], Iterator[dict]]:
    """The header and the rows. Rows are read as lists, not dicts, so two columns with one name both keep
    their values; a row with more fields than the header keeps the extra ones apart (``extra``)."""
    cols, records, close = _xlsx_records(path) if encoding == "xlsx" else _csv_records(path, encoding)
    if "title" not in [c.strip().lower() for c in cols]:
        close()
        raise InputError(f"{path}: no 'title' column; columns found: {cols}")
    key: dict[str, int] = {}
    for i, c in enumerate(cols):
        k = c.strip().lower()
        if k in ("title", "description", "education") and k in key:
            close()
            raise InputError(f"{path}: two columns read as '{k}' ({cols[key[k]]!r} and {c!r}); keep one")
        key.setdefault(k, i)
    width = len(cols)

    def gen():
        try:
            for rec in records:
                if not rec:  # a blank line (as csv.DictReader skips them)
                    continue
                get = lambda k: rec[key[k]] if k in key and key[k] < len(rec) else ""  # noqa: E731
                yield {"title": get("title"), "description": get("description"), "education": get("education"),
                       "_raw": rec[:width] + [""] * (width - len(rec)),
                       "extra": rec[width:] if any(x.strip() for x in rec[width:]) else []}
        finally:
            close()

    return cols, gen()


def code_file(coder: Coder, inp: Path, out: Path | None, fmt: str = "jsonl", top: int = 5,
              progress: Callable[[int], None] | None = None) -> dict:
    """Code ``inp`` into ``out`` (stdout when None). A file is written whole or not at all: it is written
    beside ``out`` as ``.part`` and renamed at the end, so a failure never leaves half a file (nor loses the
    previous one)."""
    if not inp.is_file():
        raise InputError(f"{inp}: no such file")
    if inp.stat().st_size == 0:
        raise InputError(f"{inp}: the file is empty; it needs a header row with a 'title' column")
    if out is not None:
        if out.resolve() == inp.resolve():
            raise InputError(f"--output {out} is the input file; writing it would destroy the input")
        if not out.parent.is_dir():
            raise InputError(f"--output {out}: folder {out.parent} does not exist")
        if out.is_dir():
            raise InputError(f"--output {out} is a folder: give a file name, e.g. {out / ('coded.' + fmt)}")
    if fmt == "xlsx" and out is None:
        raise InputError("--format xlsx writes a binary file: give --output FILE.xlsx")
    enc = "xlsx" if is_xlsx(inp) else detect_encoding(inp)
    cols, rows = _rows(inp, enc)
    try:
        if fmt == "xlsx":
            with output_file(out, "wb") as sink:
                rep = _code_rows(coder, cols, rows, sink, fmt, top, progress)
        elif out is None:
            rep = _code_rows(coder, cols, rows, sys.stdout, fmt, top, progress)
        else:
            with output_file(out, "w", newline="", encoding="utf-8") as sink:
                rep = _code_rows(coder, cols, rows, sink, fmt, top, progress)
    except OSError as e:
        raise InputError(f"cannot write {out or 'the output'}: {e.strerror or e}") from None
    finally:
        rows.close()
    return rep | {"encoding": enc}


@contextmanager
def output_file(path: Path, mode: str = "wb", **kw):
    """Open ``path`` for writing whole-or-nothing: the data go to ``<name>.part`` beside it, renamed over it
    only when the block ends without an error. Through a symlink the target is written and the link kept;
    a device or a named pipe (/dev/stdout) is written straight."""
    if path.exists() and not path.is_file():
        with open(path, mode, **kw) as f:
            yield f
        return
    target = path.resolve()
    tmp = target.with_name(target.name + ".part")
    try:
        with open(tmp, mode, **kw) as f:
            yield f
        tmp.replace(target)
    finally:
        if tmp.is_file():
            tmp.unlink()


def _code_rows(coder: Coder, cols: list[str], rows: Iterator[dict], sink, fmt: str, top: int,
               progress: Callable[[int], None] | None) -> dict:
    writer = book = None
    if fmt in ("csv", "xlsx"):
        extra = [f"{k}_{i}" for i in range(1, top + 1) for k in ("soc", "title", "score")] + ["confident", "error"]
        if fmt == "csv":
            writer = csv.writer(sink)
        else:
            book, writer = _XlsxWriter.open()
        # An input column with an output column's name (a file coded before) is kept as "<name> (input)".
        writer.writerow([f"{c} (input)" if c in extra else c for c in cols] + extra)
    try:
        n, errors = _code_chunks(coder, rows, sink, writer, top, progress)
        if book is not None:
            book.save(sink)
    except BaseException:
        if book is not None:
            writer.discard()
        raise
    return {"rows": n, "errors": errors}


def _code_chunks(coder: Coder, rows: Iterator[dict], sink, writer, top: int,
                 progress: Callable[[int], None] | None) -> tuple[int, int]:
    n = errors = 0
    chunk: list[dict] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= CHUNK:
            errors += _flush(coder, chunk, n, sink, writer, top)
            n += len(chunk)
            chunk = []
            if progress:
                progress(n)
    if chunk:
        errors += _flush(coder, chunk, n, sink, writer, top)
        n += len(chunk)
        if progress:
            progress(n)
    return n, errors


def _flush(coder: Coder, chunk: list[dict], start: int, sink, writer, top: int) -> int:
    ok = [i for i, r in enumerate(chunk) if r["title"].strip() and not r["extra"]]
    results = {}
    if ok:
        try:
            res = coder.code_many([(chunk[i]["title"], chunk[i]["description"] or None) for i in ok], top=top,
                                  questions=False)
            results = dict(zip(ok, res))
        except SocfitError:  # fall back to one by one so one bad row cannot sink its chunk
            for i in ok:
                try:
                    results[i] = coder.code(chunk[i]["title"], chunk[i]["description"] or None, top)
                except SocfitError as e:
                    results[i] = e
    errors = 0
    for i, r in enumerate(chunk):
        res = results.get(i)
        err = None
        if r["extra"]:  # an unquoted comma, most likely: which field is the title is not certain
            n = len(r["_raw"]) + len(r["extra"])
            err = (f"{n} fields where the header has {len(r['_raw'])}; quote fields that contain commas. "
                   f"Not coded; the fields beyond the header: {json.dumps(r['extra'], ensure_ascii=False)}")
        elif res is None:
            err = "empty title"
        elif isinstance(res, Exception):
            err, res = str(res), None
        errors += err is not None
        if writer is None:
            obj = {"row": start + i, "candidates": [] if res is None else [
                {"soc_code": c.soc_code, "soc_title": c.soc_title, "score": c.score, "onet_code": c.onet_code}
                for c in res.candidates]}
            if res is not None:
                obj["confident"] = res.confident
                if res.notes:
                    obj["notes"] = res.notes
            if err:
                obj["error"] = err
            sink.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            coded = [""] * (3 * top) + [""]
            if res is not None:
                for k, c in enumerate(res.candidates):
                    coded[3 * k: 3 * k + 3] = [c.soc_code, c.soc_title, c.score]
                coded[-1] = res.confident
            writer.writerow(r["_raw"] + coded + [err or ""])
    return errors


# Excel's own limits: a sheet holds 1,048,576 rows, a cell 32,767 characters.
XLSX_ROWS, XLSX_CELL = 1_048_576, 32_767
_CUT = " [cut: an Excel cell holds 32,767 characters; the input file has it whole]"


class _XlsxWriter:
    """csv.writer's ``writerow`` over an openpyxl write-only sheet: rows are streamed out, only the distinct
    texts (the shared-strings table) stay in memory."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.rows = 0

    @classmethod
    def open(cls):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        return book, cls(book.create_sheet("coded"))

    def discard(self) -> None:
        """Drop a sheet that will not be saved: end its stream and remove openpyxl's temporary file now (a
        server would otherwise keep one per failed upload until it exits)."""
        out = getattr(getattr(self.sheet, "_writer", None), "out", None)
        try:
            if not self.sheet.closed:
                self.sheet.close()
        except Exception:  # noqa: BLE001  the sheet is thrown away; its own failure does not matter
            pass
        if isinstance(out, str):
            Path(out).unlink(missing_ok=True)

    def writerow(self, row: list) -> None:
        self.rows += 1
        if self.rows > XLSX_ROWS:  # the partial output is removed (output_file); nothing is half-written
            raise InputError(f"the input has more rows than an Excel sheet holds ({XLSX_ROWS - 1:,} after the "
                             "header); use --format csv or jsonl")
        self.sheet.append([self._cell(v) for v in row])

    def _cell(self, v):
        if not isinstance(v, str):
            return v
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        v = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)  # control characters Excel's XML cannot hold
        if len(v) > XLSX_CELL:  # a longer cell makes Excel "repair" (empty) the whole file on opening
            v = v[:XLSX_CELL - len(_CUT)] + _CUT
        if not v.startswith("="):
            return v
        cell = WriteOnlyCell(self.sheet, v)  # text stays text: "=HYPERLINK(...)" must not become a live formula
        cell.data_type = "s"
        return cell
