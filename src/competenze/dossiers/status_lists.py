"""Status lists in the database: allocating an index to a new dossier, setting its bits.

Indexes are drawn at random (not sequentially), so a dossier's position in a list says
nothing about when it was issued or about its neighbours (the Recommendation's advice for
group privacy). A series is retired once half full, which keeps random draws cheap.
"""

import secrets

from sqlmodel import Session, col, select

from competenze.common.time import utcnow
from competenze.dossiers import status
from competenze.dossiers.models import Dossier, StatusList

PURPOSES = ("revocation", "message")  # message: 0x1 = superseded by a newer version


def list_id(series: int, purpose: str) -> str:
    return f"{series}-{purpose}"


def _open_series(session: Session) -> StatusList:
    head = session.exec(select(StatusList).where(col(StatusList.purpose) == "revocation")
                        .order_by(col(StatusList.series).desc()).limit(1).with_for_update()).first()
    if head is not None and head.used < status.SIZE // 2:
        return head
    series = (head.series + 1) if head else 1
    now = utcnow()
    rows = [StatusList(id=list_id(series, purpose), series=series, purpose=purpose, bits=status.empty(),
                       updated_at=now) for purpose in PURPOSES]
    session.add_all(rows)
    session.flush()
    return rows[0]


def allocate(session: Session) -> tuple[int, int]:
    head = _open_series(session)
    while True:
        index = secrets.randbelow(status.SIZE)
        taken = session.exec(select(Dossier.id).where(col(Dossier.status_series) == head.series,
                                                      col(Dossier.status_index) == index)).first()
        if taken is None:
            break
    head.used += 1
    session.add(head)
    session.flush()
    return head.series, index


def set_bit(session: Session, series: int, purpose: str, index: int) -> None:
    row = session.exec(select(StatusList).where(col(StatusList.id) == list_id(series, purpose))
                       .with_for_update()).one()
    row.bits = status.set_bit(row.bits, index)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


def bit(session: Session, series: int, purpose: str, index: int) -> bool:
    row = session.get(StatusList, list_id(series, purpose))
    return row is not None and status.get_bit(row.bits, index)
