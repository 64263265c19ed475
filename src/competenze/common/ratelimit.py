"""Fixed-window counters in the database, so N app processes share one limit.

Counters are written through the request's session. Where a counted event ends in an error
(a failed login), the error is raised with keep_changes=True so the session dependency
commits the count instead of rolling it back (see db.get_session).
"""

import math
from datetime import timedelta

from functools import cache

from sqlalchemy import bindparam, case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from competenze.common.models import RateLimitBucket
from competenze.common.time import utcnow
from competenze.db import AnyConnection, Prepared


def _live(row: RateLimitBucket | None, window: timedelta) -> RateLimitBucket | None:
    if row is None or row.window_start <= utcnow() - window:
        return None
    return row


def retry_after(session: Session, key: str, *, limit: int, window_seconds: int) -> int | None:
    """Seconds to wait if `key` has used up its window, else None. Does not count."""
    window = timedelta(seconds=window_seconds)
    row = _live(session.get(RateLimitBucket, key), window)
    if row is None or row.count < limit:
        return None
    return max(1, math.ceil((row.window_start + window - utcnow()).total_seconds()))


def count(session: Session, key: str, *, window_seconds: int) -> int:
    """Add one to `key`'s current window and return the new total."""
    # FOR UPDATE serialises concurrent increments on PostgreSQL; SQLite transactions here
    # are BEGIN IMMEDIATE and already serialised.
    row = session.get(RateLimitBucket, key, with_for_update=True, populate_existing=True)
    return _bump(session, key, row, timedelta(seconds=window_seconds))


def _bump(session: Session, key: str, row: RateLimitBucket | None, window: timedelta) -> int:
    now = utcnow()
    if row is None:
        row = RateLimitBucket(key=key, window_start=now, count=1)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # another process created the bucket first
            row = session.get(RateLimitBucket, key, with_for_update=True, populate_existing=True)
            row.count += 1
    elif _live(row, window) is None:
        row.window_start, row.count = now, 1
    else:
        row.count += 1
    session.flush()
    return row.count


def reset(session: Session, key: str) -> None:
    row = session.get(RateLimitBucket, key)
    if row is not None:
        session.delete(row)
        session.flush()


@cache
def _upsert(dialect: str) -> Prepared:
    # Runs on every dossier pull: built once per database kind, run as a prepared statement.
    table = RateLimitBucket.__table__
    now = bindparam("now", type_=table.c.window_start.type)
    stale = table.c.window_start <= bindparam("cutoff", type_=table.c.window_start.type)
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    return Prepared(insert(table).values(key=bindparam("key"), window_start=now, count=1).on_conflict_do_update(
        index_elements=[table.c.key], set_={
            "count": case((stale, 1), else_=table.c.count + 1),
            "window_start": case((stale, now), else_=table.c.window_start),
        }).returning(table.c.count, table.c.window_start))


def enforce(connection: AnyConnection, key: str, *, limit: int, window_seconds: int, message: str) -> None:
    """Count one more event for `key`, or answer 429 when its window is used up (the error
    rolls the count back, so nothing is counted then). `message` may name {limit} and {wait}.

    One statement, as this runs on every dossier pull: an INSERT ... ON CONFLICT DO UPDATE
    that starts a new window when the stored one is over, and returns the new count. Both
    engines run it atomically, so concurrent processes never lose a count.
    """
    from competenze.errors import TooManyRequests

    now = utcnow()
    counted, window_start = _upsert(connection.dialect.name).first(
        connection, key=key, now=now, cutoff=now - timedelta(seconds=window_seconds))
    if counted > limit:
        wait = max(1, math.ceil((window_start + timedelta(seconds=window_seconds) - now).total_seconds()))
        raise TooManyRequests(message.format(limit=limit, wait=wait), retry_after=wait)
