"""The Starlette application behind ``mapcheck serve``.

Routes: ``GET /`` (the page), ``GET /static/app.js`` and ``/static/app.css`` (its script and
styles, package data), ``POST /api/check`` (one check; any other method is refused with 405, so
no GET changes anything). Security, for a server that runs on a journalist's own machine:

- every response carries a strict Content-Security-Policy (nothing but this origin's script and
  styles, images from ``data:``/``blob:``, no framing), ``nosniff`` and ``no-referrer``;
- the ``Host`` header must name the loopback address (or the host ``serve`` was told to bind),
  which defeats DNS rebinding; a check must carry the ``X-Mapcheck`` header and, when the browser
  sends ``Origin``, come from this origin: a web page elsewhere cannot make the browser post
  files here (a custom header needs a CORS preflight, which this server never grants);
- uploads stream into a private temporary folder under a size limit and the folder is removed
  when the answer is built, also on errors (:mod:`.upload`, :mod:`.service`);
- checks run in worker threads, at most ``workers`` at once, so the server keeps answering.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from checker.web import DEFAULT_MAX_UPLOAD

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}

log = logging.getLogger("mapcheck.web")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def create_app(
    *,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    ocr: bool = True,
    temp_root: Path | None = None,
    host: str = "127.0.0.1",
    workers: int = 2,
) -> ASGIApp:
    """The web application. ``max_upload`` limits the request body (bytes); ``temp_root`` is
    where the private per-request folders are made (default: the system's temporary folder);
    ``host`` is the address ``serve`` binds, which the ``Host`` header must name."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    from checker.config import PROFILES
    from checker.web import service
    from checker.web.strings import EN
    from checker.web.upload import UploadError, receive

    limiter: list[Any] = []

    def problem(status: int, key: str, detail: str = "") -> JSONResponse:
        message = EN.get(key, key).format(limit=detail, status=status)
        body: dict[str, Any] = {"error": key, "message": message}
        if key == "error.too_large":
            body["limit"] = max_upload
        return JSONResponse(body, status_code=status, headers={"cache-control": "no-store"})

    async def page(request: Request) -> Response:
        return HTMLResponse(_page(max_upload), headers={"cache-control": "no-store"})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:  # a fixed table: the client's path never reaches the disk
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(_asset(name), media_type=_STATIC[name])

    async def check(request: Request) -> Response:
        import anyio.to_thread

        if not _same_origin(request.headers):
            return problem(403, "error.forbidden")
        folder = Path(tempfile.mkdtemp(prefix="mapcheck-web-", dir=temp_root))  # mode 0700
        try:
            inbox = folder / "in"
            inbox.mkdir(mode=0o700)
            try:
                upload = await receive(
                    request.stream(),
                    request.headers.get("content-type", ""),
                    request.headers.get("content-length"),
                    max_upload,
                    inbox,
                )
            except UploadError as exc:
                return problem(exc.status, exc.key, exc.detail)
            profile = upload.fields.get("profile", "un")
            if profile not in PROFILES:
                return problem(400, "error.profile")
            pasted = upload.file is None
            if upload.file is not None:
                file, name = upload.file, upload.filename
            else:
                text = upload.fields.get("text", "")
                if not text.strip():
                    return problem(400, "error.empty")
                file, name = inbox / "pasted", "pasted text"
                fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(text.encode("utf-8"))
            job = service.Job(
                folder=folder,
                file=file,
                name=name,
                profile=profile,
                ocr=ocr,
                max_fix_bytes=max_upload,
            )
            if not limiter:
                limiter.append(anyio.CapacityLimiter(workers))
            result = await anyio.to_thread.run_sync(service.run, job, limiter=limiter[0])
            result["pasted"] = pasted
            return JSONResponse(result, headers={"cache-control": "no-store"})
        except Exception:
            log.exception("check failed")
            return problem(500, "error.server")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # Host headers carry IPv6 addresses in brackets.
    named = [f"[{h}]" if ":" in h else h for h in (*LOOPBACK_HOSTS, host)]
    allowed = named if is_loopback(host) else ["*"]
    app = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/static/{name}", static, methods=["GET"]),
            Route("/api/check", check, methods=["POST"]),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed)],
    )
    return _SecurityHeaders(app)


def _same_origin(headers: Any) -> bool:
    """A check comes from this page: it carries ``X-Mapcheck: 1`` (which no cross-site form can
    send without a preflight) and, if the browser names an ``Origin``, it is this host."""
    if headers.get("x-mapcheck") != "1":
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    host = headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


class _SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (errors from middleware too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@cache
def _asset(name: str) -> bytes:
    return (resources.files("checker.web") / "static" / name).read_bytes()


@cache
def _page(max_upload: int) -> str:
    """The page in English with both string tables inline (the script switches language)."""
    from checker import __version__
    from checker.web.strings import EN, TABLES

    text = _asset("index.html").decode("utf-8")
    # JSON inside <script>: "<" escaped so that no string can close the element.
    tables = json.dumps(TABLES, ensure_ascii=False).replace("<", "\\u003c")
    values = {
        "strings_json": tables,
        "limit_bytes": str(max_upload),
        "version": html.escape(__version__),
    }
    for key, value in EN.items():
        values.setdefault(key, html.escape(value.replace("{limit}", _mb(max_upload))))
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def serve(host: str, port: int, open_browser: bool, max_upload: int, ocr: bool = True) -> None:
    """Run the server until interrupted (blocking)."""
    import threading
    import webbrowser

    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    app = create_app(max_upload=max_upload, ocr=ocr, host=host)
    # No access log (what people check is their business); a bound on open connections.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        limit_concurrency=32,
    )
