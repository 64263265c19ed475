"""Engine, session-per-request and the metadata conventions shared by models and migrations.

The hot path's driver-level runners and prepared statements are in hotpath.py."""

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from competenze.errors import AppError

# Stable constraint names from the first revision, so that Alembic can alter them on both
# engines (SQLite batch mode recreates tables and needs names to find constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata
T = TypeVar("T")


BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection, record) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer;
    # busy_timeout makes a second writer wait instead of failing at once.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs at checkpoints rather than at every commit: the database
    # stays consistent after a crash, and a power cut may lose the last moments of writes.
    # That is the usual trade for an embedded database; production runs on PostgreSQL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    record.info["busy_timeout"] = BUSY_TIMEOUT_MS  # see busy_timeout
    # Checkpoints (copying the WAL back into the database file, with an fsync) ran inside
    # whichever request's commit crossed 1000 pages and stalled it for up to ~300 ms under load.
    # The app checkpoints in the background (WalCheckpointer); this is the backstop.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None


class WalCheckpointer:
    """Checkpoints an SQLite database's WAL every `every` seconds on a thread of its own, so
    that no request's commit pays for it. PASSIVE: it never waits for, nor blocks, readers
    and the writer; what it cannot copy now it copies next time."""

    def __init__(self, path: str, every: float = 1.0) -> None:
        self.path, self.every = path, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        connection = None
        while not self._stop.wait(self.every):
            try:
                connection = connection or sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:  # busy, locked or not there yet: next time
                continue
        if connection is not None:
            connection.close()


def _sqlite_begin_immediate(conn) -> None:
    # Every request writes (at least an audit row), and the audit hash chain reads the last
    # row before appending. BEGIN IMMEDIATE takes the write lock up front so two requests
    # cannot both read the same chain head.
    busy_timeout(conn.connection, BUSY_TIMEOUT_MS)
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def busy_timeout(pooled, milliseconds: int) -> None:
    """Set a pooled SQLite connection's busy timeout, unless it is set already: the hot path
    begins with 0 (never wait in the event loop), every other transaction with
    BUSY_TIMEOUT_MS, and a connection mostly serves one kind in a row, so the PRAGMA rarely
    runs (switching it twice per pull was ~10 % of a pull's database time)."""
    if pooled.info.get("busy_timeout") != milliseconds:
        pooled.driver_connection.execute(f"PRAGMA busy_timeout={milliseconds}")
        pooled.info["busy_timeout"] = milliseconds


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// means psycopg 3 here; we do not ship psycopg2.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back on error (AppErrors raised with
    keep_changes, such as a counted failed sign-in, commit what was written)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except AppError as exc:
            if exc.keep_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit when the handler returns, roll back on error."""
    with transaction(request.app.state.engine) as session:
        yield session


M = TypeVar("M", bound=SQLModel)


def existing(session: Session, model: type[M], key: Any, **options: Any) -> M:
    """A row that must be there (a foreign key points at it, in this transaction): a missing
    one is a bug to report as such, not a None to carry on with. Options go to Session.get."""
    row = session.get(model, key, **options)
    if row is None:
        raise LookupError(f"{model.__name__} {key} is missing, although a reference to it exists")
    return row


def serialise_on(session: Session, scope: str, key: str) -> None:
    """Until this transaction ends, other transactions asking for the same (scope, key) wait.

    For check-then-insert rules that no unique constraint can state (a probable duplicate
    person): the second transaction checks only after the first committed. PostgreSQL: a
    transaction-scoped advisory lock on a hash of both (its two-integer form, a lock space of
    its own). SQLite: nothing to do, every transaction holds the one write lock from its start
    (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
    first, second = (int.from_bytes(digest[i : i + 4], "big", signed=True) for i in (0, 4))
    session.execute(text("SELECT pg_advisory_xact_lock(:first, :second)"), {"first": first, "second": second})


# scope="function": the commit runs before the response is sent, so a client never sees a
# success whose transaction then failed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
