"""Consents: a participant's agreement that a recipient organisation may receive their data
for one purpose. Withdrawal takes effect at once: every check reads withdrawn_at live."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from competenze.access import visibility
from competenze.audit import service as audit
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import Conflict, NotFound, field_error
from competenze.organisations.models import Organisation
from competenze.participants.models import Consent, Participant
from competenze.participants.schemas import ConsentCreate, ConsentOut


def _out(consent: Consent) -> ConsentOut:
    return ConsentOut(
        id=consent.id,
        participant_id=consent.participant_id,
        purpose=consent.purpose,
        recipient_organisation_id=consent.recipient_organisation_id,
        method=consent.method,
        given_at=consent.given_at,
        withdrawn_at=consent.withdrawn_at,
        active=consent.withdrawn_at is None,
    )


def list_consents(session: Session, ctx: AccessContext, participant: Participant) -> list[ConsentOut]:
    rows = session.exec(
        select(Consent).where(col(Consent.participant_id) == participant.id).order_by(col(Consent.given_at).desc())
    ).all()
    audit.record(session, ctx, "consent.list", object_type="consent", participant_ids=[participant.id])
    return [_out(c) for c in rows]


def give(
    session: Session, ctx: AccessContext, participant: Participant, data: ConsentCreate, recorded_by: uuid.UUID
) -> ConsentOut:
    if participant.status == "closed":
        raise Conflict("This participant's record is closed.")
    if session.get(Organisation, data.recipient_organisation_id) is None:
        raise field_error("recipient_organisation_id", "no organisation with this id")
    if visibility.owns(data.recipient_organisation_id, participant):
        raise field_error(
            "recipient_organisation_id", "the owning organisation needs no consent; choose another organisation"
        )
    given_at: datetime = data.given_at or utcnow()  # aware and in range: a Moment
    if given_at > utcnow():
        raise field_error("given_at", "must not be in the future")
    if visibility.has_active_consent(session, participant.id, data.recipient_organisation_id, data.purpose):
        raise Conflict("An active consent for this recipient and purpose already exists.")
    consent = Consent(
        participant_id=participant.id,
        purpose=data.purpose,
        recipient_organisation_id=data.recipient_organisation_id,
        method=data.method,
        given_at=given_at,
        recorded_by=recorded_by,
    )
    session.add(consent)
    session.flush()
    audit.record(
        session, ctx, "consent.give", object_type="consent", object_id=consent.id, participant_ids=[participant.id]
    )
    return _out(consent)


def withdraw(
    session: Session, ctx: AccessContext, participant: Participant, consent_id: uuid.UUID, withdrawn_by: uuid.UUID
) -> ConsentOut:
    consent = session.exec(
        select(Consent).where(col(Consent.id) == consent_id, col(Consent.participant_id) == participant.id)
    ).first()
    if consent is None:
        raise NotFound("No consent with this id for this participant.")
    if consent.withdrawn_at is not None:
        raise Conflict("This consent was already withdrawn.")
    consent.withdrawn_at, consent.withdrawn_by = utcnow(), withdrawn_by
    session.add(consent)
    session.flush()
    audit.record(
        session, ctx, "consent.withdraw", object_type="consent", object_id=consent.id, participant_ids=[participant.id]
    )
    return _out(consent)
