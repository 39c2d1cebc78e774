"""The JSON API (/api/...). Every route is a thin call into Engine or CaseStore; errors are mapped to
status codes once, in app.py (an unknown case too: CaseStore raises CaseNotFound)."""

from __future__ import annotations

import shutil
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Form, Path as PathParam, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from socfit.errors import InputError
from socfit.web.engine import Engine
from socfit.web.forms import check_json_text
from socfit.web.models import CodeRequest, NewCase, NewDecision, Profile


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # \ud800-\udfff: half (or both halves) of a pair


async def text_only(request: Request) -> None:
    """Every JSON body, before a route or a model sees it: an escaped lone surrogate ("\\ud800") is bad input
    (422), not a 500 when it is stored or sent back. FastAPI has parsed the body already; this reads its cache."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype.startswith("application/") and ctype.endswith(("/json", "+json")) and \
            _SURROGATE_ESCAPE.search(await request.body()):  # only then parse again (rare: emoji, bad input)
        check_json_text(await request.json(), "the request body")


router = APIRouter(prefix="/api", dependencies=[Depends(text_only)])
CaseId = Annotated[int, PathParam(ge=1, le=2**53, description="Case number")]  # the pages' too
CASE_PAGE = 200  # cases per list request (API and page)
CaseOffset = Annotated[int, Query(ge=0, le=2**53, description=f"Cases to skip: offset={CASE_PAGE} is the next page; "
                                                               f"fewer than {CASE_PAGE} rows means the last one")]
REPORT_TYPES = {"md": ("text/markdown; charset=utf-8", "md"), "pdf": ("application/pdf", "pdf"),
                "html": ("text/html; charset=utf-8", "html"), "json": ("application/json", "json"),
                "text": ("text/plain; charset=utf-8", "txt")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS = {422: {"description": "Invalid input; `detail` says what to fix"}}


def engine(request: Request) -> Engine:
    return request.app.state.engine


def cases(request: Request):
    return request.app.state.cases


@router.post("/advise", tags=["advisor"], responses=ERRORS,
             summary="Advise on a profile: candidates, recommendation, flags, questions, Part 6")
async def api_advise(request: Request, profile: Profile,
                     candidates: Annotated[int, Query(ge=2, le=8, description="Candidates compared")] = 4) -> Response:
    """The advice document of docs/advisor.md for one profile."""
    eng, plain = engine(request), profile.plain()
    # The advice is pure Python under the engine lock: in a worker thread it only fights the event loop for the
    # GIL. So it is computed on the loop's own thread when the lock is free (session 21: 102-113 -> 156-172 fresh
    # advices/s on 2 cores, p95 549-619 -> 367-396 ms at 50 clients), and in a worker thread when another request
    # holds the engine (a batch file, a report), so the loop never waits on the lock.
    body = eng.advise_json_if_free(plain, candidates)
    if body is None:
        body = await run_in_threadpool(eng.advise_json, plain, candidates)
    return Response(body, media_type="application/json")


@router.post("/report", tags=["advisor"], responses={**ERRORS, 200: {"description": "The report file",
             "content": {t: {} for t, _ in REPORT_TYPES.values()}}},
             summary="The advice as a downloadable report (md, pdf, html, json or text)")
def api_report(request: Request, profile: Profile,
               format: Annotated[Literal["md", "pdf", "html", "json", "text"], Query()] = "md",
               candidates: Annotated[int, Query(ge=2, le=8)] = 4) -> Response:
    eng = engine(request)
    return report_response(eng, eng.advise(profile.plain(), candidates), format)


def report_response(eng: Engine, advice: dict[str, Any], fmt: str) -> Response:
    ctype, ext = REPORT_TYPES[fmt]
    code = advice["recommendation"]["soc_code"]
    return Response(eng.report(advice, fmt), media_type=ctype,
                    headers={"content-disposition": f'attachment; filename="socfit-{code}.{ext}"',
                             "cache-control": "no-store"})


@router.post("/code", tags=["coder"], responses=ERRORS, summary="Rank SOC 2018 codes for a job title (and duties)")
def api_code(request: Request, body: CodeRequest) -> JSONResponse:
    return JSONResponse(engine(request).code(body.title, body.duties, body.top))


@router.get("/occupations/{code}", tags=["occupations"],
            responses={404: {"description": "Not a SOC 2018 code; `suggestions` lists the nearest codes"}},
            summary="The occupation card for a SOC 2018, O*NET-SOC or retired SOC 2010 code")
def api_occupation(request: Request, code: Annotated[str, PathParam(max_length=40)]) -> JSONResponse:
    return JSONResponse(engine(request).card(code))


@router.get("/search", tags=["occupations"], summary="Codes and titles as you type (at most 20)")
def api_search(request: Request, q: Annotated[str, Query(max_length=200)] = "",
               limit: Annotated[int, Query(ge=1, le=20)] = 20) -> list[dict[str, str]]:
    """Prefix and substring matches over SOC codes and titles, O*NET occupation, reported and alternate
    titles; one row per SOC code with the text that matched."""
    return engine(request).search(q, limit)


@router.get("/health", tags=["meta"], summary="Liveness, pack id and data versions")
def api_health(request: Request) -> JSONResponse:
    return JSONResponse(engine(request).health())


@router.post("/batch", tags=["coder"], responses={**ERRORS, 200: {"description": "The coded file",
             "content": {"text/csv": {}, "application/x-ndjson": {}, XLSX: {}}}},
             summary="Code a CSV or Excel file (a 'title' column; optional 'description') and download the results")
def api_batch(request: Request, file: UploadFile,
              format: Annotated[Literal["csv", "jsonl", "xlsx"], Form()] = "csv",
              top: Annotated[int, Form(ge=1, le=20)] = 3) -> FileResponse:
    return batch_response(engine(request), file, format, top)


def batch_response(eng: Engine, file: UploadFile, fmt: str, top: int) -> FileResponse:
    """Stream the upload to a temporary file, code it chunk by chunk, send the result, then delete both."""
    from socfit.batch import code_file

    tmp = Path(tempfile.mkdtemp(prefix="socfit-batch-"))
    inp, out = tmp / "input.csv", tmp / f"coded.{fmt}"
    try:
        with inp.open("wb") as f:
            shutil.copyfileobj(file.file, f, 1 << 20)
        rep = code_file(eng.coder(), inp, out, fmt, top)
    except InputError as e:  # its messages name the file: the upload's name, not this server's temp path
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(str(e).replace(str(inp), file.filename or "the upload")) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    stem = Path(file.filename or "jobs").stem[:80] or "jobs"
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
    return FileResponse(out, media_type={"csv": "text/csv", "xlsx": XLSX}.get(fmt, "application/x-ndjson"),
                        filename=f"{stem}-coded.{fmt}", background=BackgroundTask(shutil.rmtree, tmp, True),
                        headers={"x-socfit-rows": str(rep["rows"]), "x-socfit-errors": str(rep["errors"]),
                                 "x-socfit-encoding": rep["encoding"]})


# ---------------------------------------------------------------------- cases
@router.get("/cases", tags=["cases"], summary=f"Saved cases, most recently changed first ({CASE_PAGE} at a time)")
def api_cases(request: Request, offset: CaseOffset = 0) -> list[dict[str, Any]]:
    return cases(request).list_all(CASE_PAGE, offset)


@router.post("/cases", tags=["cases"], status_code=201, responses=ERRORS, summary="Save a profile (and a first decision)")
def api_case_create(request: Request, body: NewCase) -> dict[str, Any]:
    cid = cases(request).create(body.name or "", body.profile.plain(), body.soc_code, body.note)
    return cases(request).get(cid).to_dict()


@router.get("/cases/{case_id}", tags=["cases"], responses={404: {"description": "No such case"}},
            summary="A case: profile and decision history")
def api_case(request: Request, case_id: CaseId) -> dict[str, Any]:
    return cases(request).get(case_id).to_dict()


@router.post("/cases/{case_id}/decisions", tags=["cases"], status_code=201,
             responses={**ERRORS, 404: {"description": "No such case"}},
             summary="Record the code chosen, when, and why")
def api_decide(request: Request, case_id: CaseId, body: NewDecision) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(cases(request).decide(case_id, body.soc_code, body.note,
                                        body.profile.plain() if body.profile else None, body.recommended))


@router.delete("/cases/{case_id}", tags=["cases"], status_code=204, responses={404: {"description": "No such case"}},
               summary="Delete a case and its history")
def api_case_delete(request: Request, case_id: CaseId) -> Response:
    cases(request).delete(case_id)
    return Response(status_code=204)


@router.get("/cases/{case_id}/export", tags=["cases"], responses={404: {"description": "No such case"}},
            summary="A case as a portable JSON document")
def api_case_export(request: Request, case_id: CaseId) -> JSONResponse:
    return JSONResponse(cases(request).export(case_id),
                        headers={"content-disposition": f'attachment; filename="socfit-case-{case_id}.json"'})


@router.post("/cases/import", tags=["cases"], status_code=201, responses=ERRORS,
             summary="Import an exported case (validated) as a new case")
def api_case_import(request: Request, doc: Annotated[dict[str, Any], Body(
        description="A document from /api/cases/{id}/export")]) -> dict[str, Any]:
    return cases(request).get(cases(request).import_(doc)).to_dict()
