"""Idempotency-Key for creating POSTs (draft-ietf-httpapi-idempotency-key-header).

A retried POST with the same key and the same request gets the first response again, and
creates nothing; the same key with a different request is a client error. The record is
written in the request's own transaction, so it exists exactly when the creation does.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from competenze.common.models import IdempotencyRecord
from competenze.common.time import utcnow
from competenze.errors import Conflict, InvalidInput

KEEP_FOR = timedelta(hours=24)
REPLAYED_HEADERS = ("etag", "location")

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
           description="Client-chosen key; a retry with the same key returns the first result"),
]


def fingerprint(*parts: object) -> str:
    raw = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()


def run_idempotent(session: Session, *, principal: str, key: str | None, request_fingerprint: str,
                   create: Callable[[], JSONResponse]) -> Response:
    if key is None:
        return create()
    record = session.get(IdempotencyRecord, (principal, key))
    if record is not None and record.created_at < utcnow() - KEEP_FOR:
        session.delete(record)
        session.flush()
        record = None
    if record is not None:
        if record.fingerprint != request_fingerprint:
            raise InvalidInput(
                "This Idempotency-Key was already used for a different request; use a new key "
                "for a new request.", errors=[{"field": "header.Idempotency-Key",
                                               "message": "reused with a different request"}])
        headers = json.loads(record.headers_json)
        headers["Idempotent-Replayed"] = "true"
        return Response(record.body, status_code=record.status_code, headers=headers,
                        media_type="application/json")
    response = create()
    headers = {k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS}
    session.add(IdempotencyRecord(principal=principal, key=key, fingerprint=request_fingerprint,
                                  status_code=response.status_code,
                                  headers_json=json.dumps(headers), body=bytes(response.body),
                                  created_at=utcnow()))
    try:
        session.flush()
    except Exception as exc:  # a concurrent request with the same key won the race
        from sqlalchemy.exc import IntegrityError

        if isinstance(exc, IntegrityError):
            raise Conflict("A request with this Idempotency-Key is already being processed; "
                           "retry in a moment.") from None
        raise
    return response


def create_once(session: Session, *, principal: str, key: str | None, scope: object, body: BaseModel,
                create: Callable[[], BaseModel], location: Callable[[BaseModel], str],
                etag: str | None = None) -> Response:
    """A creating POST: 201 with Location (and ETag), replayed for a repeated Idempotency-Key.

    `scope` (e.g. the participant id) is part of the fingerprint, so the same key sent to
    another participant's collection is a different request, not a replay."""

    def respond() -> JSONResponse:
        out = create()
        headers = {"Cache-Control": "no-store", "Location": location(out)}
        if etag:
            headers["ETag"] = etag
        return JSONResponse(json.loads(out.model_dump_json()), status_code=201, headers=headers)

    return run_idempotent(session, principal=principal, key=key,
                          request_fingerprint=fingerprint(str(scope), body.model_dump(mode="json")),
                          create=respond)
