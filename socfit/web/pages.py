"""The HTML pages. Plain forms that work without JavaScript (socfit.js only enhances them); every form
post checks the CSRF token before doing anything."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path as PathParam, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from socfit.errors import CodeError, InputError
from socfit.web.api import CASE_PAGE, REPORT_TYPES, CaseId, CaseOffset, batch_response, report_response
from socfit.web.cases import CaseNotFound
from socfit.web.forms import DEGREE_LEVELS, FIELDS, check_json_text, form_from_profile, load_json_field, profile_from_form
from socfit.web.security import (AUTH_COOKIE, CASE_FILE_LIMIT, check_csrf, csrf_token, safe_next, session_value,
                                 set_csrf_cookie, token_ok)
from socfit.web.views import wage_scale

router = APIRouter(include_in_schema=False)


def page(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> Response:
    ctx = {"csrf": csrf_token(request), "token_required": bool(request.app.state.token), "q": "",
           "degree_levels": DEGREE_LEVELS, **ctx}
    resp = request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)
    set_csrf_cookie(request, resp)
    resp.headers["cache-control"] = "no-store"
    return resp


def error_page(request: Request, status: int, message: str, **ctx) -> Response:
    return page(request, "error.html", {"status": status, "message": message, **ctx}, status)


async def posted(request: Request):
    """The posted form, after the CSRF check."""
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(request, token if isinstance(token, str) else None)
    return form


def _text(form, key: str) -> str:
    v = form.get(key)
    return v if isinstance(v, str) else ""


def _candidates(form) -> int:
    try:
        return min(8, max(2, int(_text(form, "candidates") or 4)))
    except ValueError:
        return 4


def _digits(s: str, most: int) -> bool:
    """Only 0-9 (str.isdigit also takes "²", which int() refuses), at most ``most`` of them."""
    return s.isascii() and s.isdigit() and len(s) <= most


# ---------------------------------------------------------------------- the advisor
@router.get("/")
async def home(request: Request) -> Response:
    return page(request, "index.html", {"f": form_from_profile(None)})


async def result_page(request: Request, advice: dict, n: int, case=None, answered=None, saved=None,
                      status: int = 200, sent: dict | None = None, error: str | None = None) -> Response:
    """``sent`` and ``error``: a save form that failed, shown again with what was typed."""
    eng = request.app.state.engine
    fragment = await run_in_threadpool(eng.report_fragment, advice)
    return page(request, "result.html", {
        "advice": advice, "n_candidates": n, "case": case, "answered": answered, "saved": saved,
        "profile_json": json.dumps(advice["profile"], ensure_ascii=False), "f": form_from_profile(advice["profile"]),
        "wage_scale": wage_scale([c.get("wage") for c in advice["candidates"]]),
        "fragment": Markup(fragment) if fragment else None, "submit_label": "Advise again", "sent": sent,
        "save_error": error}, status)


@router.post("/advise")
async def advise_page(request: Request) -> Response:
    form = await posted(request)
    eng = request.app.state.engine
    case, notice, case_id = None, None, _text(form, "case_id")
    if _digits(case_id, 15):
        try:
            case = await run_in_threadpool(request.app.state.cases.get, int(case_id))
        except CaseNotFound:  # deleted meanwhile: advise on what was typed all the same
            notice = f"Case {case_id} no longer exists: this advice is not linked to a case."
    n, answered, raw = _candidates(form), None, None
    try:
        if _text(form, "profile_json"):
            raw = load_json_field(_text(form, "profile_json"), "the profile")
            ans = load_json_field(_text(form, "answer"), "the answer")
            if ans is not None:
                if not isinstance(ans, dict) or "patch" not in ans:
                    raise InputError("the answer must carry a patch")
                raw = await run_in_threadpool(eng.apply_patch, raw, ans["patch"])
                answered = {"question": str(ans.get("question", "")), "label": str(ans.get("label", "")).rstrip(". ")}
        else:
            raw = profile_from_form({k: _text(form, k) for k in FIELDS})
        advice = await run_in_threadpool(eng.advise, raw, n)
    except InputError as e:
        f = form_from_profile(raw) if isinstance(raw, dict) and _text(form, "profile_json") else \
            {k: _text(form, k) for k in FIELDS}
        return page(request, "index.html", {"f": f, "error": str(e), "case": case}, 422)
    return await result_page(request, advice, n, case, answered, notice)


@router.post("/report")
async def report_page(request: Request) -> Response:
    form = await posted(request)
    fmt = _text(form, "fmt")
    if fmt not in REPORT_TYPES:
        raise InputError(f"unknown report format {fmt!r}: use one of {', '.join(REPORT_TYPES)}")
    eng = request.app.state.engine
    advice = await run_in_threadpool(eng.advise, load_json_field(_text(form, "profile_json"), "the profile") or {},
                                     _candidates(form))
    return await run_in_threadpool(report_response, eng, advice, fmt)


@router.get("/assets/report.css")
async def report_css() -> Response:
    """The report helper's stylesheet, for the embedded report (the CSP forbids inline <style>)."""
    try:
        from socfit.render.report import report_css as css
    except ImportError:
        raise HTTPException(404, "no report stylesheet") from None
    return Response(css(), media_type="text/css", headers={"cache-control": "max-age=3600"})


# ---------------------------------------------------------------------- occupations and search
@router.get("/occupations/{code}")
async def occupation_page(request: Request, code: Annotated[str, PathParam(max_length=40)]) -> Response:
    try:
        card = await run_in_threadpool(request.app.state.engine.card, code)
    except CodeError as e:
        return error_page(request, 404, str(e), heading="Not a SOC 2018 code", suggestions=e.suggestions)
    return page(request, "occupation.html", {"card": card, "wage_scale": wage_scale([card.get("wages")])})


@router.get("/search")
async def search_page(request: Request, q: str = "") -> Response:
    q = q[:200]
    results = await run_in_threadpool(request.app.state.engine.search, q) if q.strip() else []
    return page(request, "search.html", {"q": q, "results": results})


# ---------------------------------------------------------------------- batch
@router.get("/batch")
async def batch_form(request: Request) -> Response:
    return page(request, "batch.html", {})


@router.post("/batch")
async def batch_post(request: Request) -> Response:
    form = await posted(request)
    upload = form.get("file")
    fmt = _text(form, "format") or "csv"
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InputError("choose a CSV or Excel file to upload")
        if fmt not in ("csv", "jsonl", "xlsx"):
            raise InputError("format must be csv, xlsx or jsonl")
        top = _text(form, "top") or "3"
        if not _digits(top, 2) or not 1 <= int(top) <= 20:
            raise InputError("codes per row must be a whole number from 1 to 20")
        return await run_in_threadpool(batch_response, request.app.state.engine, upload, fmt, int(top))
    except InputError as e:
        return page(request, "batch.html", {"error": str(e)}, 422)


# ---------------------------------------------------------------------- cases
async def cases_list(request: Request, offset: int = 0, error: str | None = None, status: int = 200) -> Response:
    """The cases page: CASE_PAGE of them from ``offset`` (one more is read to know whether older ones exist)."""
    rows = await run_in_threadpool(request.app.state.cases.list_all, CASE_PAGE + 1, offset)
    return page(request, "cases.html", {"cases": rows[:CASE_PAGE], "offset": offset, "more": len(rows) > CASE_PAGE,
                                        "page_size": CASE_PAGE, "error": error}, status)


@router.get("/cases")
async def cases_page(request: Request, offset: CaseOffset = 0) -> Response:
    return await cases_list(request, offset)


@router.post("/cases")
async def case_create(request: Request) -> Response:
    form = await posted(request)
    sent = {k: _text(form, k) for k in ("name", "soc_code", "note", "recommended")}
    profile, n = None, _candidates(form)
    try:
        profile = load_json_field(_text(form, "profile_json"), "the profile")
        if not isinstance(profile, dict):
            raise InputError("nothing to save: advise on a profile first")
        cid = await run_in_threadpool(request.app.state.cases.create, sent["name"], profile, sent["soc_code"] or None,
                                      sent["note"], sent["recommended"] or None)
    except InputError as e:  # the result page again, with the error and the name, code and note as typed
        try:
            advice = await run_in_threadpool(request.app.state.engine.advise, profile, n)
        except InputError:  # the profile itself is refused: the form, as typed
            return page(request, "index.html", {"f": form_from_profile(profile), "error": str(e)}, 422)
        return await result_page(request, advice, n, sent=sent, error=str(e), status=422)
    return RedirectResponse(f"/cases/{cid}?saved=created", 303)


@router.get("/cases/{case_id}")
async def case_page(request: Request, case_id: CaseId, saved: str = "") -> Response:
    case = await run_in_threadpool(request.app.state.cases.get, case_id)
    msg = {"created": "Case saved.", "decision": "Decision recorded.", "imported": "Case imported."}.get(saved)
    return page(request, "case.html", {"case": case, "saved": msg})


@router.get("/cases/{case_id}/advise")
async def case_advise(request: Request, case_id: CaseId) -> Response:
    case = await run_in_threadpool(request.app.state.cases.get, case_id)
    advice = await run_in_threadpool(request.app.state.engine.advise, case.profile, 4)
    return await result_page(request, advice, 4, case)


@router.post("/cases/{case_id}/decisions")
async def case_decide(request: Request, case_id: CaseId) -> Response:
    form = await posted(request)
    store = request.app.state.cases
    sent = {k: _text(form, k) for k in ("soc_code", "note", "profile_json", "recommended")}
    try:
        try:
            profile = load_json_field(sent["profile_json"], "the profile")
            await run_in_threadpool(store.decide, case_id, sent["soc_code"], sent["note"], profile,
                                    sent["recommended"] or None)
        except InputError as e:  # the case page, with the error and the decision as typed (to correct and send again)
            case = await run_in_threadpool(store.get, case_id)
            return page(request, "case.html", {"case": case, "error": str(e), "sent": sent}, 422)
    except CaseNotFound:  # deleted meanwhile (another tab, another person)
        return await decision_without_case(request, case_id, sent)
    return RedirectResponse(f"/cases/{case_id}?saved=decision", 303)


async def decision_without_case(request: Request, case_id: int, sent: dict[str, str]) -> Response:
    """A decision for a case that no longer exists, with nothing typed lost (404): given the profile it was made
    on (the result page's form), the result page again, to save it all as a new case; else the code and note."""
    lost = f"{CaseNotFound(case_id)}: it was deleted meanwhile, so this decision was not recorded"
    try:
        advice = await run_in_threadpool(request.app.state.engine.advise,
                                         load_json_field(sent["profile_json"], "the profile"), 4)
    except InputError:  # no usable profile (the case page's form): the case's own profile went with it
        note = f"; your note: {sent['note']}" if sent["note"] else ""
        return error_page(request, 404, f"{lost}: code {sent['soc_code'] or '(none)'}{note}", heading="No such case")
    sent = {**sent, "name": advice["profile"]["job_title"]}
    return await result_page(request, advice, 4, sent=sent, error=f"{lost}: save it as a new case.", status=404)


@router.post("/cases/{case_id}/delete")
async def case_delete(request: Request, case_id: CaseId) -> Response:
    await posted(request)
    await run_in_threadpool(request.app.state.cases.delete, case_id)
    return RedirectResponse("/cases", 303)


@router.post("/cases/import")
async def case_import(request: Request) -> Response:
    form = await posted(request)
    store = request.app.state.cases
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile):
            raise InputError("choose a case file (JSON) to import")
        raw = await upload.read(CASE_FILE_LIMIT + 1)
        if len(raw) > CASE_FILE_LIMIT:
            raise InputError("a case file is at most 1 MB")
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:  # RecursionError: nested too deep
            raise InputError(f"the case file is not UTF-8 JSON ({e})") from None
        cid = await run_in_threadpool(store.import_, check_json_text(doc, "the case file"))
    except InputError as e:
        return await cases_list(request, error=str(e), status=422)
    return RedirectResponse(f"/cases/{cid}?saved=imported", 303)


# ---------------------------------------------------------------------- API docs (offline)
@router.get("/docs")
async def docs_page(request: Request) -> Response:
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type(p.get("schema", {})),
                       "notes": "; ".join(x for x in (p.get("description"), _limits(p.get("schema", {}))) if x)}
                      for p in op.get("parameters", [])]
            body = []
            for ctype, c in (op.get("requestBody", {}).get("content") or {}).items():
                ref = c.get("schema", {}).get("$ref", "")
                body.append({"type": ctype, "schema": ref.rsplit("/", 1)[-1] if ref else ""})
            ops.append({"id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                        "method": method, "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "tags": op.get("tags", []), "params": params,
                        "body": body, "responses": [(k, v.get("description", "")) for k, v in op.get("responses", {}).items()]})
    schemas = [(k, json.dumps(v, indent=2)) for k, v in sorted(spec.get("components", {}).get("schemas", {}).items())]
    return page(request, "docs.html", {"spec": spec, "ops": ops, "schemas": schemas})


def _type(s: dict) -> str:
    if "enum" in s:
        return " | ".join(map(str, s["enum"]))
    if "anyOf" in s:
        return " | ".join(_type(x) for x in s["anyOf"])
    return s.get("type", "")


def _limits(s: dict) -> str:
    keys = {"minimum": "≥", "maximum": "≤", "maxLength": "max length ", "default": "default "}
    return ", ".join(f"{v}{s[k]}" for k, v in keys.items() if k in s)


# ---------------------------------------------------------------------- login (only when a token is set)
@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    if not request.app.state.token:
        return RedirectResponse("/", 303)
    return page(request, "login.html", {"next": safe_next(next)})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await posted(request)
    guard_token = request.app.state.token
    if not guard_token:
        return RedirectResponse("/", 303)
    if not token_ok(_text(form, "token").strip(), guard_token):
        await asyncio.sleep(1)  # slow down guessing
        return page(request, "login.html", {"next": safe_next(_text(form, "next")), "error": "wrong token"}, 401)
    resp = RedirectResponse(safe_next(_text(form, "next")), 303)
    resp.set_cookie(AUTH_COOKIE, session_value(guard_token), httponly=True, samesite="strict", path="/",
                    secure=request.url.scheme == "https")
    return resp


@router.post("/logout")
async def logout(request: Request) -> Response:
    await posted(request)
    resp = RedirectResponse("/login" if request.app.state.token else "/", 303)
    resp.delete_cookie(AUTH_COOKIE, path="/")
    return resp
