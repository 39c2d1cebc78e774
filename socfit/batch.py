"""Batch coding of a CSV: streamed in chunks (constant memory), one output row per input row, in order.

A bad row (empty title) gets an ``error`` field; it never stops the file. Encoding: UTF-8 (with or
without BOM) and UTF-16 with a BOM are read as they are; otherwise cp1252/latin-1 files are detected by a
strict UTF-8 probe of the first megabyte and read as cp1252, and the choice is reported.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from socfit.coder import Coder
from socfit.errors import InputError, SocfitError

CHUNK = 256
csv.field_size_limit(10_000_000)


def detect_encoding(path: Path) -> str:
    head = path.open("rb").read(1 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return "utf-16"
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


def _rows(path: Path, encoding: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    f = open(path, newline="", encoding=encoding, errors="strict")
    reader = csv.DictReader(f)
    cols = reader.fieldnames or []
    if "title" not in [c.strip().lower() for c in cols]:
        f.close()
        raise InputError(f"{path}: no 'title' column; columns found: {cols}")
    key: dict[str, str] = {}
    for c in cols:
        k = (c or "").strip().lower()
        if k in ("title", "description", "education") and k in key:
            f.close()
            raise InputError(f"{path}: two columns read as '{k}' ({key[k]!r} and {c!r}); keep one")
        key.setdefault(k, c)

    def gen():
        with f:
            try:
                for r in reader:
                    yield {"title": r.get(key["title"]) or "", "description": r.get(key.get("description", ""), "") or "",
                           "education": r.get(key.get("education", ""), "") or "", "_raw": r}
            except UnicodeDecodeError as e:
                raise InputError(f"{path}: undecodable byte at offset {e.start} as {encoding}; re-save as UTF-8") from None

    return cols, gen()


def code_file(coder: Coder, inp: Path, out: Path | None, fmt: str = "jsonl", top: int = 5,
              progress: Callable[[int], None] | None = None) -> dict:
    if not inp.is_file():
        raise InputError(f"{inp}: no such file")
    if inp.stat().st_size == 0:
        raise InputError(f"{inp}: the file is empty; it needs a header row with a 'title' column")
    if out is not None:
        if out.resolve() == inp.resolve():
            raise InputError(f"--output {out} is the input file; writing it would destroy the input")
        if not out.parent.is_dir():
            raise InputError(f"--output {out}: folder {out.parent} does not exist")
    enc = detect_encoding(inp)
    cols, rows = _rows(inp, enc)
    sink = open(out, "w", newline="", encoding="utf-8") if out else sys.stdout
    writer, renamed = None, {}
    if fmt == "csv":
        extra = [f"{k}_{i}" for i in range(1, top + 1) for k in ("soc", "title", "score")] + ["confident", "error"]
        # An input column with an output column's name (a file coded before) is kept as "<name> (input)".
        renamed = {c: f"{c} (input)" for c in cols if c in extra}
        writer = csv.DictWriter(sink, fieldnames=[renamed.get(c, c) for c in cols] + extra, extrasaction="ignore")
        writer.writeheader()
    n = errors = 0
    try:
        chunk: list[dict] = []
        for r in rows:
            chunk.append(r)
            if len(chunk) >= CHUNK:
                e = _flush(coder, chunk, n, sink, writer, top, renamed)
                n, errors = n + len(chunk), errors + e
                chunk = []
                if progress:
                    progress(n)
        if chunk:
            errors += _flush(coder, chunk, n, sink, writer, top, renamed)
            n += len(chunk)
            if progress:
                progress(n)
    finally:
        if out:
            sink.close()
    return {"rows": n, "errors": errors, "encoding": enc}


def _flush(coder: Coder, chunk: list[dict], start: int, sink, writer, top: int, renamed: dict[str, str]) -> int:
    ok = [i for i, r in enumerate(chunk) if r["title"].strip()]
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
        if res is None:
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
            out = {renamed.get(k, k): v for k, v in r["_raw"].items()}
            if res is not None:
                for k, c in enumerate(res.candidates, 1):
                    out.update({f"soc_{k}": c.soc_code, f"title_{k}": c.soc_title, f"score_{k}": c.score})
                out["confident"] = res.confident
            out["error"] = err or ""
            writer.writerow(out)
    return errors
