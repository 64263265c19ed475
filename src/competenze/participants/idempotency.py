"""Creating POSTs under a participant (assessments, experience, plans, dossiers), made safe
to retry with an Idempotency-Key (common/idempotency.py)."""

import json
import uuid
from collections.abc import Callable

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlmodel import Session, SQLModel

from competenze.audit import service as audit
from competenze.common.context import AccessContext
from competenze.common.idempotency import created, fingerprint, run_idempotent, stored_response
from competenze.common.models import IdempotencyRecord
from competenze.errors import NotFound


def create_once(
    session: Session,
    *,
    ctx: AccessContext,
    key: str | None,
    participant_id: uuid.UUID,
    body: BaseModel,
    model: type[SQLModel],
    create: Callable[[], BaseModel],
    location: Callable[[BaseModel], str],
    etag: str | None = None,
) -> Response:
    """A creating POST under a participant: 201 with Location (and ETag), replayed for a
    repeated Idempotency-Key.

    The caller has loaded the participant through the visibility chokepoint, so a replay is
    seen only by who may still see the participant; it is audited as a read of their record,
    and answers 404 when the row it created (of `model`) is gone since. The participant id is
    part of the fingerprint: the same key sent to another participant's collection is a
    different request, not a replay."""

    def respond() -> JSONResponse:
        out = create()
        return created(out, location=location(out), etag=etag)

    def replay(record: IdempotencyRecord) -> Response:
        row = session.get(model, uuid.UUID(json.loads(record.body)["id"]))
        if row is None or row.participant_id != participant_id:
            raise NotFound(
                "What this request created has been deleted since; to create it again, send the "
                "request with a new Idempotency-Key."
            )
        audit.record(session, ctx, "request.replay", object_type="idempotency_key", participant_ids=[participant_id])
        return stored_response(record)

    return run_idempotent(
        session,
        principal=ctx.key,
        key=key,
        request_fingerprint=fingerprint(str(participant_id), body.model_dump(mode="json")),
        create=respond,
        replay=replay,
    )
