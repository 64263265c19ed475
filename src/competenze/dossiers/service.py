"""Dossier use-cases: issue a version, revoke it, list and serve what a principal may pull."""

import hashlib
import json
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from competenze.audit import service as audit
from competenze.audit.service import AccessContext
from competenze.auth.keys import KeyRing
from competenze.auth.principals import Principal
from competenze.common.pagination import decode_cursor, encode_cursor
from competenze.common.time import iso_z, utcnow
from competenze.config import Settings
from competenze.dossiers import collect, document, signing, status, status_lists
from competenze.dossiers.canonical import canonical_bytes
from competenze.dossiers.models import Dossier, DossierState
from competenze.dossiers.schemas import (
    DossierCreate,
    DossierOut,
    DossierPage,
    DossierStatus,
)
from competenze.errors import Conflict, NotFound, field_error
from competenze.organisations.models import Organisation
from competenze.participants.models import Participant
from competenze.participants.visibility import dossier_filter

CONTEXT_PATH = "/contexts/competenze/v1"


def _subject_id(session: Session, participant: Participant) -> str:
    # One pseudonymous subject per participant, kept across versions so a verifier can see
    # that two versions are about the same person without learning who it is.
    earlier = session.exec(select(Dossier.subject_id).where(col(Dossier.participant_id) == participant.id)
                           .limit(1)).first()
    return earlier or f"urn:uuid:{uuid.uuid4()}"


def out(settings: Settings, dossier: Dossier, state: DossierState, *, owner: bool) -> DossierOut:
    base = f"/api/v1/dossiers/{dossier.id}"
    return DossierOut(
        id=dossier.id, participant_id=dossier.participant_id, subject_id=dossier.subject_id, profile=dossier.profile,
        version=dossier.version, status=state.status, superseded_by_version=state.superseded_by_version,
        issued_at=dossier.issued_at, changed_at=state.changed_at, sha256=dossier.sha256, kid=dossier.kid,
        verification_url=f"{settings.issuer.rstrip('/')}/verify/{dossier.verification_code}" if owner else None,
        links={"self": base, "status": f"{settings.issuer.rstrip('/')}/api/v1/status-lists/"
                                     f"{status_lists.list_id(dossier.status_series, 'revocation')}"})


def issue(session: Session, ctx: AccessContext, settings: Settings, ring: KeyRing, participant: Participant,
          data: DossierCreate) -> DossierOut:
    now = utcnow()
    valid_until = None
    if data.valid_until is not None:
        if data.valid_until <= now.date():
            raise field_error("valid_until", "must be after today")
        valid_until = datetime(data.valid_until.year, data.valid_until.month, data.valid_until.day, tzinfo=now.tzinfo)
    elif settings.dossier_validity_days:
        valid_until = now + timedelta(days=settings.dossier_validity_days)
    previous = session.exec(select(Dossier, DossierState).join(
        DossierState, col(DossierState.dossier_id) == col(Dossier.id)).where(
        col(Dossier.participant_id) == participant.id, col(Dossier.profile) == data.profile,
        col(DossierState.status) == DossierStatus.valid).with_for_update()).first()
    version = (session.exec(select(func.max(Dossier.version)).where(
        col(Dossier.participant_id) == participant.id, col(Dossier.profile) == data.profile)).one() or 0) + 1
    organisation = session.get(Organisation, participant.organisation_id)
    series, index = status_lists.allocate(session)
    issuer = settings.issuer.rstrip("/")
    dossier_id = uuid.uuid4()
    entries = [status.entry(f"{issuer}/api/v1/status-lists/{status_lists.list_id(series, purpose)}", index, purpose)
               for purpose in status_lists.PURPOSES]
    credential = document.credential(collect.snapshot(session, participant), document.Issuance(
        dossier_id=str(dossier_id), subject_id=_subject_id(session, participant), profile=data.profile,
        version=version, issuer_url=issuer, organisation_id=str(organisation.id), organisation_name=organisation.name,
        valid_from=iso_z(now), valid_until=iso_z(valid_until) if valid_until else None,
        context_url=f"{issuer}{CONTEXT_PATH}", status_entries=entries))
    payload = canonical_bytes(credential)
    key = ring.current
    dossier = Dossier(id=dossier_id, participant_id=participant.id, organisation_id=organisation.id,
                      profile=data.profile, version=version, subject_id=credential["credentialSubject"]["id"],
                      credential=payload, jws=signing.sign(payload, key), sha256=hashlib.sha256(payload).hexdigest(),
                      kid=key.kid, status_series=series, status_index=index,
                      verification_code=secrets.token_urlsafe(24),
                      language=data.language or participant.preferred_language or "en",
                      supersedes_id=previous[0].id if previous else None, issued_by=uuid.UUID(ctx.actor_id),
                      issued_at=now)
    state = DossierState(dossier_id=dossier_id, participant_id=participant.id, profile=data.profile,
                         status=DossierStatus.valid, changed_at=now)
    session.add(dossier)
    session.flush()
    session.add(state)
    if previous is not None:
        old, old_state = previous
        old_state.status, old_state.superseded_by_id = DossierStatus.superseded, dossier_id
        old_state.superseded_by_version, old_state.changed_at = version, now
        session.add(old_state)
        status_lists.set_bit(session, old.status_series, "message", old.status_index)
    session.flush()
    audit.record(session, ctx, "dossier.issue", object_type="dossier", object_id=dossier_id,
                 participant_ids=[participant.id])
    return out(settings, dossier, state, owner=True)


def revoke(session: Session, ctx: AccessContext, settings: Settings, dossier: Dossier, reason: str) -> DossierOut:
    state = session.get(DossierState, dossier.id, with_for_update=True)
    if state.status == DossierStatus.revoked:
        raise Conflict("This dossier is already revoked.")
    now = utcnow()
    state.status, state.revoked_at, state.revocation_reason, state.changed_at = DossierStatus.revoked, now, reason, now
    session.add(state)
    status_lists.set_bit(session, dossier.status_series, "revocation", dossier.status_index)
    session.flush()
    audit.record(session, ctx, "dossier.revoke", object_type="dossier", object_id=dossier.id,
                 participant_ids=[dossier.participant_id])
    return out(settings, dossier, state, owner=True)


# An organisation's kind is fixed when it is created (no route changes it), so each process
# looks it up once instead of on every pull.
_KINDS: dict[uuid.UUID, str] = {}


def _recipient_kind(session: Session, principal: Principal) -> str:
    kind = _KINDS.get(principal.organisation_id)
    if kind is None:
        kind = _KINDS[principal.organisation_id] = session.get(Organisation, principal.organisation_id).kind
    return kind


def visible(session: Session, principal: Principal, dossier_id: uuid.UUID) -> tuple[Dossier, DossierState, bool]:
    """(dossier, state, caller is the owning organisation) — or 404, the same as missing."""
    row = session.exec(select(Dossier, DossierState, Participant.organisation_id)
                       .join(DossierState, col(DossierState.dossier_id) == col(Dossier.id))
                       .join(Participant, col(Participant.id) == col(Dossier.participant_id))
                       .where(col(Dossier.id) == dossier_id,
                              dossier_filter(principal, _recipient_kind(session, principal)))).first()
    if row is None:
        raise NotFound("No dossier with this id is visible to you.")
    return row[0], row[1], row[2] == principal.organisation_id


def for_participant(session: Session, ctx: AccessContext, settings: Settings, participant: Participant) -> list[DossierOut]:
    rows = session.exec(select(Dossier, DossierState).join(DossierState, col(DossierState.dossier_id) == col(Dossier.id))
                        .where(col(Dossier.participant_id) == participant.id)
                        .order_by(col(Dossier.profile), col(Dossier.version).desc())).all()
    audit.record(session, ctx, "dossier.list", object_type="dossier", participant_ids=[participant.id])
    return [out(settings, d, s, owner=True) for d, s in rows]


def listing(session: Session, ctx: AccessContext, settings: Settings, principal: Principal, *,
            updated_since: datetime | None, cursor: str | None, limit: int) -> DossierPage:
    query = (select(Dossier, DossierState, Participant.organisation_id)
             .join(DossierState, col(DossierState.dossier_id) == col(Dossier.id))
             .join(Participant, col(Participant.id) == col(Dossier.participant_id))
             .where(dossier_filter(principal, _recipient_kind(session, principal)))
             # A page lists dossiers; their documents (tens of KB each) are fetched one by one.
             .options(defer(Dossier.credential), defer(Dossier.jws)))
    if updated_since is not None:
        if updated_since.tzinfo is None:
            raise field_error("query.updated_since", "include a time zone, e.g. 2026-11-25T10:00:00Z")
        query = query.where(col(DossierState.changed_at) >= updated_since)
    if cursor:
        changed_raw, id_raw = decode_cursor(cursor, 2)
        try:
            changed, last = datetime.fromisoformat(str(changed_raw)), uuid.UUID(str(id_raw))
        except ValueError:
            raise field_error("query.cursor", "not a cursor returned by this API") from None
        query = query.where((col(DossierState.changed_at) < changed)
                            | ((col(DossierState.changed_at) == changed) & (col(DossierState.dossier_id) < last)))
    rows = list(session.exec(query.order_by(col(DossierState.changed_at).desc(), col(DossierState.dossier_id).desc())
                             .limit(limit + 1)).all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1][1].changed_at.isoformat(), str(rows[-1][1].dossier_id)])
    if rows:
        audit.record(session, ctx, "dossier.list", object_type="dossier",
                     participant_ids=[d.participant_id for d, _, _ in rows])
    return DossierPage(items=[out(settings, d, s, owner=org == principal.organisation_id) for d, s, org in rows],
                       next_cursor=next_cursor)


def record_pull(session: Session, ctx: AccessContext, dossier: Dossier, representation: str) -> None:
    audit.record(session, ctx, f"dossier.pull.{representation}", object_type="dossier", object_id=dossier.id,
                 participant_ids=[dossier.participant_id])


def credential_of(dossier: Dossier) -> dict:
    return json.loads(dossier.credential)
