"""Fixed-window counters in the database, so N app processes share one limit.

Counters are written in the request's transaction. Where a counted event ends in an error
(a failed login), the error is raised with keep_changes=True so the session dependency
commits the count instead of rolling it back (see db.get_session).
"""

import math
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, case, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from competenze.common.models import RateLimitBucket
from competenze.common.time import utcnow
from competenze.hotpath import AnyConnection, Prepared


def live(session: Session, key: str, *, window_seconds: int) -> RateLimitBucket | None:
    """`key`'s counter in its current window, or None when it has none (or it is over)."""
    row = session.get(RateLimitBucket, key)
    if row is None or row.window_start <= utcnow() - timedelta(seconds=window_seconds):
        return None
    return row


def retry_after(session: Session, key: str, *, limit: int, window_seconds: int) -> int | None:
    """Seconds to wait if `key` has used up its window, else None. Does not count."""
    row = live(session, key, window_seconds=window_seconds)
    if row is None or row.count < limit:
        return None
    return _wait(row.window_start, window_seconds)


def _wait(window_start: datetime, window_seconds: int) -> int:
    """Whole seconds until the window that started at `window_start` ends (at least 1)."""
    return max(1, math.ceil((window_start + timedelta(seconds=window_seconds) - utcnow()).total_seconds()))


def count(connection: AnyConnection, key: str, *, window_seconds: int) -> int:
    """Add one to `key`'s current window and return the new total."""
    return _count(connection, key, window_seconds)[0]


def counted(connection: AnyConnection, key: str, *, window_seconds: int) -> tuple[int, datetime]:
    """count(), with the start of the window it counted in."""
    return _count(connection, key, window_seconds)


def wait(window_start: datetime, window_seconds: int) -> int:
    """Whole seconds until the window that started at `window_start` ends (at least 1)."""
    return _wait(window_start, window_seconds)


def restart(connection: AnyConnection, key: str) -> None:
    """Start `key`'s window over, now, at a count of one (the upsert, with every window stale)."""
    now = utcnow()
    _upsert(connection.dialect.name).first(connection, key=key, now=now, cutoff=now)


def uncount(connection: AnyConnection, key: str) -> None:
    """Take back one count of `key` (an attempt counted in advance that turned out fine)."""
    _uncount().rows(connection, key=key)


def reset(session: Session, key: str) -> None:
    row = session.get(RateLimitBucket, key)
    if row is not None:
        session.delete(row)
        session.flush()


def _count(connection: AnyConnection, key: str, window_seconds: int) -> tuple[int, datetime]:
    """(new total, window start) of `key`, counted in one statement: an INSERT ... ON
    CONFLICT DO UPDATE that starts a new window when the stored one is over. Both engines
    run it atomically, so concurrent processes never lose a count."""
    now = utcnow()
    return _upsert(connection.dialect.name).first(
        connection, key=key, now=now, cutoff=now - timedelta(seconds=window_seconds)
    )


@cache
def _uncount() -> Prepared:
    table = RateLimitBucket.__table__
    return Prepared(
        update(table).where(table.c.key == bindparam("key"), table.c.count > 0).values(count=table.c.count - 1)
    )


@cache
def _upsert(dialect: str) -> Prepared:
    # Runs on every dossier pull: built once per database kind, run as a prepared statement.
    table = RateLimitBucket.__table__
    now = bindparam("now", type_=table.c.window_start.type)
    stale = table.c.window_start <= bindparam("cutoff", type_=table.c.window_start.type)
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    return Prepared(
        insert(table)
        .values(key=bindparam("key"), window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((stale, 1), else_=table.c.count + 1),
                "window_start": case((stale, now), else_=table.c.window_start),
            },
        )
        .returning(table.c.count, table.c.window_start)
    )


def enforce(connection: AnyConnection, key: str, *, limit: int, window_seconds: int, message: str) -> None:
    """Count one more event for `key`, or answer 429 when its window is used up (the error
    rolls the count back, so nothing is counted then). `message` may name {limit} and {wait}."""
    from competenze.errors import TooManyRequests

    counted, window_start = _count(connection, key, window_seconds)
    if counted > limit:
        wait = _wait(window_start, window_seconds)
        raise TooManyRequests(message.format(limit=limit, wait=wait), retry_after=wait)
