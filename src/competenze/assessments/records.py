"""Use-cases shared by every kind of participant record (assessments, education, work...):
write with provenance and audit, list the history, find one, change or remove it."""

import uuid
from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from competenze.assessments.evidence import Method
from competenze.assessments.provenance import ProvenanceIn
from competenze.audit import service as audit
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import Conflict, NotFound, field_error
from competenze.organisations.models import User
from competenze.participants.models import Participant

R = TypeVar("R", bound=SQLModel)
P = TypeVar("P", bound=ProvenanceIn)


def ensure_open(participant: Participant) -> None:
    if participant.status == "closed":
        raise Conflict("This participant's record is closed; closed records cannot be changed.")


def stamp(ctx: AccessContext, participant: Participant) -> dict:
    """The record columns every new row gets from the request that writes it."""
    return {
        "participant_id": participant.id,
        "organisation_id": ctx.organisation_id,
        "recorded_by": uuid.UUID(ctx.actor_id),
        "recorded_at": utcnow(),
    }


def with_assessor(session: Session, ctx: AccessContext, data: P) -> P:
    """A counsellor's observation names who observed: as sent, else the counsellor recording it."""
    if data.assessor_name or data.method != Method.counsellor_observation or ctx.actor_type != "user":
        return data
    user = session.get(User, uuid.UUID(ctx.actor_id))
    return data.model_copy(update={"assessor_name": user.display_name[:100]}) if user is not None else data


def add(session: Session, ctx: AccessContext, participant: Participant, row: R) -> R:
    ensure_open(participant)
    session.add(row)
    session.flush()
    audit.record(
        session,
        ctx,
        f"{row.__tablename__}.create",
        object_type=row.__tablename__,
        object_id=row.id,
        participant_ids=[participant.id],
    )
    return row


def history(
    session: Session, ctx: AccessContext, participant: Participant, model: type[R], *order_by, action: str = "list"
) -> list[R]:
    rows = list(
        session.exec(
            select(model).where(col(model.participant_id) == participant.id).order_by(*order_by).limit(1000)
        ).all()
    )
    audit.record(
        session,
        ctx,
        f"{model.__tablename__}.{action}",
        object_type=model.__tablename__,
        participant_ids=[participant.id],
    )
    return rows


def get_item(session: Session, participant: Participant, model: type[R], item_id: uuid.UUID) -> R:
    row = session.get(model, item_id)
    if row is None or row.participant_id != participant.id:
        raise NotFound("No such record for this participant.")
    return row


def check_supersedes(
    session: Session, participant: Participant, model: type[R], supersedes_id: uuid.UUID | None, **same
) -> None:
    """A correction must name an earlier record of the same participant (and, e.g., language)."""
    if supersedes_id is None:
        return
    earlier = session.get(model, supersedes_id)
    if (
        earlier is None
        or earlier.participant_id != participant.id
        or any(getattr(earlier, k) != v for k, v in same.items())
    ):
        raise field_error(
            "supersedes_id",
            "must be an earlier assessment of this participant" + (f" with the same {', '.join(same)}" if same else ""),
        )
    already = session.exec(select(model.id).where(col(model.supersedes_id) == supersedes_id)).first()
    if already is not None:
        raise Conflict(f"That assessment was already corrected by {already}; correct the newer one.")


def changed(session: Session, ctx: AccessContext, participant: Participant, row: SQLModel, action: str) -> None:
    ensure_open(participant)
    session.add(row)
    session.flush()
    audit.record(
        session,
        ctx,
        f"{row.__tablename__}.{action}",
        object_type=row.__tablename__,
        object_id=getattr(row, "id", None),
        participant_ids=[participant.id],
    )


def remove(session: Session, ctx: AccessContext, participant: Participant, row: SQLModel) -> None:
    ensure_open(participant)
    session.delete(row)
    session.flush()
    audit.record(
        session,
        ctx,
        f"{row.__tablename__}.delete",
        object_type=row.__tablename__,
        object_id=getattr(row, "id", None),
        participant_ids=[participant.id],
    )
