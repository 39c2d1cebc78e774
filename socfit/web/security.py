"""The web app's guard: one ASGI middleware in front of everything, so no route can forget a check.

What it enforces, in order: request size limits by path (20 MB for the batch uploads, 1 MB elsewhere, plus
room for the form around a 1 MB case file on /cases/import; 413
before the body is read when Content-Length says so, and while streaming otherwise); the Host header
(loopback names only when no token is set, which defeats DNS rebinding against a server on 127.0.0.1); the
token (``Authorization: Bearer`` or the login cookie) when one is set; cross-site writes (a POST whose Origin
is another site, or whose Sec-Fetch-Site is cross-site, is refused); and security headers on every response
(app.py adds them to a 500, which is sent from outside this middleware). Form posts also carry a
double-submit CSRF token, checked by :func:`check_csrf` in the routes that read forms.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request

JSON_LIMIT = 1 << 20  # 1 MB: a profile is at most ~30 KB
UPLOAD_LIMIT = 20 << 20  # 20 MB: CSV uploads
CASE_FILE_LIMIT = JSON_LIMIT  # a case file, as the API's body or the file of the /cases/import form
FORM_OVERHEAD = 64 << 10  # the form's other fields and multipart headers around a file
# The only routes above JSON_LIMIT: the batch uploads, and the import form, so that a case file of 1 MB fits
# (the page then says so itself if the file is larger, with the cases page kept).
PATH_LIMITS = {"/batch": UPLOAD_LIMIT, "/api/batch": UPLOAD_LIMIT, "/cases/import": CASE_FILE_LIMIT + FORM_OVERHEAD}
CSRF_COOKIE = "socfit_csrf"
CSRF_FIELD = "csrf_token"
AUTH_COOKIE = "socfit_auth"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
OPEN_PATHS = ("/login", "/static/")  # reachable without the token (the login page needs its CSS)

HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                 b"script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                 b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
SECURITY_HEADERS = {k.decode(): v.decode() for k, v in HEADERS}


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_value(token: str) -> str:
    """What the login cookie holds: a keyed hash of the token, so the cookie is not the token itself."""
    return hmac.new(token.encode(), b"socfit-session-v1", hashlib.sha256).hexdigest()


def limit_for(path: str) -> int:
    """By path, never by the client's Content-Type (which would let any route take 20 MB)."""
    return PATH_LIMITS.get(path, JSON_LIMIT)


def token_ok(given: str, token: str) -> bool:
    """The one token comparison (constant time), shared by the Bearer header check and the login form."""
    return hmac.compare_digest(given.encode(), token.encode())


def safe_next(path: str) -> str:
    """Where to go after login: only same-site paths (never //evil.example or /\\evil.example)."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


class TooLarge(HTTPException):
    """Raised while streaming a body past its limit. An HTTPException so FastAPI's body parsing re-raises
    it as is (any other exception there becomes a 400)."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body too large: the limit is {limit >> 20} MB"
                              + ("" if limit == UPLOAD_LIMIT else " here (20 MB only for the batch uploads)"))


class Guard:
    """Pure ASGI middleware (no body buffering, streaming responses pass through untouched)."""

    def __init__(self, app, token: str | None = None, allowed_hosts: set[str] | None = None):
        self.app = app
        self.token = token or None
        self.allowed_hosts = {h.lower() for h in (allowed_hosts or set())} | LOOPBACK_NAMES

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]

        async def send_secure(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in have]
            await send(message)

        refusal = self._refuse(scope, headers, path)
        if refusal is not None:
            return await refusal(scope, receive, send_secure)

        limit = limit_for(path)
        seen = 0

        async def receive_limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, receive_limited, send_secure)

    def _refuse(self, scope, headers: dict[str, str], path: str):
        """The response that refuses this request, or None to let it through."""
        api = path.startswith("/api/") or path in ("/openapi.json",)
        clen = headers.get("content-length", "")
        limit = limit_for(path)
        if clen.isdigit() and int(clen) > limit:
            return _error(413, TooLarge(limit).detail, api)
        host = headers.get("host", "").lower()
        try:
            parts = urlsplit(f"//{host}")
            hostname, _ = parts.hostname or "", parts.port  # .port checks the port: "127.0.0.1:abc" is refused
        except ValueError:  # e.g. "[" or "127.0.0.1:abc": not a host name at all
            return _error(400, f"malformed Host header {host!r}", api)
        if not self.token and hostname not in self.allowed_hosts and f"[{hostname}]" not in self.allowed_hosts:
            return _error(400, f"unexpected Host header {host!r}: without SOCFIT_TOKEN the server answers only "
                               "to localhost / 127.0.0.1", api)
        if self.token and not path.startswith(OPEN_PATHS) and not self._authorised(headers):
            if api or scope["method"] != "GET":
                return _error(401, "authentication required: send 'Authorization: Bearer <SOCFIT_TOKEN>' or log in "
                                   "at /login", True, {"www-authenticate": "Bearer"})
            query = "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
            return _redirect("/login?next=" + quote(safe_next(path + query), safe=""))
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get("origin")
            # "null" comes from privacy settings and sandboxed frames: Sec-Fetch-Site and the CSRF token decide then
            try:
                netloc = urlsplit(origin).netloc.lower() if origin and origin != "null" else host
            except ValueError:
                return _error(400, f"malformed Origin header {origin!r}", api)
            if netloc != host:
                return _error(403, f"cross-origin request refused (Origin {origin} is not this server)", api)
            if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
                return _error(403, "cross-site request refused", api)
        return None

    def _authorised(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and token_ok(auth[7:].strip(), self.token):
            return True
        cookie = _cookies(headers.get("cookie", "")).get(AUTH_COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), session_value(self.token).encode())


def _cookies(raw: str) -> dict[str, str]:
    out = {}
    for part in raw.split(";"):
        k, _, v = part.strip().partition("=")
        if k:
            out[k] = v
    return out


def _error(status: int, message: str, api: bool, extra: dict[str, str] | None = None):
    async def respond(scope, receive, send):
        if api:
            body, ctype = json.dumps({"detail": message}).encode(), b"application/json"
        else:
            from html import escape

            body = (f"<!doctype html><meta charset=utf-8><title>{status}</title><link rel=stylesheet "
                    f"href=/static/socfit.css><main class=narrow><h1>{status}</h1><p>{escape(message)}</p>"
                    f"<p><a href=/>Back to socfit</a></main>").encode()
            ctype = b"text/html; charset=utf-8"
        headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", b"no-store")]
        headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    return respond


def _redirect(location: str):
    async def respond(scope, receive, send):
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
    return respond


# ------------------------------------------------------------------ CSRF (double-submit cookie)
def csrf_token(request: Request) -> str:
    """The token for this browser: the cookie's value, or a new one the response must set."""
    tok = request.cookies.get(CSRF_COOKIE, "")
    if len(tok) != 43:  # token_urlsafe(32)
        tok = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = tok
    return tok


def set_csrf_cookie(request: Request, response) -> None:
    tok = getattr(request.state, "new_csrf", None)
    if tok:
        response.set_cookie(CSRF_COOKIE, tok, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")


def check_csrf(request: Request, given: str | None) -> None:
    """Form posts must echo the cookie's token (a cross-site page can neither read nor set it)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
        raise HTTPException(403, "the form's security token is missing or stale: reload the page and submit again")
