"""One exception hierarchy, rendered as RFC 9457 problem+json (API) or an HTML error page.

Bodies never carry a stack trace, SQL, a token or the rejected input itself: the input may be
personal data or an attack, and echoing it back helps neither.
"""

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from competenze.resources import environment

log = logging.getLogger("competenze")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://competenze.invalid/problems/"


class AppError(Exception):
    status = 500
    slug = "internal-error"
    title = "Internal error"
    # Most errors undo the request's writes. A few failures are themselves facts to keep
    # (a failed login counts towards throttling; a replayed refresh token revokes its
    # family): those are raised with keep_changes=True and db.get_session commits.
    keep_changes = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.keep_changes = keep_changes
        self.extra = extra


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(
        self, detail: str | None = None, *, keep_changes: bool = False, token_sent: bool = True, **extra: Any
    ) -> None:
        # RFC 6750 §3.1: a request that sent no credentials gets the challenge without an error code.
        challenge = 'Bearer error="invalid_token"' if token_sent else 'Bearer realm="competenze"'
        super().__init__(
            detail or "A valid access token is required.",
            headers={"WWW-Authenticate": challenge},
            keep_changes=keep_changes,
            **extra,
        )


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Not found"


class NotAcceptable(AppError):
    status, slug, title = 406, "not-acceptable", "Not acceptable"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "The record changed since you read it"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class InvalidInput(AppError):
    status, slug, title = 422, "validation-error", "Invalid input"


class PreconditionRequired(AppError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class TooManyRequests(AppError):
    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, keep_changes: bool = False) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))}, keep_changes=keep_changes)


class ServiceUnavailable(AppError):
    status, slug, title = 503, "service-unavailable", "Service temporarily unavailable"


def field_error(field: str, message: str) -> InvalidInput:
    """A 422 that names the offending field the same way request validation does."""
    return InvalidInput(f"{field}: {message}", errors=[{"field": field, "message": message}])


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path.startswith("/.well-known/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    request_id = getattr(request.state, "request_id", None)
    if _wants_html(request):
        page = environment().get_template("errors/error.html")
        html = page.render(status=status, title=title, detail=detail, request_id=request_id)
        response: Response = HTMLResponse(html, status_code=status)
    else:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        }
        if request_id:
            body["request_id"] = request_id
        body.update(extra)
        response = JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _field_name(loc: tuple) -> str:
    # ("body", "citizenships", 0) -> "citizenships[0]"; query/header/path keep their prefix.
    parts = list(loc)
    prefix = ""
    if parts and parts[0] in ("query", "header", "path", "cookie"):
        prefix = f"{parts.pop(0)}."
    elif parts and parts[0] == "body":
        parts.pop(0)
    name = ""
    for part in parts:
        if part == "[key]":  # a bad dictionary key: the key itself is already named
            continue
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return prefix + (name or "body")


_MODEL_LEVEL_FIELD = re.compile(r"^([a-z_][a-z0-9_.\[\]]*): (.+)$", re.S)


def _allowed_methods(request: Request) -> list[str]:
    methods: set[str] = set()

    def walk(routes) -> None:
        for route in routes:
            nested = getattr(route, "original_router", None)
            if nested is not None:
                walk(nested.routes)
            elif getattr(route, "path_regex", None) is not None and route.path_regex.match(request.url.path):
                methods.update(getattr(route, "methods", None) or ())

    walk(request.app.routes)
    return sorted(methods)


def invalid_input(errors: Iterable[Mapping[str, Any]], within: tuple = ("body",)) -> InvalidInput:
    """A 422 naming each field of pydantic's `errors`, as request validation names them.

    `within` is where the validated value sits in the request, for values a service validates
    itself (a step's result becomes an assessment: ("body", "result", "language"))."""
    named_errors = []
    for err in errors:
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            message = "unknown field; remove it"
        loc = tuple(err.get("loc", ()))
        field = _field_name(
            loc if loc[:1] in (("query",), ("header",), ("path",), ("cookie",), ("body",)) else (*within, *loc)
        )
        # Cross-field checks (model validators) name their field first: "levels: ...".
        named = _MODEL_LEVEL_FIELD.match(message) if err.get("type") == "value_error" else None
        if named:
            inner, message = named.group(1), named.group(2)
            field = inner if field == "body" else f"{field}.{inner}"
        named_errors.append({"field": field, "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in named_errors[:5])
    return InvalidInput(detail, errors=named_errors[:50])


def internal_error(request: Request) -> Response:
    """The answer to an exception nothing else handled: logged here, told to no one.
    (web.middleware.RequestContextMiddleware sends it, so it carries every header a response
    does: Starlette's own last-resort handler answers outside the middleware.)"""
    log.exception("unhandled error on %s", request.url.path)
    return problem_response(
        request, 500, "internal-error", "Internal error", "Something went wrong on our side; it has been logged."
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return problem_response(request, exc.status, exc.slug, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        error = invalid_input(exc.errors())
        return problem_response(request, error.status, error.slug, error.title, error.detail, **error.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {
            400: "Bad request",
            404: "Not found",
            405: "Method not allowed",
            401: "Authentication required",
            403: "Not allowed",
        }
        title = titles.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers or {})
        if exc.status_code == 400:
            detail = "The request body could not be read; send UTF-8 JSON (or a form where asked)."
        if exc.status_code == 404:
            detail = "There is nothing at this address."
        if exc.status_code == 405:
            # Starlette lists only the first matching route's methods; RFC 9110 §15.5.6
            # wants every method the resource supports.
            allowed = _allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            detail = f"This address supports: {', '.join(allowed)}."
        slug = title.lower().replace(" ", "-")
        return problem_response(request, exc.status_code, slug, title, detail, headers)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, _exc: StaleDataError) -> Response:
        e = PreconditionFailed("Someone else changed this record; read it again and retry.")
        return problem_response(request, e.status, e.slug, e.title, e.detail)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error on %s: %s", request.url.path, exc.orig.__class__.__name__)
        e = Conflict("The change conflicts with existing data (a duplicate or a missing reference).")
        return problem_response(request, e.status, e.slug, e.title, e.detail)

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> Response:
        log.error(
            "database unavailable on %s: %s: %s", request.url.path, exc.orig.__class__.__name__, str(exc.orig)[:200]
        )
        e = ServiceUnavailable("The database is not reachable right now; try again shortly.")
        return problem_response(request, e.status, e.slug, e.title, e.detail, {"Retry-After": "5"})

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            return await _db_down(request, exc)  # type: ignore[arg-type]
        log.exception("database error on %s", request.url.path)
        return problem_response(
            request, 500, "internal-error", "Internal error", "Something went wrong on our side; it has been logged."
        )


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is returned."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid access token",
    403: "Not allowed for your role",
    404: "Not found, or not visible to you",
    405: "Method not allowed",
    406: "None of the representations asked for in Accept is available",
    409: "Conflict",
    412: "The record changed since you read it (stale If-Match)",
    413: "Request body too large",
    422: "Invalid input (the fields are named)",
    428: "If-Match header required",
    429: "Too many requests (see Retry-After)",
    503: "Temporarily unavailable (see Retry-After)",
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting problem+json errors, for a router's `responses`."""
    return {
        code: {
            "description": _DESCRIPTIONS[code],
            "model": Problem,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }
