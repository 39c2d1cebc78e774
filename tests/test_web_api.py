"""The web app through its HTTP interface (FastAPI TestClient): the JSON API, the pages' form posts, cases,
and the security model (CSRF, token, Host and Origin checks, size limits, escaping, headers).

Everything the advisor is not needed for runs on the tiny fixture pack; advice itself on the real pack."""

import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi")
pytest.importorskip("onnxruntime")

from fastapi.testclient import TestClient  # noqa: E402

from socfit.errors import InputError  # noqa: E402
from socfit.web.app import create_app, run  # noqa: E402
from socfit.web.cases import CaseStore  # noqa: E402
from socfit.web.security import CSRF_COOKIE, JSON_LIMIT, UPLOAD_LIMIT  # noqa: E402

BASE = "http://127.0.0.1:8000"
EXAMPLE = yaml.safe_load((Path(__file__).parent.parent / "docs/examples/ml_engineer_niw.yaml").read_text())


@pytest.fixture(scope="module")
def app(fixture_pack_path, tmp_path_factory):
    return create_app(fixture_pack_path, cases_db=tmp_path_factory.mktemp("web") / "cases.sqlite")


@pytest.fixture()
def client(app):
    with TestClient(app, base_url=BASE) as c:
        yield c


@pytest.fixture(scope="module")
def real_client(real_pack_path, tmp_path_factory):
    app = create_app(real_pack_path, cases_db=tmp_path_factory.mktemp("webreal") / "cases.sqlite")
    with TestClient(app, base_url=BASE) as c:
        yield c


def csrf(c: TestClient) -> str:
    c.get("/")
    return c.cookies[CSRF_COOKIE]


# ---------------------------------------------------------------------- JSON API
def test_health_names_the_pack_and_data_versions(client):
    d = client.get("/api/health").json()
    assert d["ok"] is True and len(d["pack_id"]) == 16
    assert d["data_versions"]["soc_groups"]["version"]


def test_code_returns_ranked_candidates(client):
    r = client.post("/api/code", json={"title": "Sr. Software Engineer II", "top": 2})
    assert r.status_code == 200
    assert r.json()["candidates"][0]["soc_code"] == "15-1252" and len(r.json()["candidates"]) == 2


@pytest.mark.parametrize("body", [{"title": ""}, {"title": "x", "top": 0}, {"titel": "Nurse"}, ["Nurse"]])
def test_code_rejects_bad_bodies_with_422(client, body):
    r = client.post("/api/code", json=body)
    assert r.status_code == 422 and r.json()["detail"]


def test_occupation_card_and_retired_code_notice(client):
    assert client.get("/api/occupations/151252").json()["title"] == "Software Developers"
    retired = client.get("/api/occupations/15-1132").json()
    assert retired["soc_code"] == "15-1252" and "SOC 2010" in retired["notice"]


def test_unknown_code_is_404_with_nearest_codes(client):
    r = client.get("/api/occupations/15-1259")
    assert r.status_code == 404 and "not a SOC 2018 code" in r.json()["detail"]
    assert {"soc_code": "15-1252", "title": "Software Developers"} in r.json()["suggestions"]


def test_group_code_lists_its_detailed_occupations(client):
    r = client.get("/api/occupations/15-1200")
    assert r.status_code == 404 and "group" in r.json()["detail"]
    assert [s["soc_code"] for s in r.json()["suggestions"]] == ["15-1252", "15-1299"]


def test_search_matches_codes_titles_and_alternate_titles(client):
    by_title = client.get("/api/search", params={"q": "softw"}).json()
    assert by_title[0] == {"soc_code": "15-1252", "title": "Software Developers", "matched": "Software Developers",
                           "source": "soc"}
    assert client.get("/api/search", params={"q": "15-12"}).json()[0]["soc_code"] == "15-1252"
    alt = client.get("/api/search", params={"q": "solutions arch"}).json()
    assert alt[0]["soc_code"] == "15-1299" and alt[0]["matched"] == "Solutions Architect"
    assert client.get("/api/search", params={"q": ""}).json() == []
    assert len(client.get("/api/search", params={"q": "e"}).json()) <= 20


def test_batch_csv_upload_downloads_coded_csv(client):
    csv_in = "id,title\n1,Software Engineer\n2,\n3,Registered Nurse\n"
    r = client.post("/api/batch", files={"file": ("jobs.csv", csv_in, "text/csv")}, data={"format": "csv", "top": "2"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="jobs-coded.csv"' in r.headers["content-disposition"]
    lines = r.text.splitlines()
    assert lines[0].startswith("id,title,soc_1,title_1,score_1,soc_2")
    assert lines[1].startswith("1,Software Engineer,15-1252,") and lines[2].endswith("empty title")
    assert r.headers["x-socfit-rows"] == "3" and r.headers["x-socfit-errors"] == "1"


def test_batch_jsonl_and_a_file_without_title_column(client):
    r = client.post("/api/batch", files={"file": ("a.csv", "title\nRegistered Nurse\n")}, data={"format": "jsonl"})
    assert json.loads(r.text.splitlines()[0])["candidates"][0]["soc_code"] == "29-1141"
    bad = client.post("/api/batch", files={"file": ("b.csv", "name\nx\n")})
    assert bad.status_code == 422 and "no 'title' column" in bad.json()["detail"]


@pytest.mark.parametrize("content, message", [(b"", "empty"), (bytes(range(256)) * 4, "not UTF-8")])
def test_batch_errors_name_the_upload_not_a_server_path(client, content, message):
    r = client.post("/api/batch", files={"file": ("jobs.csv", content)})
    assert r.status_code == 422 and message in r.json()["detail"]
    assert r.json()["detail"].startswith("jobs.csv:") and "socfit-batch-" not in r.json()["detail"]


def test_openapi_lists_every_endpoint_and_docs_page_is_local(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/advise", "/api/code", "/api/occupations/{code}", "/api/search", "/api/health", "/api/batch",
              "/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/decisions", "/api/cases/{case_id}/export",
              "/api/cases/import", "/api/report"):
        assert p in paths
    page = client.get("/docs").text
    assert "/api/advise" in page and "Profile" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the docs page must not load anything external"


# ---------------------------------------------------------------------- advice (real pack)
def test_advise_returns_the_advisor_contract(real_client):
    r = real_client.post("/api/advise", json=EXAMPLE)
    assert r.status_code == 200, r.text
    d = r.json()
    assert {"profile", "recommendation", "candidates", "flags", "questions", "part6", "data_versions"} <= set(d)
    assert d["recommendation"]["soc_code"] in {c["soc_code"] for c in d["candidates"]}
    assert d["part6"]["soc_code_boxes"] == d["recommendation"]["soc_code"].split("-")


@pytest.mark.parametrize("profile, message", [
    ({"job_title": "Engineer", "dutes": ["x"]}, "dutes"),
    ({"duties": ["Write code"]}, "job_title"),
    ({"job_title": "Engineer", "degree": {"level": "phd-ish"}}, "level"),
    ({"job_title": "Engineer", "salary": -5}, "salary"),
])
def test_bad_profiles_are_422_naming_the_field(real_client, profile, message):
    r = real_client.post("/api/advise", json=profile)
    assert r.status_code == 422 and message in json.dumps(r.json()["detail"])


def test_malformed_and_non_json_bodies_are_422(real_client):
    assert real_client.post("/api/advise", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422
    # A text/plain body is what a cross-site form could send; it is not accepted as a profile.
    assert real_client.post("/api/advise", content=json.dumps(EXAMPLE), headers={"content-type": "text/plain"}).status_code == 422


def test_report_downloads_markdown_and_pdf(real_client):
    md = real_client.post("/api/report", params={"format": "md"}, json=EXAMPLE)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"] and "Part 6" in md.text
    pdf = real_client.post("/api/report", params={"format": "pdf"}, json=EXAMPLE)
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_form_post_renders_recommendation_flags_and_part6(real_client):
    tok = csrf(real_client)
    form = {"csrf_token": tok, "job_title": EXAMPLE["job_title"], "duties": "\n".join(EXAMPLE["duties"]),
            "degree_level": "doctorate", "degree_field": "Computer Science", "years_experience": "6",
            "salary": "$185,000", "supervises": "0", "endeavor": EXAMPLE["endeavor"]}
    r = real_client.post("/advise", data=form)
    assert r.status_code == 200, r.text
    advice = real_client.post("/api/advise", json=EXAMPLE).json()
    rec = advice["recommendation"]["soc_code"]
    assert f'<h1 id="rec-h"><a href="/occupations/{rec}" class="code">{rec}</a>' in r.text
    assert 'id="part6"' in r.text and 'data-copy="' + rec + '"' in r.text
    assert 'id="flags"' in r.text and "<mark>" in r.text  # matched tasks highlighted against the duties


def test_form_errors_keep_what_was_typed(real_client):
    tok = csrf(real_client)
    r = real_client.post("/advise", data={"csrf_token": tok, "job_title": "Chemist", "salary": "lots"})
    assert r.status_code == 422 and "Salary must be a number" in r.text and 'value="Chemist"' in r.text


def test_answering_a_question_applies_its_patch_and_advises_again(real_client):
    tok = csrf(real_client)
    profile = {"job_title": "Team Leader", "duties": ["Lead a team of engineers"], "supervises": 5}
    answer = {"question": "Which is closer?", "label": "Supervise engineers",
              "patch": {"add_duties": ["Supervise and coordinate the work of engineers"]}}
    r = real_client.post("/advise", data={"csrf_token": tok, "profile_json": json.dumps(profile),
                                          "answer": json.dumps(answer)})
    assert r.status_code == 200 and 'id="answered"' in r.text
    hidden = re.search(r'name="profile_json" value="([^"]*)"', r.text).group(1)
    import html

    assert json.loads(html.unescape(hidden))["duties"][-1] == "Supervise and coordinate the work of engineers"


def test_user_text_is_escaped_in_pages_and_reports(real_client):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    tok = csrf(real_client)
    r = real_client.post("/advise", data={"csrf_token": tok, "job_title": "Data Scientist " + evil,
                                          "duties": "Build models " + evil, "employer": evil})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert" in r.text
    md = real_client.post("/api/report", params={"format": "md"}, json={"job_title": "Data Scientist " + evil})
    assert "<script>" not in md.text and "<img" not in md.text


def test_case_saved_from_the_result_page_reopens_with_its_decision(real_client):
    tok = csrf(real_client)
    profile = real_client.post("/api/advise", json=EXAMPLE).json()["profile"]
    r = real_client.post("/cases", data={"csrf_token": tok, "profile_json": json.dumps(profile), "name": "Dr. A",
                                         "soc_code": "15-2051", "note": "research-heavy duties"},
                         follow_redirects=False)
    assert r.status_code == 303
    page = real_client.get(r.headers["location"]).text
    assert "Dr. A" in page and "15-2051" in page and "research-heavy duties" in page
    reopened = real_client.get(r.headers["location"].split("?")[0] + "/advise")
    assert reopened.status_code == 200 and "Record the chosen code in case" in reopened.text


# ---------------------------------------------------------------------- cases API
def test_case_lifecycle_create_decide_export_import(client):
    r = client.post("/api/cases", json={"name": "Nurse A", "profile": {"job_title": "Registered Nurse"},
                                        "soc_code": "29-1141", "note": "clinical duties"})
    assert r.status_code == 201
    cid = r.json()["id"]
    d = client.post(f"/api/cases/{cid}/decisions", json={"soc_code": "15-1252.00", "note": "changed role"})
    assert d.status_code == 201 and d.json()["soc_code"] == "15-1252" and d.json()["soc_title"] == "Software Developers"
    case = client.get(f"/api/cases/{cid}").json()
    assert [x["soc_code"] for x in case["decisions"]] == ["29-1141", "15-1252"]
    assert [x["note"] for x in case["decisions"]] == ["clinical duties", "changed role"]
    doc = client.get(f"/api/cases/{cid}/export").json()
    assert doc["format"] == "socfit-case" and len(doc["decisions"]) == 2
    r2 = client.post("/api/cases/import", json=doc)
    assert r2.status_code == 201 and r2.json()["id"] != cid
    assert r2.json()["profile"] == case["profile"] and len(r2.json()["decisions"]) == 2
    assert client.delete(f"/api/cases/{cid}").status_code == 204
    assert client.get(f"/api/cases/{cid}").status_code == 404


def test_decision_with_a_bad_code_is_422_with_nearest(client):
    cid = client.post("/api/cases", json={"profile": {"job_title": "Nurse"}}).json()["id"]
    r = client.post(f"/api/cases/{cid}/decisions", json={"soc_code": "29-1149"})
    assert r.status_code == 422 and "nearest" in r.json()["detail"] and "29-1141" in r.json()["detail"]


@pytest.mark.parametrize("doc, message", [
    ({"format": "other"}, "not a socfit case file"),
    ({"format": "socfit-case", "version": 1, "profile": {"job_title": "X", "dutes": "y"}}, "dutes"),
    ({"format": "socfit-case", "version": 1, "profile": {"job_title": "X"}, "decisions": [{"soc_code": "99-9999"}]},
     "decision 1"),
    ({"format": "socfit-case", "version": 1, "profile": {"job_title": "X"}, "created_at": "yesterday"}, "ISO 8601"),
    ({"format": "socfit-case", "version": 2, "profile": {"job_title": "X"}}, "version"),
    ({"format": "socfit-case", "version": True, "profile": {"job_title": "X"}}, "version"),
    ({"format": "socfit-case", "version": 1, "profile": {"job_title": "X"}, "created_at": "0001-01-01T00:00:00+01:00"},
     "ISO 8601"),
    ({"format": "socfit-case", "version": 1, "profile": {"job_title": "X"}, "decisions": [{"soc_code": "1" * 5000}]},
     "decision 1"),
])
def test_import_validates_everything_and_writes_nothing_on_error(client, doc, message):
    before = len(client.get("/api/cases").json())
    r = client.post("/api/cases/import", json=doc)
    assert r.status_code == 422 and message in r.json()["detail"]
    assert len(client.get("/api/cases").json()) == before


def test_imported_time_stamps_are_stored_in_utc(client):
    doc = {"format": "socfit-case", "version": 1, "profile": {"job_title": "X"},
           "created_at": "2024-05-01T09:00:00+02:00", "updated_at": "2024-05-02T10:00:00"}
    r = client.post("/api/cases/import", json=doc)
    assert r.status_code == 201
    assert r.json()["created_at"] == "2024-05-01T07:00:00+00:00" and r.json()["updated_at"] == "2024-05-02T10:00:00+00:00"


def test_case_store_uses_wal_and_survives_a_restart(tmp_path):
    db = tmp_path / "cases.sqlite"
    cid = CaseStore(db).create("A", {"job_title": "Chemist"}, "19-2031", "lab work")
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again = CaseStore(db).get(cid)  # a new process would open the file the same way
    assert again.profile == {"job_title": "Chemist"} and again.current.note == "lab work"


def test_a_write_interrupted_midway_leaves_nothing_behind(tmp_path):
    store = CaseStore(tmp_path / "cases.sqlite")
    with pytest.raises(RuntimeError):
        with store._tx() as con:
            con.execute("INSERT INTO cases(name, profile, created_at, updated_at) VALUES ('x', '{}', 'now', 'now')")
            raise RuntimeError("crash between the two inserts")
    assert store.list_all() == []


# ---------------------------------------------------------------------- security
def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/health", "/static/socfit.css", "/nope"):
        h = client.get(path).headers
        assert "default-src 'self'" in h["content-security-policy"] and "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"


def test_every_form_post_needs_the_csrf_token(client):
    from socfit.web import pages

    posts = [r.path for r in pages.router.routes if "POST" in r.methods]
    assert {"/advise", "/report", "/cases", "/cases/import", "/batch", "/login", "/logout"} <= set(posts)
    client.get("/")
    for path in posts:
        path = path.replace("{case_id}", "1")
        r = client.post(path, data={"job_title": "x"})
        assert r.status_code == 403 and "security token" in r.text, path
        r = client.post(path, data={"job_title": "x", "csrf_token": "forged" * 8})
        assert r.status_code == 403, path


def test_cross_site_posts_are_refused(client):
    r = client.post("/api/code", json={"title": "Nurse"}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and "cross-origin" in r.json()["detail"]
    r = client.post("/api/code", json={"title": "Nurse"}, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    assert client.post("/api/code", json={"title": "Nurse"}, headers={"origin": BASE}).status_code == 200


def test_foreign_host_header_is_refused_without_a_token(client):
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the API.
    r = client.get("/api/health", headers={"host": "evil.example"})
    assert r.status_code == 400 and "Host" in r.json()["detail"]


def test_oversized_bodies_are_413_with_a_clear_message(client):
    big = {"title": "x" * (JSON_LIMIT + 10)}
    r = client.post("/api/code", json=big)
    assert r.status_code == 413 and "1 MB" in r.json()["detail"]
    blob = b"title\n" + b"Nurse\n" * ((UPLOAD_LIMIT // 6) + 10)
    r = client.post("/api/batch", files={"file": ("big.csv", blob, "text/csv")})
    assert r.status_code == 413 and "20 MB" in r.json()["detail"]


def test_streamed_body_without_length_is_cut_at_the_limit(client):
    def chunks():
        yield b'{"title": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'"}'
    r = client.post("/api/code", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_token_protects_api_and_pages(fixture_pack_path, tmp_path):
    token = "s3cret-token-for-tests-0123456789"
    app = create_app(fixture_pack_path, token=token, cases_db=tmp_path / "c.sqlite")
    with TestClient(app, base_url="http://socfit.lan:8000") as c:
        assert c.get("/api/health").status_code == 401
        assert c.get("/api/health", headers={"authorization": f"Bearer {token}"}).json()["ok"] is True
        assert c.get("/api/health", headers={"authorization": "Bearer wrong"}).status_code == 401
        r = c.get("/cases", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fcases"
        login = c.get("/login?next=/cases")
        assert login.status_code == 200 and 'type="password"' in login.text
        bad = c.post("/login", data={"token": "nope", "next": "/cases", "csrf_token": c.cookies[CSRF_COOKIE]})
        assert bad.status_code == 401
        ok = c.post("/login", data={"token": token, "next": "/cases", "csrf_token": c.cookies[CSRF_COOKIE]},
                    follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/cases"
        assert c.get("/cases").status_code == 200 and c.get("/api/health").status_code == 200


def test_login_never_redirects_off_site(fixture_pack_path, tmp_path):
    token = "s3cret-token-for-tests-0123456789"
    app = create_app(fixture_pack_path, token=token, cases_db=tmp_path / "c.sqlite")
    with TestClient(app, base_url=BASE) as c:
        c.get("/login")
        r = c.post("/login", data={"token": token, "next": "//evil.example/x", "csrf_token": c.cookies[CSRF_COOKIE]},
                   follow_redirects=False)
        assert r.headers["location"] == "/"


def test_run_refuses_a_network_address_without_a_token(monkeypatch):
    monkeypatch.delenv("SOCFIT_TOKEN", raising=False)
    with pytest.raises(InputError, match="SOCFIT_TOKEN"):
        run(host="0.0.0.0", port=8999)
    monkeypatch.setenv("SOCFIT_TOKEN", "short")
    with pytest.raises(InputError, match="too short"):
        run(host="0.0.0.0", port=8999)


def test_serve_command_refuses_a_network_address_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SOCFIT_TOKEN"}
    r = subprocess.run([sys.executable, "-m", "socfit", "serve", "--host", "0.0.0.0", "--port", "8999"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("error: refusing to listen on 0.0.0.0")
    assert "Traceback" not in r.stderr


# ---------------------------------------------------------------------- pages
class _Labels(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fors, self.fields = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.fors.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append(a.get("id"))


@pytest.mark.parametrize("path", ["/", "/batch", "/cases"])
def test_every_form_field_has_a_label(client, path):
    p = _Labels()
    p.feed(client.get(path).text)
    assert p.fields and all(f in p.fors for f in p.fields), (p.fields, p.fors)


def test_profile_form_has_every_profile_field(client):
    html = client.get("/").text
    for name in ("job_title", "duties", "degree_level", "degree_field", "degree_cip", "years_experience", "endeavor",
                 "salary", "supervises", "country_title", "soc_code", "employer", "industry"):
        assert f'name="{name}"' in html, name


def test_occupation_page_and_unknown_code_page(client):
    r = client.get("/occupations/15-1252")
    assert r.status_code == 200 and "Software Developers" in r.text and "Design, develop and modify software" in r.text
    bad = client.get("/occupations/15-1259")
    assert bad.status_code == 404 and 'href="/occupations/15-1252"' in bad.text


def test_pages_load_nothing_from_other_origins(client):
    for path in ("/", "/cases", "/batch", "/docs", "/occupations/15-1252", "/search?q=nurse"):
        html = client.get(path).text
        assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", html), path


def test_case_import_page_reports_a_bad_file(client):
    tok = csrf(client)
    r = client.post("/cases/import", data={"csrf_token": tok}, files={"file": ("c.json", b"\xff\xfe not json")})
    assert r.status_code == 422 and "not UTF-8 JSON" in r.text


def test_json_nested_too_deep_is_422_not_500(client):
    tok, deep = csrf(client), "[" * 100_000 + "]" * 100_000
    r = client.post("/cases/import", data={"csrf_token": tok}, files={"file": ("c.json", deep.encode())})
    assert r.status_code == 422 and "not UTF-8 JSON" in r.text
    r = client.post("/report", data={"csrf_token": tok, "fmt": "md", "profile_json": deep})
    assert r.status_code == 422 and "not valid JSON" in r.text
