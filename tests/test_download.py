"""`socfit data download` against a local HTTP server on 127.0.0.1 serving fixture files at official paths."""

import http.server
import threading
import urllib.parse
from pathlib import Path

import pytest

from socfit.sources import ALL
from socfit.sources.download import download
from tests.sources_fixture import write_sources, zip_bytes

ONLY = ["nces_cip2020_soc2018", "onet_soc_2019_taxonomy", "isco_soc_crosswalk", "cet_2024"]


def routes_for(origin: Path, names: list[str]) -> dict[str, bytes]:
    """URL path -> body, as the agencies publish: plain files, or zips holding members."""
    routes: dict[str, dict[str, bytes] | bytes] = {}
    for s in ALL:
        if s.name not in names:
            continue
        for f in s.files:
            if not f.fetch or not (origin / f.path).is_file():
                continue
            path = urllib.parse.urlsplit(f.url).path
            if f.member:
                routes.setdefault(path, {})[f"OccupationalListings/{f.member}"] = (origin / f.path).read_bytes()
            else:
                routes[path] = (origin / f.path).read_bytes()
    return {p: zip_bytes(b) if isinstance(b, dict) else b for p, b in routes.items()}


@pytest.fixture()
def server(tmp_path):
    origin = write_sources(tmp_path / "origin")
    routes = routes_for(origin, ONLY)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = routes.get(urllib.parse.urlsplit(self.path).path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()


def test_download_lays_out_files_that_parse(server, tmp_path):
    base, _ = server
    dest = tmp_path / "dest"
    rep = download(dest, mirror=base, only=ONLY)
    assert rep.errors == []
    assert (dest / "onet_soc_2019_taxonomy" / "2019_to_SOC_Crosswalk.xlsx").is_file()  # taken out of the zip
    assert (dest / "nces_cip2020_soc2018" / "CIPCode2020.csv").is_file()
    assert (dest / "isco_soc_crosswalk" / "isco_soc_crosswalk.xls").is_file()
    assert (dest / "cet_2024" / "areas.csv").read_text().count("\n") == 19  # header + 18 areas
    assert all(f["url"].startswith("http://127.0.0.1:") for f in rep.files)
    assert any("sha256 differs" in w for w in rep.warnings)  # fixtures are not the official bytes
    assert any("Critical-and-Emerging" in w for w in rep.warnings)  # optional PDF 404 is only a warning


def test_download_reports_missing_official_file(server, tmp_path):
    base, routes = server
    routes.pop("/ipeds/cipcode/Files/CIPCode2020.csv")
    rep = download(tmp_path / "dest", mirror=base, only=["nces_cip2020_soc2018"])
    assert any("CIPCode2020.csv: HTTP 404" in e for e in rep.errors)
    assert any("do not parse" in e for e in rep.errors)


def test_download_unknown_source_is_rejected(tmp_path):
    from socfit.errors import SocfitError

    with pytest.raises(SocfitError, match="unknown source"):
        download(tmp_path, only=["nope"])


def test_unreachable_host_is_an_error_not_a_hang(tmp_path):
    rep = download(tmp_path / "d", mirror="http://127.0.0.1:9", only=["isco_soc_crosswalk"])
    assert rep.errors and "cannot connect" in rep.errors[0]
