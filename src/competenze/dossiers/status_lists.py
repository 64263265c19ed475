"""Status lists in the database: allocating an index to a new dossier, setting its bits.

Indexes are drawn at random (not sequentially), so a dossier's position in a list says
nothing about when it was issued or about its neighbours (the Recommendation's advice for
group privacy). A series is retired once half full, which keeps random draws cheap.

Every issuance allocates an index and most supersede a version, so this is a hot path: it
reads with statements built once and run as hotpath.Prepared statements, reads a list's 16 KiB
of bits only to set one, and never holds list rows in the session (a Core write would leave
such a copy stale). The writes keep the ORM's optimistic locking: they bump `version` and
match the version read, under the row lock the read took.
"""

import secrets

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from competenze.common.time import utcnow
from competenze.dossiers import status
from competenze.dossiers.models import Dossier, StatusList
from competenze.hotpath import Prepared

PURPOSES = ("revocation", "message")  # message: 0x1 = superseded by a newer version

_LISTS, _DOSSIERS = StatusList.__table__, Dossier.__table__
# The open series is the newest revocation list (a series pairs its two lists); locked for
# the count, its bits not read.
_HEAD = Prepared(
    select(_LISTS.c.id, _LISTS.c.series, _LISTS.c.used, _LISTS.c.version)
    .where(_LISTS.c.purpose == "revocation")
    .order_by(_LISTS.c.series.desc())
    .limit(1)
    .with_for_update()
)
_TAKEN = Prepared(
    select(_DOSSIERS.c.id).where(
        _DOSSIERS.c.status_series == bindparam("series"), _DOSSIERS.c.status_index == bindparam("index")
    )
)
_BITS = Prepared(select(_LISTS.c.bits, _LISTS.c.version).where(_LISTS.c.id == bindparam("list_id")).with_for_update())
_MATCH = (_LISTS.c.id == bindparam("list_id")) & (_LISTS.c.version == bindparam("read_version"))
_COUNT = update(_LISTS).where(_MATCH).values(used=bindparam("new_used"), version=bindparam("new_version"))
_SET_BITS = (
    update(_LISTS)
    .where(_MATCH)
    .values(bits=bindparam("new_bits"), updated_at=bindparam("now"), version=bindparam("new_version"))
)


def list_id(series: int, purpose: str) -> str:
    return f"{series}-{purpose}"


def _flush(session: Session) -> None:
    # Statements run outside the ORM skip its autoflush: flush as an ORM query would, so
    # pending changes reach the database first, in the same order as before.
    if session.autoflush:
        session.flush()


def _write(session: Session, statement, params: dict) -> None:
    matched = session.execute(statement, params).rowcount
    if matched != 1:  # what the ORM raises when a versioned UPDATE misses
        raise StaleDataError(
            f"UPDATE statement on table 'status_list' expected to update 1 row(s); {matched} were matched."
        )


def _open_series(session: Session) -> tuple[str, int, int, int]:
    """(list id, series, used, version) of the revocation list of the series to draw from."""
    head = _HEAD.first(session.connection())
    if head is not None and head[2] < status.SIZE // 2:
        return head
    series = (head[1] + 1) if head else 1
    now = utcnow()
    session.execute(
        insert(_LISTS),
        [
            {
                "id": list_id(series, purpose),
                "series": series,
                "purpose": purpose,
                "bits": status.empty(),
                "used": 0,
                "updated_at": now,
                "version": 1,
            }
            for purpose in PURPOSES
        ],
    )
    return list_id(series, PURPOSES[0]), series, 0, 1


def allocate(session: Session) -> tuple[int, int]:
    _flush(session)
    head_id, series, used, version = _open_series(session)
    connection = session.connection()
    while True:
        index = secrets.randbelow(status.SIZE)
        if _TAKEN.first(connection, series=series, index=index) is None:
            break
    _write(
        session, _COUNT, {"list_id": head_id, "read_version": version, "new_used": used + 1, "new_version": version + 1}
    )
    return series, index


def set_bit(session: Session, series: int, purpose: str, index: int) -> None:
    _flush(session)
    key = list_id(series, purpose)
    row = _BITS.first(session.connection(), list_id=key)
    if row is None:
        raise NoResultFound("No row was found when one was required")  # as Result.one() says
    bits, version = row
    _write(
        session,
        _SET_BITS,
        {
            "list_id": key,
            "read_version": version,
            "new_bits": status.set_bit(bits, index),
            "now": utcnow(),
            "new_version": version + 1,
        },
    )


def bit(session: Session, series: int, purpose: str, index: int) -> bool:
    row = session.get(StatusList, list_id(series, purpose))
    return row is not None and status.get_bit(row.bits, index)
