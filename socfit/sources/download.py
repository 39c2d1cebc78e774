"""`socfit data download`: fetch the official files and lay them out as `socfit data build` expects.

Each :class:`SourceFile` with ``fetch=True`` names its official URL (and the member, for files the agency
publishes inside a zip). Every URL is fetched once; files are written atomically; each is checked against
the sha256 recorded in PROVENANCE (a mismatch is a warning: agencies re-issue files) and then every
source is parsed from the new folder, so a changed layout is caught at download time, not at build time.

``mirror`` replaces scheme and host of every URL (tests serve fixtures from 127.0.0.1; an organisation
can point it at an internal copy).
"""

from __future__ import annotations

import csv
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from socfit import __version__
from socfit.errors import SocfitError, SourceError
from socfit.sources import ALL, cet, stem
from socfit.sources.base import Source, sha256_file, unzip_member

USER_AGENT = f"socfit/{__version__} (open-source SOC coder; https://pypi.org/project/socfit)"
MAX_BYTES = 512 * 1024 * 1024


@dataclass
class DownloadReport:
    dest: Path
    files: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _rewrite(url: str, mirror: str | None) -> str:
    if not mirror:
        return url
    u, m = urllib.parse.urlsplit(url), urllib.parse.urlsplit(mirror)
    return urllib.parse.urlunsplit((m.scheme, m.netloc, m.path.rstrip("/") + u.path, u.query, ""))


def fetch(url: str, timeout: float = 120.0) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as e:
        raise SourceError(f"{url}: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        raise SourceError(f"{url}: cannot connect ({getattr(e, 'reason', e)})") from None
    if len(data) > MAX_BYTES:
        raise SourceError(f"{url}: larger than {MAX_BYTES // 2**20} MiB; refusing")
    return data


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _cet_areas(dest: Path, report: DownloadReport) -> None:
    """No machine-readable CET list exists: write socfit's transcription, checked against the PDF's text."""
    spec = json.loads(resources.files("socfit").joinpath("data/cet_areas.json").read_text("utf-8"))
    pdf = dest / cet.PDF.path
    if pdf.is_file():
        try:
            from pypdf import PdfReader

            text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(pdf)).pages).lower()
            missing = [a["area"] for a in spec["areas"] if a["area"].lower() not in text]
            if missing:
                report.warnings.append(f"CET PDF text does not contain these area names: {missing}")
        except Exception as e:  # a damaged PDF should not stop the download
            report.warnings.append(f"could not read {pdf} to check CET names ({type(e).__name__})")
    path = dest / cet.AREAS.path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "area", "list_version"])
        for a in spec["areas"]:
            w.writerow([a["id"], a["area"], "2024-02"])


def download(dest: Path, mirror: str | None = None, only: list[str] | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> DownloadReport:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    report = DownloadReport(dest)
    chosen: list[Source] = [s for s in ALL if not only or s.name in only]
    unknown = set(only or []) - {s.name for s in ALL}
    if unknown:
        raise SocfitError(f"unknown source(s) {sorted(unknown)}; known: {[s.name for s in ALL]}")
    by_url: dict[str, list] = {}
    for s in chosen:
        for f in s.files:
            if f.fetch:
                by_url.setdefault(f.url, []).append(f)
    step = progress or (lambda *a: None)
    for i, (url, files) in enumerate(by_url.items()):
        real = _rewrite(url, mirror)
        step(f"fetching {real}", i, len(by_url))
        try:
            data = fetch(real)
        except SourceError as e:
            (report.warnings if all(f.optional for f in files) else report.errors).append(str(e))
            continue
        for f in files:
            try:
                body = unzip_member(data, f.member) if f.member else data
            except (SourceError, Exception) as e:  # BadZipFile and friends
                report.errors.append(f"{real}: cannot take {f.member or f.path} from it ({e})")
                continue
            _write(dest / f.path, body)
            digest = sha256_file(dest / f.path)
            if f.sha256 and digest != f.sha256:
                report.warnings.append(f"{f.path}: sha256 differs from the version socfit was tested with "
                                       "(a newer release?); it will be parsed and checked")
            report.files.append({"path": f.path, "url": real, "sha256": digest, "bytes": len(body)})
    step("verifying", len(by_url), len(by_url))
    if any(s is cet.SOURCE for s in chosen):
        _cet_areas(dest, report)
    for s in chosen:
        try:
            s.parse(dest)
        except SocfitError as e:
            report.errors.append(f"{s.name}: downloaded files do not parse: {e}")
    if any(s is stem.SOURCE for s in chosen) and not (dest / stem.CSV.path).is_file():
        report.warnings.append("DHS STEM codes will be read from the official PDF (needs pypdf)")
    return report
