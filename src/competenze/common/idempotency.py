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
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from competenze.common.models import IdempotencyRecord
from competenze.common.time import utcnow
from competenze.errors import Conflict, InvalidInput

KEEP_FOR = timedelta(hours=24)
# What a replay repeats of the first response's headers (no-store above all: the body is
# personal data, and a replay must not be cacheable where the original was not).
REPLAYED_HEADERS = ("etag", "location", "cache-control")

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Client-chosen key; a retry with the same key returns the first result",
    ),
]


def fingerprint(*parts: object) -> str:
    raw = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()


def created(out: BaseModel, *, location: str, etag: str | None = None, exclude_unset: bool = False) -> JSONResponse:
    """201 Created with the new resource, its Location and (for a versioned one) its ETag."""
    headers = {"Location": location} | ({"ETag": etag} if etag else {})
    return JSONResponse(json.loads(out.model_dump_json(exclude_unset=exclude_unset)), status_code=201, headers=headers)


def stored_response(record: IdempotencyRecord) -> Response:
    """The first response again, as it was sent."""
    return Response(
        record.body,
        status_code=record.status_code,
        headers=json.loads(record.headers_json),
        media_type="application/json",
    )


def run_idempotent(
    session: Session,
    *,
    principal: str,
    key: str | None,
    request_fingerprint: str,
    create: Callable[[], JSONResponse],
    replay: Callable[[IdempotencyRecord], Response],
    kept: Callable[[bytes], bytes] = lambda body: body,
) -> Response:
    """create(), or for a repeated key replay(record). A replay is a read of what was created
    and goes through the same gates as one: replay() re-checks that the caller may still see
    it (they may have moved organisation since) and records the access.

    kept(body) is what the record keeps of the first response's body, which is personal
    data: no more than replay() needs. Records last KEEP_FOR; a principal's expired ones go
    whenever they store a new one."""
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
                "This Idempotency-Key was already used for a different request; use a new key for a new request.",
                errors=[{"field": "header.Idempotency-Key", "message": "reused with a different request"}],
            )
        response = replay(record)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    response = create()
    headers = {k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS}
    session.execute(
        delete(IdempotencyRecord).where(
            col(IdempotencyRecord.principal) == principal, col(IdempotencyRecord.created_at) < utcnow() - KEEP_FOR
        )
    )
    session.add(
        IdempotencyRecord(
            principal=principal,
            key=key,
            fingerprint=request_fingerprint,
            status_code=response.status_code,
            headers_json=json.dumps(headers),
            body=kept(bytes(response.body)),
            created_at=utcnow(),
        )
    )
    try:
        session.flush()
    except IntegrityError:  # a concurrent request with the same key won the race
        raise Conflict("A request with this Idempotency-Key is already being processed; retry in a moment.") from None
    return response
