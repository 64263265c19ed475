"""Participant use-cases: register, read, search, update, close. Every access is audited."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_
from sqlmodel import Session, col, select

from competenze.access.visibility import can_read_restricted, get_visible_participant, visible_filter
from competenze.audit import service as audit
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.pagination import decode_cursor, encode_cursor
from competenze.common.text import fold, like_escape
from competenze.common.time import utcnow
from competenze.db import serialise_on
from competenze.errors import Conflict, Forbidden, field_error, invalid_input
from competenze.organisations.models import User
from competenze.participants.models import Participant, ParticipantRestricted
from competenze.participants.schemas import (
    REQUIRED_ON_UPDATE,
    RESTRICTED_FIELDS,
    ParticipantCreate,
    ParticipantOut,
    ParticipantPage,
    ParticipantUpdate,
)


def _citizenship_index(codes: list[str]) -> str:
    return "," + ",".join(codes) + "," if codes else ","


def _view(participant: Participant, restricted: ParticipantRestricted | None, show_restricted: bool) -> ParticipantOut:
    data = {name: getattr(participant, name) for name in ParticipantOut.model_fields if name not in RESTRICTED_FIELDS}
    if show_restricted:
        data["permit_type"] = restricted.permit_type if restricted else None
        data["support_needs"] = restricted.support_needs if restricted else None
    # Built from a dict so that unset restricted keys stay out of the JSON entirely
    # (the routes serialise with exclude_unset).
    return ParticipantOut.model_validate(data)


def view_for(session: Session, principal: Principal, participant: Participant) -> ParticipantOut:
    show = can_read_restricted(principal, participant)
    restricted = session.get(ParticipantRestricted, participant.id) if show else None
    return _view(participant, restricted, show)


def _check_counsellor(session: Session, organisation_id: uuid.UUID, counsellor_id: uuid.UUID) -> None:
    user = session.get(User, counsellor_id)
    if user is None or user.organisation_id != organisation_id or user.role != "counsellor" or not user.is_active:
        raise field_error("counsellor_id", "must be an active counsellor of the participant's organisation")


def _check_restricted_write(principal: Principal, fields: set[str]) -> None:
    touched = fields & set(RESTRICTED_FIELDS)
    if touched and principal.role != "counsellor":
        raise Forbidden(f"Only counsellors may record {', '.join(sorted(touched))}.")


def find_duplicate(
    session: Session, principal: Principal, *, name_folded: str, birth_date: date, country_of_birth: str
) -> Participant | None:
    return session.exec(
        select(Participant)
        .where(
            visible_filter(principal),
            col(Participant.name_folded) == name_folded,
            col(Participant.birth_date) == birth_date,
            col(Participant.country_of_birth) == country_of_birth,
        )
        .limit(1)
    ).first()


def create(
    session: Session,
    principal: Principal,
    ctx: AccessContext,
    data: ParticipantCreate,
    *,
    confirm_duplicate: bool = False,
) -> ParticipantOut:
    visible_filter(principal)  # role check before anything else
    _check_restricted_write(principal, data.model_fields_set)
    name_folded = fold(f"{data.given_names} {data.family_name}")
    if not confirm_duplicate:
        # Two identical registrations at once must not both find no duplicate and both insert.
        serialise_on(
            session,
            "participant-duplicate",
            f"{principal.organisation_id}|{name_folded}|{data.birth_date}|{data.country_of_birth}",
        )
        existing = find_duplicate(
            session,
            principal,
            name_folded=name_folded,
            birth_date=data.birth_date,
            country_of_birth=data.country_of_birth,
        )
        if existing is not None:
            raise Conflict(
                "A participant with the same name, birth date and country of birth is already "
                f"registered ({existing.id}). Open that record instead; if this is a different "
                "person, repeat the request with ?confirm_duplicate=true.",
                existing_id=str(existing.id),
            )
    counsellor_id = data.counsellor_id
    if counsellor_id is None and principal.role == "counsellor":
        counsellor_id = principal.id
    if counsellor_id is not None:
        _check_counsellor(session, principal.organisation_id, counsellor_id)
    now = utcnow()
    fields = data.model_dump(exclude={"counsellor_id", *RESTRICTED_FIELDS})
    participant = Participant(
        **fields,
        organisation_id=principal.organisation_id,
        counsellor_id=counsellor_id,
        name_folded=name_folded,
        citizenship_index=_citizenship_index(data.citizenships),
        created_by=principal.id,
        created_at=now,
        updated_at=now,
    )
    session.add(participant)
    session.flush()
    restricted = None
    if data.permit_type is not None or data.support_needs is not None:
        restricted = ParticipantRestricted(
            participant_id=participant.id,
            permit_type=data.permit_type,
            support_needs=data.support_needs,
            updated_at=now,
        )
        session.add(restricted)
        session.flush()
    audit.record(
        session,
        ctx,
        "participant.create",
        object_type="participant",
        object_id=participant.id,
        participant_ids=[participant.id],
    )
    return _view(participant, restricted, can_read_restricted(principal, participant))


def replay_created(
    session: Session, principal: Principal, ctx: AccessContext, participant_id: str
) -> tuple[ParticipantOut, int]:
    """A repeated creation (Idempotency-Key): the participant it created, read again through
    the visibility chokepoint and audited as a read, or 404 when the caller may no longer see
    them. (version, for the ETag.)"""
    participant = get_visible_participant(session, principal, uuid.UUID(participant_id))
    return read(session, principal, ctx, participant), participant.version


def read(session: Session, principal: Principal, ctx: AccessContext, participant: Participant) -> ParticipantOut:
    audit.record(
        session,
        ctx,
        "participant.read",
        object_type="participant",
        object_id=participant.id,
        participant_ids=[participant.id],
    )
    return view_for(session, principal, participant)


def search(
    session: Session,
    principal: Principal,
    ctx: AccessContext,
    *,
    q: str | None,
    birth_date: date | None,
    citizenship: str | None,
    counsellor_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> ParticipantPage:
    query = select(Participant).where(visible_filter(principal, via_referral=True))
    if q:
        # Every word of the query must start a word of the name: "ndeye dio" finds
        # "Ndèye Fatou Diop".
        for word in fold(q).split()[:5]:
            pattern = like_escape(word)
            query = query.where(
                or_(
                    col(Participant.name_folded).like(f"{pattern}%", escape="\\"),
                    col(Participant.name_folded).like(f"% {pattern}%", escape="\\"),
                )
            )
    if birth_date is not None:
        query = query.where(col(Participant.birth_date) == birth_date)
    if citizenship is not None:
        query = query.where(col(Participant.citizenship_index).like(f"%,{citizenship},%"))
    if counsellor_id is not None:
        query = query.where(col(Participant.counsellor_id) == counsellor_id)
    if status is not None:
        query = query.where(col(Participant.status) == status)
    if cursor:
        created, last_id = decode_cursor(cursor, datetime, uuid.UUID)
        query = query.where(
            or_(
                col(Participant.created_at) < created,
                (col(Participant.created_at) == created) & (col(Participant.id) < last_id),
            )
        )
    rows = list(
        session.exec(
            query.order_by(col(Participant.created_at).desc(), col(Participant.id).desc()).limit(limit + 1)
        ).all()
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].created_at, rows[-1].id])
    if rows:
        audit.record(session, ctx, "participant.list", object_type="participant", participant_ids=[p.id for p in rows])
    restricted_ids = [p.id for p in rows if can_read_restricted(principal, p)]
    restricted = (
        {
            r.participant_id: r
            for r in session.exec(
                select(ParticipantRestricted).where(col(ParticipantRestricted.participant_id).in_(restricted_ids))
            ).all()
        }
        if restricted_ids
        else {}
    )
    items = [_view(p, restricted.get(p.id), p.id in restricted_ids) for p in rows]
    return ParticipantPage(items=items, next_cursor=next_cursor)


def update(
    session: Session, principal: Principal, ctx: AccessContext, participant: Participant, data: ParticipantUpdate
) -> ParticipantOut:
    if participant.status == "closed":
        raise Conflict("This participant's record is closed; closed records cannot be changed.")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    _check_restricted_write(principal, set(changes))
    for name in REQUIRED_ON_UPDATE:
        if name in changes and changes[name] is None:
            raise field_error(name, "cannot be cleared")
    merged = {
        **{k: getattr(participant, k) for k in ("birth_date", "sex", "arrival_date", "fiscal_code")},
        **{k: v for k, v in changes.items() if k in ("birth_date", "sex", "arrival_date", "fiscal_code")},
    }
    try:  # cross-field checks (arrival after birth, fiscal code) on the resulting record
        ParticipantUpdate.model_validate(merged)
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    if changes.get("counsellor_id") is not None:
        _check_counsellor(session, participant.organisation_id, changes["counsellor_id"])
    now = utcnow()
    restricted_changes = {k: changes.pop(k) for k in RESTRICTED_FIELDS if k in changes}
    for name, value in changes.items():
        setattr(participant, name, value)
    participant.name_folded = fold(f"{participant.given_names} {participant.family_name}")
    participant.citizenship_index = _citizenship_index(participant.citizenships)
    participant.updated_at = now
    session.add(participant)
    if restricted_changes:
        restricted = session.get(ParticipantRestricted, participant.id)
        if restricted is None:
            restricted = ParticipantRestricted(participant_id=participant.id, updated_at=now)
        for name, value in restricted_changes.items():
            setattr(restricted, name, value)
        restricted.updated_at = now
        session.add(restricted)
    session.flush()
    audit.record(
        session,
        ctx,
        "participant.update",
        object_type="participant",
        object_id=participant.id,
        participant_ids=[participant.id],
    )
    return view_for(session, principal, participant)


def close(
    session: Session, principal: Principal, ctx: AccessContext, participant: Participant, reason: str
) -> ParticipantOut:
    if participant.status == "closed":
        raise Conflict("This participant's record is already closed.")
    now = utcnow()
    participant.status, participant.closed_at, participant.closure_reason = "closed", now, reason
    participant.updated_at = now
    session.add(participant)
    session.flush()
    audit.record(
        session,
        ctx,
        "participant.close",
        object_type="participant",
        object_id=participant.id,
        participant_ids=[participant.id],
    )
    return view_for(session, principal, participant)
