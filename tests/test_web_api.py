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


def test_batch_excel_upload_downloads_a_coded_workbook(client):
    import io

    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    wb.active.append(["id", "Title"])
    wb.active.append([1, "Software Engineer"])
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/api/batch", files={"file": ("jobs.xlsx", buf.getvalue())}, data={"format": "xlsx", "top": "1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="jobs-coded.xlsx"' in r.headers["content-disposition"] and r.headers["x-socfit-encoding"] == "xlsx"
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows()]
    assert rows[0][:3] == ["id", "Title", "soc_1"] and rows[1][:3] == ["1", "Software Engineer", "15-1252"]


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


def test_advice_waits_for_a_busy_engine_in_a_worker_thread_and_is_the_same(real_client):
    """Advice is computed on the event loop's thread, but only when no other thread holds the engine (a batch
    file's chunk, a report): else it is handed to a worker thread, and the loop stays free for other requests."""
    import threading
    import time

    engine = real_client.app.state.engine
    profile = {**EXAMPLE, "salary": 123_457}  # not cached by another test
    held, release = threading.Event(), threading.Event()

    def hold():
        with engine.lock:
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(10)
    assert engine.advise_json_if_free(profile) is None  # busy: the caller must not wait on the lock itself
    answer: dict = {}
    asker = threading.Thread(target=lambda: answer.update(r=real_client.post("/api/advise", json=profile)))
    asker.start()
    time.sleep(0.2)
    health = real_client.get("/api/health")  # the event loop answers others while that advice waits
    assert health.status_code == 200 and not release.is_set() and "r" not in answer
    release.set()
    t.join(10)
    asker.join(60)
    r = answer["r"]
    assert r.status_code == 200
    assert r.content == engine.advise_json_if_free(profile) == engine.advise_json(profile)


@pytest.mark.parametrize("profile, message", [
    ({"job_title": "Engineer", "dutes": ["x"]}, "dutes"),
    ({"duties": ["Write code"]}, "job_title"),
    ({"job_title": "Engineer", "degree": {"level": "some college"}}, "level"),
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


@pytest.mark.parametrize("profile", [
    {"job_title": "X", "degree": "master"}, {"job_title": "X", "degree": {"level": "phd"}},
    {"job_title": "X", "salary": "185,000"}, {"job_title": "X", "soc_code": 151252},
    {"job_title": 5}, [1], {"job_title": "X", "dutes": ["y"]}, {"job_title": "X", "supervises": 2.5},
])
def test_api_accepts_and_refuses_profiles_like_the_cli(client, profile):
    from socfit.advisor.profile import validate_profile

    try:
        expected, message = validate_profile(profile), None
    except InputError as e:
        expected, message = None, str(e)
    posts = [("/api/cases", {"profile": profile})]
    if isinstance(profile, dict):  # a case file says "'profile' must be an object" first
        posts.append(("/api/cases/import", {"format": "socfit-case", "version": 1, "profile": profile}))
    for path, body in posts:
        r = client.post(path, json=body)
        if message is None:
            assert r.status_code == 201 and r.json()["profile"] == expected, (path, r.text)
        else:
            assert r.status_code == 422 and r.json()["detail"].endswith(message.split(": ", 1)[1]), (path, r.text)


def test_advise_with_a_superscript_case_id_advises_without_a_case(real_client):
    tok = csrf(real_client)
    r = real_client.post("/advise", data={"csrf_token": tok, "case_id": "²", "job_title": "Registered Nurse"})
    assert r.status_code == 200 and 'id="rec-h"' in r.text


def test_advising_with_a_deleted_case_keeps_the_typed_profile(real_client):
    tok = csrf(real_client)
    cid = real_client.post("/api/cases", json={"profile": {"job_title": "Nurse"}}).json()["id"]
    assert real_client.delete(f"/api/cases/{cid}").status_code == 204
    r = real_client.post("/advise", data={"csrf_token": tok, "case_id": str(cid), "job_title": "Registered Nurse",
                                          "duties": "Administer medications to patients"})
    assert r.status_code == 200 and f"Case {cid} no longer exists" in r.text
    assert "Registered Nurse" in r.text and "Administer medications to patients" in r.text


@pytest.mark.parametrize("profile, shown", [
    ({"job_title": "", "degree": "master"}, '<option value="master" selected>'),
    ({"job_title": "", "duties": [1, {"a": 1}]}, "1\n{&#34;a&#34;: 1}</textarea>"),
    ({"job_title": ["Chemist"], "salary": "lots"}, "[&#34;Chemist&#34;]"),
])
def test_refused_profile_json_comes_back_in_the_form_as_typed(client, profile, shown):
    tok = csrf(client)
    r = client.post("/advise", data={"csrf_token": tok, "profile_json": json.dumps(profile)})
    assert r.status_code == 422 and 'id="form-error"' in r.text and shown in r.text


def test_failed_case_save_keeps_the_result_and_what_was_typed(real_client):
    tok = csrf(real_client)
    profile = {"job_title": "Registered Nurse", "duties": ["Administer medications to patients"]}
    r = real_client.post("/cases", data={"csrf_token": tok, "profile_json": json.dumps(profile), "name": "Ms. B",
                                         "soc_code": "29-1149", "note": "my careful reasons"}, follow_redirects=False)
    assert r.status_code == 422 and 'id="save-error"' in r.text and "29-1149" in r.text and "nearest" in r.text
    assert 'id="rec-h"' in r.text  # the result is still there
    assert 'value="Ms. B"' in r.text and "my careful reasons</textarea>" in r.text
    assert '<option value="29-1149" selected>' in r.text


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


@pytest.mark.parametrize("extra, message", [
    ({"decisions": [{"soc_code": "29-1141", "recommended": "not a code"}]}, "case file decision 1: recommended:"),
    ({"created_at": "2024-01-02", "updated_at": "2020-01-01"}, "updated_at 2020-01-01T00:00:00+00:00 is earlier"),
    ({"decisions": [{"soc_code": "29-1141"}, {"soc_code": "29-1141", "note": 5}]}, "decision 2: note must be text"),
    ({"decisions": [{"soc_code": "29-1141", "decided_at": "soon"}]}, "case file decision 1: decided_at 'soon'"),
])
def test_import_checks_recommended_codes_date_order_and_notes(client, extra, message):
    before = len(client.get("/api/cases").json())
    r = client.post("/api/cases/import", json={"format": "socfit-case", "version": 1, "profile": {"job_title": "X"},
                                               **extra})
    assert r.status_code == 422 and message in r.json()["detail"], r.text
    assert len(client.get("/api/cases").json()) == before


def test_recorded_recommendation_is_a_checked_code_so_exports_import(client):
    cid = client.post("/api/cases", json={"profile": {"job_title": "Nurse"}}).json()["id"]
    r = client.post(f"/api/cases/{cid}/decisions", json={"soc_code": "29-1141", "recommended": "nope"})
    assert r.status_code == 422 and r.json()["detail"].startswith("recommended:")
    d = client.post(f"/api/cases/{cid}/decisions", json={"soc_code": "29-1141", "recommended": "29-1141.00"}).json()
    assert d["recommended"] == "29-1141"
    assert client.post("/api/cases/import", json=client.get(f"/api/cases/{cid}/export").json()).status_code == 201


def test_import_does_not_blame_the_file_for_a_pack_failure(tmp_path):
    from socfit.errors import PackError

    def no_pack(code):
        raise PackError("the knowledge pack is missing")

    store = CaseStore(tmp_path / "cases.sqlite", check_code=no_pack)
    with pytest.raises(PackError):
        store.import_({"format": "socfit-case", "version": 1, "profile": {"job_title": "X"},
                       "decisions": [{"soc_code": "29-1141"}]})


def test_case_read_during_writes_always_matches_its_last_decision(tmp_path):
    import threading

    store = CaseStore(tmp_path / "cases.sqlite")
    cid = store.create("race", {"job_title": "J0"}, "A")
    done = threading.Event()

    def writer():
        try:
            for i in range(1, 300):
                store.decide(cid, "A", str(i), {"job_title": f"J{i}"})
        finally:
            done.set()

    t = threading.Thread(target=writer)
    t.start()
    reads, bad = 0, []
    while not done.is_set():
        c = store.get(cid)
        reads += 1
        if c.profile != c.current.profile:
            bad.append((c.profile, c.current.profile))
    t.join()
    assert reads > 10 and not bad, f"{len(bad)} of {reads} reads disagreed"


def test_unknown_case_is_404_on_every_route(client):
    tok = csrf(client)
    for method, path in (("GET", "/api/cases/999999"), ("DELETE", "/api/cases/999999"), ("GET", "/api/cases/999999/export"),
                         ("GET", "/cases/999999"), ("GET", "/cases/999999/advise")):
        r = client.request(method, path)
        assert r.status_code == 404 and "no case 999999" in r.text, path
    r = client.post("/api/cases/999999/decisions", json={"soc_code": "29-1141"})
    assert r.status_code == 404 and r.json()["detail"] == "no case 999999"
    for path in ("/cases/999999/decisions", "/cases/999999/delete"):
        r = client.post(path, data={"csrf_token": tok, "soc_code": "29-1141"})
        assert r.status_code == 404 and "no case 999999" in r.text, path


def test_case_list_pages_through_more_than_200_cases(fixture_pack_path, tmp_path):
    app = create_app(fixture_pack_path, cases_db=tmp_path / "cases.sqlite")
    with app.state.cases._tx() as con:
        con.executemany("INSERT INTO cases(name, profile, created_at, updated_at) VALUES (?, '{}', ?, ?)",
                        [(f"case {i}", f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00",
                          f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00") for i in range(205)])
    with TestClient(app, base_url=BASE) as c:
        first, rest = c.get("/api/cases").json(), c.get("/api/cases", params={"offset": 200}).json()
        assert len(first) == 200 and len(rest) == 5 and first[0]["name"] == "case 204" and rest[-1]["name"] == "case 0"
        page = c.get("/cases").text
        assert 'href="/cases?offset=200">Older</a>' in page and ">case 5</a>" in page and ">case 4</a>" not in page
        older = c.get("/cases?offset=200").text
        assert ">case 4</a>" in older and 'href="/cases?offset=0">Newer</a>' in older and "Older</a>" not in older


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


@pytest.mark.parametrize("headers, message", [({"host": "["}, "malformed Host header"),
                                             ({"host": "127.0.0.1:abc"}, "malformed Host header"),
                                             ({"host": "localhost:99999"}, "malformed Host header"),
                                             ({"origin": "http://["}, "malformed Origin header")])
def test_malformed_host_or_origin_is_400_not_500(client, headers, message):
    r = client.post("/api/code", json={"title": "Nurse"}, headers=headers)
    assert r.status_code == 400 and message in r.json()["detail"]
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_security_headers_on_500_and_guard_refusals(app, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(app.state.engine, "health", boom)
    monkeypatch.setattr(app.state.engine, "search", boom)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        responses = [c.get("/api/health"), c.get("/search", params={"q": "x"}),
                     c.get("/api/health", headers={"host": "evil.example"}),
                     c.post("/api/code", json={"title": "x"}, headers={"origin": "https://evil.example"}),
                     c.post("/api/code", content=b"x" * (JSON_LIMIT + 1), headers={"content-type": "application/json"})]
    assert [r.status_code for r in responses] == [500, 500, 400, 403, 413]
    for r in responses:
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"] and r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("content, ctype", [
    (b'{"title": "Nur\xffse"}', "application/json"),
    ('{"title": "Caf\u00e9"}'.encode("latin-1"), "application/json; charset=latin-1"),
])
def test_json_body_that_is_not_utf8_is_422_saying_so(client, content, ctype):
    r = client.post("/api/code", content=content, headers={"content-type": ctype})
    assert r.status_code == 422 and "must be UTF-8 JSON" in r.json()["detail"]


def test_form_field_over_1_mb_is_422_saying_what_to_fix(client):
    tok = csrf(client)
    r = client.post("/api/batch", data={"format": "x" * (JSON_LIMIT + 1)}, files={"file": ("a.csv", b"title\nNurse\n")})
    assert r.status_code == 422 and "larger than 1 MB" in r.json()["detail"]
    r = client.post("/batch", data={"csrf_token": tok, "format": "x" * (JSON_LIMIT + 1)},
                    files={"file": ("a.csv", b"title\nNurse\n")})
    assert r.status_code == 422 and "larger than 1 MB" in r.text


def test_size_limit_follows_the_path_not_the_content_type(client):
    field = b"x" * (2 * JSON_LIMIT)  # under the 20 MB of uploads: only the path may grant that
    body = b'--b\r\nContent-Disposition: form-data; name="job_title"\r\n\r\n' + field + b"\r\n--b--\r\n"
    for path in ("/advise", "/api/code", "/cases/import", "/api/cases/import"):
        r = client.post(path, content=body, headers={"content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413 and "1 MB" in r.text, path


def test_login_never_redirects_to_a_backslash_host(fixture_pack_path, tmp_path):
    token = "s3cret-token-for-tests-0123456789"
    app = create_app(fixture_pack_path, token=token, cases_db=tmp_path / "c.sqlite")
    with TestClient(app, base_url=BASE) as c:
        assert 'value="/"' in c.get("/login", params={"next": "/\\evil.example"}).text
        r = c.post("/login", data={"token": token, "next": "/\\evil.example", "csrf_token": c.cookies[CSRF_COOKIE]},
                   follow_redirects=False)
        assert r.headers["location"] == "/"


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


def test_non_digit_batch_top_is_422_not_500(client):
    tok = csrf(client)
    r = client.post("/batch", data={"csrf_token": tok, "top": "²"}, files={"file": ("a.csv", b"title\nNurse\n")})
    assert r.status_code == 422 and "whole number from 1 to 20" in r.text


def test_failed_decision_keeps_code_note_and_profile_on_the_case_page(client):
    tok = csrf(client)
    cid = client.post("/api/cases", json={"profile": {"job_title": "Nurse"}, "soc_code": "29-1141"}).json()["id"]
    sent = {"csrf_token": tok, "soc_code": "29-1149", "note": "my careful reasons",
            "profile_json": json.dumps({"job_title": "Charge Nurse"}), "recommended": "29-1141"}
    r = client.post(f"/cases/{cid}/decisions", data=sent)
    assert r.status_code == 422 and "nearest" in r.text
    assert 'value="29-1149"' in r.text and "my careful reasons</textarea>" in r.text
    assert 'name="profile_json" value="{&#34;job_title&#34;: &#34;Charge Nurse&#34;}"' in r.text
    r = client.post(f"/cases/{cid}/decisions", data={**sent, "soc_code": "29-1141", "profile_json": "{bad"})
    assert r.status_code == 422 and "not valid JSON" in r.text and 'id="d-code"' in r.text
    assert "my careful reasons</textarea>" in r.text and 'value="29-1141"' in r.text
    assert len(client.get(f"/api/cases/{cid}").json()["decisions"]) == 1


def test_import_form_takes_a_case_file_of_1_mb_and_says_when_one_is_larger(client):
    from socfit.web.security import CASE_FILE_LIMIT

    tok = csrf(client)
    doc = json.dumps({"format": "socfit-case", "version": 1, "name": "padded", "profile": {"job_title": "Nurse"}})
    exact = doc[:-1].encode() + b" " * (CASE_FILE_LIMIT - len(doc)) + b"}"
    assert len(exact) == CASE_FILE_LIMIT
    r = client.post("/cases/import", data={"csrf_token": tok}, files={"file": ("case.json", exact)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=imported")
    assert client.get(r.headers["location"].split("?")[0].replace("/cases/", "/api/cases/")).json()["name"] == "padded"
    r = client.post("/cases/import", data={"csrf_token": tok}, files={"file": ("case.json", exact + b" ")})
    assert r.status_code == 422 and "a case file is at most 1 MB" in r.text and 'id="case-file"' in r.text


@pytest.mark.parametrize("path, body", [
    ("/api/code", b'{"title": "Nurse \\ud800"}'),
    ("/api/code", b'{"title": "Nurse", "\\udc00": 1}'),
    ("/api/advise", b'{"job_title": "Nurse", "employer": "Acme \\ud800"}'),
    ("/api/cases", b'{"name": "\\ud800", "profile": {"job_title": "Nurse"}}'),
    ("/api/cases/import", b'{"format": "socfit-case", "version": 1, "profile": {"job_title": "Nurse"},'
                          b' "decisions": [{"soc_code": "29-1141", "note": "\\udfff"}]}'),
])
def test_json_with_a_lone_surrogate_escape_is_422_not_500(client, path, body):
    before = len(client.get("/api/cases").json())
    r = client.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "half of a UTF-16 surrogate pair" in r.json()["detail"], r.text
    assert len(client.get("/api/cases").json()) == before
    paired = client.post("/api/code", content=b'{"title": "Nurse \\ud83d\\ude00"}',
                         headers={"content-type": "application/json"})  # a whole pair is text
    assert paired.status_code == 200 and paired.json()["title"] == "Nurse \U0001F600"


def test_forms_and_case_files_with_a_lone_surrogate_escape_are_422_not_500(client):
    tok = csrf(client)
    before = len(client.get("/api/cases").json())
    r = client.post("/cases", data={"csrf_token": tok, "profile_json": '{"job_title": "Nurse", "employer": "\\ud800"}'})
    assert r.status_code == 422 and "half of a UTF-16 surrogate pair" in r.text
    doc = b'{"format": "socfit-case", "version": 1, "name": "\\ud800", "profile": {"job_title": "Nurse"}}'
    r = client.post("/cases/import", data={"csrf_token": tok}, files={"file": ("case.json", doc)})
    assert r.status_code == 422 and "the case file holds" in r.text and 'id="case-file"' in r.text
    assert len(client.get("/api/cases").json()) == before


@pytest.mark.parametrize("body, message", [
    (b'{"title": "Nurse", "top": NaN}', "finite number"),
    (b'{"title": "Nurse", "top": Infinity}', "finite number"),
    (b'{"title": "Nurse", "top": ' + b"9" * 5000 + b"}", "could not be read as JSON"),
])
def test_json_nan_infinity_or_a_5000_digit_number_is_422_not_500(client, body, message):
    r = client.post("/api/code", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and message in json.dumps(r.json()["detail"]), r.text


def test_decision_for_a_case_deleted_meanwhile_keeps_the_code_and_note(client):
    tok = csrf(client)
    cid = client.post("/api/cases", json={"profile": {"job_title": "Nurse"}}).json()["id"]
    assert client.delete(f"/api/cases/{cid}").status_code == 204
    r = client.post(f"/cases/{cid}/decisions", data={"csrf_token": tok, "soc_code": "29-1141",
                                                     "note": "my careful reasons"})
    assert r.status_code == 404 and f"no case {cid}: it was deleted meanwhile" in r.text and "not recorded" in r.text
    assert "29-1141" in r.text and "my careful reasons" in r.text
    r = client.post(f"/cases/{cid}/decisions", data={"csrf_token": tok, "soc_code": "nope", "note": "still mine"})
    assert r.status_code == 404 and "still mine" in r.text


def test_decision_from_the_result_page_for_a_deleted_case_can_be_saved_as_a_new_case(real_client):
    tok = csrf(real_client)
    profile = {"job_title": "Registered Nurse", "duties": ["Administer medications to patients"]}
    cid = real_client.post("/api/cases", json={"profile": profile}).json()["id"]
    assert real_client.delete(f"/api/cases/{cid}").status_code == 204
    r = real_client.post(f"/cases/{cid}/decisions", data={
        "csrf_token": tok, "profile_json": json.dumps(profile), "soc_code": "29-1141", "note": "my careful reasons"})
    assert r.status_code == 404 and 'id="save-error"' in r.text and f"no case {cid}: it was deleted meanwhile" in r.text
    assert 'id="rec-h"' in r.text and 'action="/cases" class="save stack" id="save-form"' in r.text
    assert "my careful reasons</textarea>" in r.text and '<option value="29-1141" selected>' in r.text
    assert 'value="Registered Nurse"' in r.text
    r = real_client.post("/cases", data={"csrf_token": tok, "profile_json": json.dumps(profile), "soc_code": "29-1141",
                                         "note": "my careful reasons", "name": "Registered Nurse"},
                         follow_redirects=False)
    assert r.status_code == 303
