"""Writing and reading the audit log. Writes join the caller's transaction (house rule 3)."""

import uuid
from collections.abc import Iterator, Sequence

from sqlalchemy import insert, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from competenze.audit.chain import (
    GENESIS,
    HASHED_FIELDS,
    ChainBreak,
    chained,
    first_break,
)
from competenze.audit.models import AuditEvent
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.hotpath import AnyConnection, Prepared
from competenze.organisations.models import Organisation

CHAIN_LOCK_ID = 7_265_100  # any constant; names the PostgreSQL advisory lock of the chain


# Every request appends to the log: built once, run as prepared statements (hotpath.Prepared).
_LOCK_CHAIN = Prepared(text("SELECT pg_advisory_xact_lock(:id)"))
_HEAD = Prepared(sa_select(AuditEvent.__table__.c.hash).order_by(AuditEvent.__table__.c.seq.desc()).limit(1))
_APPEND = Prepared(insert(AuditEvent.__table__), column_keys=[*HASHED_FIELDS, "prev_hash", "hash"])


def _chain_head(connection: AnyConnection) -> str:
    if connection.dialect.name == "postgresql":
        # Serialise appends across processes; released at commit or rollback. SQLite needs
        # nothing here: its transactions are BEGIN IMMEDIATE (see db.py).
        _LOCK_CHAIN.rows(connection, id=CHAIN_LOCK_ID)
    head = _HEAD.first(connection)
    return head[0] if head else GENESIS


def record(
    where: Session | AnyConnection,
    ctx: AccessContext,
    action: str,
    *,
    object_type: str,
    object_id: object = None,
    participant_ids: Sequence[uuid.UUID | None] = (None,),
) -> None:
    """Append one event per participant concerned (one with no participant by default), in
    the caller's transaction: a Session's (what it wrote before is flushed first, so that it
    comes first) or a connection of the hot path."""
    if isinstance(where, Session):
        where.flush()
        where = where.connection()
    fields = {
        "occurred_at": utcnow(),
        "actor_type": ctx.actor_type,
        "actor_id": ctx.actor_id,
        "organisation_id": ctx.organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "participant_id": None,
        "purpose": ctx.purpose,
        "request_id": ctx.request_id,
    }
    links = chained(_chain_head(where), fields, list(participant_ids))
    rows = [
        {**fields, "participant_id": participant_id, "prev_hash": prev, "hash": digest}
        for participant_id, (prev, digest) in zip(participant_ids, links, strict=True)
    ]
    # One multi-row statement: a page of 200 dossiers is 200 events, in chain order.
    _APPEND.many(where, rows)


def _rows(session: Session, batch: int = 5000) -> Iterator[tuple[int, str, str, dict]]:
    last_seq = 0
    while True:
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.seq) > last_seq).order_by(col(AuditEvent.seq)).limit(batch)
        ).all()
        if not events:
            return
        for event in events:
            yield event.seq, event.prev_hash, event.hash, {f: getattr(event, f) for f in HASHED_FIELDS}
        last_seq = events[-1].seq
        session.expunge_all()


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """(number of events checked, first break or None)."""
    checked = 0

    def counted():
        nonlocal checked
        for row in _rows(session):
            checked += 1
            yield row

    found = first_break(counted())
    return checked, found


def access_log(
    session: Session, participant_id: uuid.UUID, *, before_seq: int | None, limit: int
) -> list[tuple[AuditEvent, str | None]]:
    """Events about one participant, newest first, with the acting organisation's name."""
    query = (
        select(AuditEvent, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(AuditEvent.organisation_id), isouter=True)
        .where(col(AuditEvent.participant_id) == participant_id)
    )
    if before_seq is not None:
        query = query.where(col(AuditEvent.seq) < before_seq)
    return list(session.exec(query.order_by(col(AuditEvent.seq).desc()).limit(limit)).all())
