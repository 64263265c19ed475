"""Pure ASGI middleware: request ids, security headers and the request body cap."""

import asyncio
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from competenze.errors import PayloadTooLarge, internal_error, problem_response

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Pages load only what this service serves: no external origin, no inline script or style,
# no framing (DESIGN.md §10). Swagger UI draws its icons as data: images.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Anything else (JSON, PDF, XML) is never a document to run anything in.
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'"
# Personal or staff data must not sit in any cache: unless a route says otherwise (published
# keys, status lists, contexts, the stylesheets), a response is no-store (the token endpoint's
# RFC 6749 §5.1 among them), and no route repeats it. Clients that keep a copy of their own
# still revalidate it with If-None-Match.
DEFAULT_CACHE = "no-store"
STATIC_CACHE = "public, max-age=3600"


class RequestContextMiddleware:
    """Gives every request an id (the caller's X-Request-ID if well-formed) that appears in
    the response, in problem bodies and in audit events, so a support call can find them; and
    sets the headers every response carries: security headers, a Content-Security-Policy, and
    no-store unless the route chose its own caching."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        static, started = scope["path"].startswith("/static/"), False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_CSP if html else OTHER_CSP)
                headers.setdefault("Cache-Control", STATIC_CACHE if static else DEFAULT_CACHE)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:  # too late for an error response: the connection is cut
                raise
            await internal_error(Request(scope))(scope, receive, send_with_headers)


class SQLiteTurnMiddleware:
    """On SQLite, requests take turns through the app, waiting in the event loop.

    SQLite has one writer at a time and every request writes (an audit row at least), so a
    request holds the write lock from its first query to its commit, across several hops
    through the worker threads. Left to SQLite, the requests queued behind it sleep in its
    busy handler *inside* worker threads: under a few dozen concurrent requests the pool ran
    out of threads for the holder's own next hop and everything stalled until the busy
    timeout. Waiting here costs no thread, and the turn passes on as soon as one request
    ends. PostgreSQL runs requests concurrently and does not use this.

    The turn is an asyncio lock, so one app instance must be served by one event loop (as
    every uvicorn worker does); a second server in the same process needs its own app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.lock = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/healthz":
            return await self.app(scope, receive, send)
        turn = Turn(self.lock)
        scope.setdefault("state", {})[TURN] = turn
        await turn.take()
        try:
            await self.app(scope, receive, send)
        finally:
            turn.release()


TURN = "sqlite_turn"  # where a request's Turn is kept in its scope's state


class Turn:
    """One request's turn through the app: released when the request ends, or earlier by
    release_turn once it has committed and has only work without the database left."""

    def __init__(self, lock: asyncio.Lock) -> None:
        self.lock, self.held = lock, False

    async def take(self) -> None:
        await self.lock.acquire()
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.lock.release()


def release_turn(request: Request) -> None:
    """Let the next request through now (SQLite; nothing to do on PostgreSQL): this one's
    transaction has committed and what it still does reads no database, such as rendering a
    dossier's PDF or Europass XML, which took up to a second that every other request waited."""
    turn = getattr(request.state, TURN, None)
    if turn is not None:
        turn.release()


class BodyLimitMiddleware:
    """Refuses bodies over the cap with 413, whether announced by Content-Length or sent
    chunked. The body is read (at most cap bytes) before the app runs, so a handler never
    starts work on a request that will be cut off."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = PayloadTooLarge(f"The request body is larger than {self.max_bytes // 1024} KiB.")
        response = problem_response(
            Request(scope), error.status, error.slug, error.title, error.detail, {"Connection": "close"}
        )
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return await self._too_large(scope, receive, send)
            if int(length) > self.max_bytes:
                return await self._too_large(scope, receive, send)
            if int(length) == 0 and "transfer-encoding" not in headers:
                return await self.app(scope, receive, send)
        elif "transfer-encoding" not in headers:
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                return await self._too_large(scope, receive, send)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
