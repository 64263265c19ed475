"""Dossier use-cases: issue a version, revoke it, list and serve what a principal may pull."""

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import String, Uuid, bindparam, func, insert, type_coerce, update
from sqlmodel import Session, col, select

from competenze.access import visibility
from competenze.audit import service as audit
from competenze.auth.keys import KeyRing
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.pagination import decode_cursor, encode_cursor
from competenze.common.time import aware, iso_z, utcnow
from competenze.config import Settings
from competenze.db import existing
from competenze.dossiers import collect, document, negotiation, signing, status, status_lists
from competenze.dossiers.canonical import canonical_bytes
from competenze.dossiers.models import Dossier, DossierState
from competenze.dossiers.schemas import (
    DossierCreate,
    DossierOut,
    DossierPage,
    DossierStatus,
)
from competenze.errors import Conflict, NotFound, field_error
from competenze.hotpath import AnyConnection, Prepared
from competenze.organisations.models import Organisation
from competenze.participants.models import Participant

CONTEXT_PATH = "/contexts/competenze/v1"


def out(settings: Settings, dossier: Dossier, state: DossierState, *, owner: bool) -> DossierOut:
    return DossierOut(**_fields(settings, dossier, state, owner=owner))


def _fields(settings: Settings, dossier, state, *, owner: bool) -> dict:
    issuer = settings.issuer.rstrip("/")
    return {
        "id": dossier.id,
        "participant_id": dossier.participant_id,
        "subject_id": dossier.subject_id,
        "profile": dossier.profile,
        "version": dossier.version,
        "status": state.status,
        "superseded_by_version": state.superseded_by_version,
        "issued_at": dossier.issued_at,
        "changed_at": state.changed_at,
        "sha256": dossier.sha256,
        "kid": dossier.kid,
        "verification_url": f"{issuer}/verify/{dossier.verification_code}" if owner else None,
        "links": {
            "self": f"/api/v1/dossiers/{dossier.id}",
            "status": f"{issuer}/api/v1/status-lists/{status_lists.list_id(dossier.status_series, 'revocation')}",
        },
    }


# Issuance runs these as prepared statements (hotpath.Prepared): building ORM queries and objects
# was most of an issuance's time (bench/dossiers.py).
_D, _S = Dossier.__table__.c, DossierState.__table__.c
# The valid version of this profile, about to be superseded: both rows locked.
_PREVIOUS = Prepared(
    select(_D.id, _D.status_series, _D.status_index)
    .join_from(DossierState.__table__, Dossier.__table__, _D.id == _S.dossier_id)
    .where(
        _S.participant_id == bindparam("participant_id"),
        _S.profile == bindparam("profile"),
        _S.status == DossierStatus.valid,
    )
    .with_for_update()
)
_LATEST_VERSION = Prepared(
    select(func.max(_D.version)).where(
        _D.participant_id == bindparam("participant_id"), _D.profile == bindparam("profile")
    )
)
# One pseudonymous subject per participant, kept across versions and profiles, so a verifier
# can see that two versions are about the same person without learning who it is.
_SUBJECT = Prepared(select(_D.subject_id).where(_D.participant_id == bindparam("participant_id")).limit(1))
_ORGANISATION_NAME = Prepared(
    select(Organisation.__table__.c.name).where(Organisation.__table__.c.id == bindparam("id"))
)
_INSERT_DOSSIER = Prepared(insert(Dossier.__table__), column_keys=[c.key for c in Dossier.__table__.c])
_INSERT_STATE = Prepared(
    insert(DossierState.__table__),
    column_keys=["dossier_id", "participant_id", "profile", "status", "changed_at", "version"],
)
# Under the lock taken above; `version` is the ORM's optimistic-locking counter of the row.
_SUPERSEDE = (
    update(DossierState.__table__)
    .where(_S.dossier_id == bindparam("old_id"), _S.status == DossierStatus.valid)
    .values(
        status=DossierStatus.superseded,
        superseded_by_id=bindparam("new_id"),
        superseded_by_version=bindparam("new_version"),
        changed_at=bindparam("now"),
        version=_S.version + 1,
    )
)


def issue(
    session: Session,
    ctx: AccessContext,
    settings: Settings,
    ring: KeyRing,
    participant: Participant,
    data: DossierCreate,
) -> DossierOut:
    now = utcnow()
    valid_until = None
    if data.valid_until is not None:
        if data.valid_until <= now.date():
            raise field_error("valid_until", "must be after today")
        valid_until = datetime(data.valid_until.year, data.valid_until.month, data.valid_until.day, tzinfo=now.tzinfo)
    elif settings.dossier_validity_days:
        valid_until = now + timedelta(days=settings.dossier_validity_days)
    session.flush()  # prepared statements skip the ORM's autoflush
    connection = session.connection()
    previous = _PREVIOUS.first(connection, participant_id=participant.id, profile=data.profile)
    version = (_LATEST_VERSION.first(connection, participant_id=participant.id, profile=data.profile)[0] or 0) + 1
    subject = _SUBJECT.first(connection, participant_id=participant.id)
    (organisation_name,) = _ORGANISATION_NAME.first(connection, id=participant.organisation_id)
    series, index = status_lists.allocate(session)
    issuer = settings.issuer.rstrip("/")
    dossier_id = uuid.uuid4()
    entries = [
        status.entry(f"{issuer}/api/v1/status-lists/{status_lists.list_id(series, purpose)}", index, purpose)
        for purpose in status_lists.PURPOSES
    ]
    credential = document.credential(
        collect.snapshot(session, participant),
        document.Issuance(
            dossier_id=str(dossier_id),
            subject_id=subject[0] if subject else f"urn:uuid:{uuid.uuid4()}",
            profile=data.profile,
            version=version,
            issuer_url=issuer,
            organisation_id=str(participant.organisation_id),
            organisation_name=organisation_name,
            valid_from=iso_z(now),
            valid_until=iso_z(valid_until) if valid_until else None,
            context_url=f"{issuer}{CONTEXT_PATH}",
            status_entries=entries,
        ),
    )
    payload = canonical_bytes(credential)
    key = ring.current
    dossier = Dossier(
        id=dossier_id,
        participant_id=participant.id,
        organisation_id=participant.organisation_id,
        profile=data.profile,
        version=version,
        subject_id=credential["credentialSubject"]["id"],
        credential=payload,
        jws=signing.sign(payload, key),
        sha256=hashlib.sha256(payload).hexdigest(),
        kid=key.kid,
        status_series=series,
        status_index=index,
        verification_code=secrets.token_urlsafe(24),
        language=data.language or participant.preferred_language or "en",
        supersedes_id=previous.id if previous else None,
        issued_by=uuid.UUID(ctx.actor_id),
        issued_at=now,
    )
    _INSERT_DOSSIER.many(connection, [dossier.model_dump()])
    state = DossierState(
        dossier_id=dossier_id,
        participant_id=participant.id,
        profile=data.profile,
        status=DossierStatus.valid,
        changed_at=now,
        version=1,
    )
    _INSERT_STATE.many(connection, [state.model_dump()])
    if previous is not None:
        if (
            session.execute(
                _SUPERSEDE, {"old_id": previous.id, "new_id": dossier_id, "new_version": version, "now": now}
            ).rowcount
            != 1
        ):
            raise Conflict("Another request changed this participant's dossiers meanwhile; try again.")
        status_lists.set_bit(session, previous.status_series, "message", previous.status_index)
    audit.record(
        session, ctx, "dossier.issue", object_type="dossier", object_id=dossier_id, participant_ids=[participant.id]
    )
    return out(settings, dossier, state, owner=True)


def revoke(session: Session, ctx: AccessContext, settings: Settings, dossier: Dossier, reason: str) -> DossierOut:
    state = existing(session, DossierState, dossier.id, with_for_update=True)
    if state.status == DossierStatus.revoked:
        raise Conflict("This dossier is already revoked.")
    now = utcnow()
    state.status, state.revoked_at, state.revocation_reason, state.changed_at = DossierStatus.revoked, now, reason, now
    session.add(state)
    status_lists.set_bit(session, dossier.status_series, "revocation", dossier.status_index)
    session.flush()
    audit.record(
        session,
        ctx,
        "dossier.revoke",
        object_type="dossier",
        object_id=dossier.id,
        participant_ids=[dossier.participant_id],
    )
    return out(settings, dossier, state, owner=True)


def for_participant(
    session: Session, ctx: AccessContext, settings: Settings, participant: Participant
) -> list[DossierOut]:
    rows = session.exec(
        select(Dossier, DossierState)
        .join(DossierState, col(DossierState.dossier_id) == col(Dossier.id))
        .where(col(Dossier.participant_id) == participant.id)
        .order_by(col(Dossier.profile), col(Dossier.version).desc())
    ).all()
    audit.record(session, ctx, "dossier.list", object_type="dossier", participant_ids=[participant.id])
    return [out(settings, d, s, owner=True) for d, s in rows]


def listing(
    connection: AnyConnection,
    ctx: AccessContext,
    settings: Settings,
    principal: Principal,
    *,
    updated_since: str | None,
    cursor: str | None,
    limit: int,
) -> DossierPage:
    after: tuple[datetime, uuid.UUID] | None = None
    since = None
    if updated_since is not None:
        # Parsed here, strictly: pydantic would also take a number as seconds since 1970.
        since = _aware(updated_since, "query.updated_since")
    if cursor:
        changed, last = decode_cursor(cursor, datetime, uuid.UUID)
        after = changed, last
    query = _list_query(_viewer(connection, principal), since is not None, after is not None)
    rows = query.rows(connection, since=since, changed=after and after[0], last=after and after[1], limit=limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].changed_at, uuid.UUID(str(rows[-1].id))])
    if rows:
        audit.record(
            connection,
            ctx,
            "dossier.list",
            object_type="dossier",
            participant_ids=list(dict.fromkeys(uuid.UUID(str(row.participant_id)) for row in rows)),
        )
    # One validation for the page (pydantic-core), not one per dossier.
    return DossierPage.model_validate(
        {"items": [_fields(settings, row, row, owner=row.own) for row in rows], "next_cursor": next_cursor}
    )


def _aware(value: str, field: str) -> datetime:
    """An ISO 8601 date and time with its zone, in UTC (what the database compares), or 422."""
    try:
        return aware(value)
    except ValueError as exc:
        raise field_error(field, str(exc)) from None


Viewer = tuple[str, uuid.UUID, str | None, frozenset[str], str]


def _viewer(connection: AnyConnection, principal: Principal) -> Viewer:
    """What the visibility chokepoint looks at: the key of the statements cached below."""
    return (
        principal.kind,
        principal.organisation_id,
        principal.role,
        principal.scopes,
        visibility.recipient_kind(connection, principal),
    )


def _visible(viewer: Viewer):
    kind, organisation_id, role, scopes, recipient_kind = viewer
    return visibility.dossier_filter(
        Principal(kind=kind, id=uuid.UUID(int=0), organisation_id=organisation_id, role=role, scopes=scopes),
        recipient_kind,
    )


@lru_cache(maxsize=256)
def _list_query(viewer: Viewer, since: bool, after: bool) -> Prepared:
    """A page of the list, built once per kind of viewer and of page, run as a prepared
    statement (hotpath.Prepared). Newest change first; the cursor is (changed_at, id)."""
    d, s, p = Dossier.__table__.c, DossierState.__table__.c, Participant.__table__.c
    # Ids as the database gives them (hex text on SQLite, uuid on PostgreSQL): pydantic-core
    # reads either, much faster than a uuid.UUID per id per row.
    query = (
        select(
            type_coerce(d.id, String).label("id"),
            type_coerce(d.participant_id, String).label("participant_id"),
            d.subject_id,
            d.profile,
            d.version,
            s.status,
            s.superseded_by_version,
            d.issued_at,
            s.changed_at,
            d.sha256,
            d.kid,
            d.verification_code,
            d.status_series,
            visibility.of_organisation(viewer[1]).label("own"),
        )
        .join_from(Dossier.__table__, DossierState.__table__, s.dossier_id == d.id)
        .join(Participant.__table__, p.id == d.participant_id)
        .where(_visible(viewer))
    )
    if since:
        query = query.where(s.changed_at >= bindparam("since", type_=s.changed_at.type))
    if after:
        changed = bindparam("changed", type_=s.changed_at.type)
        # (changed_at, id) before the cursor's, with changed_at as a range of its own so that
        # the walk by ix_dossier_state_changed starts at the cursor, not at the newest row.
        query = query.where(
            s.changed_at <= changed, (s.changed_at < changed) | (s.dossier_id < bindparam("last", type_=Uuid))
        )
    return Prepared(query.order_by(s.changed_at.desc(), s.dossier_id.desc()).limit(bindparam("limit")))


@lru_cache(maxsize=256)
def _pull_query(jws: bool, viewer: Viewer) -> Prepared:
    """The pull's one query, built once per kind of viewer and run as a prepared statement
    (hotpath.Prepared). The dossier id is bound."""
    d, s, p = Dossier.__table__.c, DossierState.__table__.c, Participant.__table__.c
    return Prepared(
        select(
            d.id,
            d.version,
            d.language,
            d.verification_code,
            d.sha256,
            d.participant_id,
            s.status,
            (d.jws if jws else d.credential).label("document"),
        )
        .join_from(Dossier.__table__, DossierState.__table__, s.dossier_id == d.id)
        .join(Participant.__table__, p.id == d.participant_id)
        .where(d.id == bindparam("dossier_id", type_=Uuid), _visible(viewer))
    )


@dataclass(frozen=True)
class Pulled:
    """What a pull serves: the stored document it asked for and what names its version."""

    id: uuid.UUID
    version: int
    language: str
    verification_code: str
    sha256: str
    status: str  # part of every representation's ETag: a revocation changes them all
    document: bytes | str  # the credential's canonical bytes, or the JWS for vc+jwt


def pull(
    connection: AnyConnection, ctx: AccessContext, principal: Principal, dossier_id: uuid.UUID, media: str
) -> Pulled:
    """One dossier the principal may pull (else 404, as if missing), audited as pulled.

    Plain column reads, not ORM entities, and only the document asked for: a CPI system
    pulls dossiers all day long, and this is its hot path (bench/dossiers.py).
    """
    query = _pull_query(media == negotiation.VC_JWT, _viewer(connection, principal))
    row = query.first(connection, dossier_id=dossier_id)
    if row is None:
        raise NotFound("No dossier with this id is visible to you.")
    id_, version, language, verification_code, sha256, participant_id, status_, document_ = row
    audit.record(
        connection,
        ctx,
        f"dossier.pull.{media.split('/')[1]}",
        object_type="dossier",
        object_id=id_,
        participant_ids=[participant_id],
    )
    return Pulled(
        id=id_,
        version=version,
        language=language,
        verification_code=verification_code,
        sha256=sha256,
        status=status_,
        document=document_,
    )


def credential_of(pulled: Pulled) -> dict:
    return json.loads(pulled.document)
