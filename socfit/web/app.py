"""The web app: the advisor page, occupation pages, cases, batch coding and a JSON API, all served from this
machine (no CDN, no outbound call). ``socfit serve`` calls :func:`run`.

Errors a person can fix become 4xx with a message (422 bad input, 404 unknown code or case, 413 too large);
an unexpected error is a 500 with no details, logged on the server.
"""

from __future__ import annotations

import logging
import math
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.templating import Jinja2Templates

from socfit import __version__
from socfit.errors import CodeError, InputError, PackError, SocfitError, SourceError
from socfit.web import api, pages
from socfit.web.cases import CaseNotFound, CaseStore
from socfit.web.engine import Engine
from socfit.web.security import SECURITY_HEADERS, Guard, is_loopback
from socfit.web.views import STATIC, make_env

log = logging.getLogger("socfit.web")

DESCRIPTION = """Recommend the right U.S. SOC 2018 code for an EB-2 NIW petition, with the official evidence.
Offline; not legal advice. Profiles follow docs/advisor.md."""


def create_app(pack_path: Path | str | None = None, token: str | None = None, cases_db: Path | str | None = None,
               allowed_hosts: set[str] | None = None, warm: bool = False) -> FastAPI:
    """The ASGI app. ``token``: require it on every request (Bearer header or login cookie).
    ``allowed_hosts``: Host names accepted besides localhost/127.0.0.1 when no token is set.
    ``warm``: load the models at startup, before the first request is accepted."""
    engine = Engine(pack_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm:
            await run_in_threadpool(engine.warm)
        yield

    app = FastAPI(title="socfit", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  lifespan=lifespan)
    app.state.engine = engine
    app.state.token = token or None
    app.state.cases = CaseStore(cases_db, validate=engine.validate, check_code=engine.check_code_input)
    app.state.templates = Jinja2Templates(env=make_env())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _errors(app)
    app.add_middleware(Guard, token=token or None, allowed_hosts=allowed_hosts)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _unreadable(exc: StarletteHTTPException) -> str | None:
    """What to fix when FastAPI or Starlette could not read a body: they answer a bare 400 and keep the
    reason as the exception's cause."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, UnicodeDecodeError):
        return "the request body must be UTF-8 JSON (a charset parameter is not read)"
    if isinstance(cause, RecursionError):
        return "the request body is nested too deeply to be a profile or a case"
    if isinstance(cause, ValueError):  # e.g. an integer of more than 4,300 digits
        return f"the request body could not be read as JSON ({cause})"
    if isinstance(cause, MultiPartException):
        if "maximum size" in cause.message:
            return "a form field is larger than 1 MB: shorten it, or send long text as a file or a JSON body"
        return f"the form could not be read ({cause.message}): send it as multipart/form-data or urlencoded"
    return None


def _errors(app: FastAPI) -> None:
    def reply(request: Request, status: int, message: str, headers: dict | None = None, **extra) -> Response:
        if _is_api(request):
            resp = JSONResponse({"detail": message, **extra}, status_code=status, headers={"cache-control": "no-store"})
        else:
            sugg = [(s["soc_code"], s["title"]) for s in extra.get("suggestions", [])]
            resp = pages.error_page(request, status, message, suggestions=sugg)
        resp.headers.update(headers or {})  # e.g. Allow on a 405
        return resp

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code)
        if exc.status_code == 400 and (message := _unreadable(exc)):
            return reply(request, 422, message)
        return reply(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if _is_api(request):
            # the inputs are echoed: bytes as text, NaN and infinities (not JSON) as their names
            return JSONResponse({"detail": jsonable_encoder(exc.errors(), custom_encoder={
                bytes: lambda b: b.decode("utf-8", "replace"), float: lambda f: f if math.isfinite(f) else str(f)})},
                status_code=422)
        msgs = "; ".join(f"{'.'.join(map(str, e.get('loc', ())[1:]))}: {e.get('msg')}" for e in exc.errors())
        return reply(request, 422, msgs or "invalid request")

    @app.exception_handler(CaseNotFound)
    async def no_case(request: Request, exc: CaseNotFound):
        return reply(request, 404, str(exc))

    @app.exception_handler(CodeError)
    async def bad_code(request: Request, exc: CodeError):
        return reply(request, 404, str(exc), suggestions=[{"soc_code": c, "title": t} for c, t in exc.suggestions])

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError):
        return reply(request, 422, str(exc))

    @app.exception_handler(PackError)
    @app.exception_handler(SourceError)
    async def no_pack(request: Request, exc: SocfitError):
        return reply(request, 503, str(exc))

    @app.exception_handler(SocfitError)
    async def other(request: Request, exc: SocfitError):
        return reply(request, 422, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        # sent by Starlette's outermost middleware, outside Guard: the security headers are added here
        return reply(request, 500, "internal error (logged on the server)", SECURITY_HEADERS)


def run(host: str = "127.0.0.1", port: int = 8000, pack: Path | str | None = None, workers: int | None = None) -> None:
    """Serve on host:port. Anything but a loopback address needs SOCFIT_TOKEN (then every request does).
    ``workers`` (default $SOCFIT_WEB_WORKERS, else 1): uvicorn processes; each loads its own models."""
    import uvicorn

    from socfit.api import get_pack

    token = os.environ.get("SOCFIT_TOKEN") or None
    if not is_loopback(host) and not token:
        raise InputError(f"refusing to listen on {host}: only loopback addresses (127.0.0.1, ::1) are allowed "
                         "without a token. Set SOCFIT_TOKEN to a long random secret to serve on the network.")
    if token and len(token) < 16:
        raise InputError("SOCFIT_TOKEN is too short: use at least 16 random characters")
    pack_path = get_pack(pack).path  # builds it on first use, before the server accepts requests
    workers = workers or int(os.environ.get("SOCFIT_WEB_WORKERS", "1") or 1)
    os.environ["SOCFIT_WEB_PACK"] = str(pack_path)
    if host not in ("127.0.0.1", "localhost", "::1"):
        os.environ["SOCFIT_WEB_HOSTS"] = host
    print(f"socfit {__version__}: http://{'[' + host + ']' if ':' in host else host}:{port}/ "
          f"(API docs at /docs){' - token required' if token else ''}", flush=True)
    uvicorn.run("socfit.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", server_header=False, proxy_headers=False, timeout_graceful_shutdown=5)


def app_from_env() -> FastAPI:
    """uvicorn's factory (one call per worker process): settings come from the environment run() set."""
    hosts = {h for h in os.environ.get("SOCFIT_WEB_HOSTS", "").split(",") if h}
    return create_app(os.environ.get("SOCFIT_WEB_PACK") or None, os.environ.get("SOCFIT_TOKEN") or None,
                      os.environ.get("SOCFIT_CASES_DB") or None, hosts, warm=True)
