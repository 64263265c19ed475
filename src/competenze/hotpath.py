"""The hot path's seam: transactions straight on a pooled driver connection, and Core
statements compiled once and run on the driver's own cursor (CONTRIBUTING.md, "The hot path").

For the requests CPI systems make all day (the dossier pull and list) and the statements every
request runs (who is calling, the client quota, the audit append). Everything else uses a
Session (db.py). Prepared reads SQLAlchemy's compiled form (binds, positional order, type
processors); tests/test_hotpath.py fails loudly if an upgrade changes what it reads.
"""

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, ResourceClosedError
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from competenze.db import BUSY_TIMEOUT_MS, busy_timeout, transaction

T = TypeVar("T")


class DriverConnection:
    """A pooled driver connection inside a transaction, for Prepared statements only."""

    __slots__ = ("dialect", "connection")

    def __init__(self, dialect: Dialect, connection: Any) -> None:
        self.dialect, self.connection = dialect, connection


# What Prepared statements run on: a SQLAlchemy connection (of a Session's transaction) or a
# driver transaction of the hot path.
AnyConnection = Connection | DriverConnection


class Busy(Exception):
    """SQLite's write lock is held elsewhere (another process) and we were told not to wait."""


def run_transaction(engine: Engine, work: Callable[[DriverConnection], T], *, wait: bool = True) -> T:
    """work(connection) as one transaction straight on a pooled driver connection: commit when
    it returns, roll back on any error. The same BEGIN IMMEDIATE on SQLite as every Session
    (see _sqlite_begin_immediate); psycopg opens its transaction at the first statement.

    wait=False (SQLite): raise Busy at once, instead of waiting up to busy_timeout, when
    another process holds the write lock."""
    with _as_sqlalchemy_errors(engine.dialect):
        pooled = engine.raw_connection()
    try:
        return _transaction_on(pooled, engine.dialect, work, wait)
    finally:
        pooled.close()


def _transaction_on(pooled: Any, dialect: Dialect, work: Callable[[DriverConnection], T], wait: bool) -> T:
    # Plain try blocks rather than context managers: this runs on every pull.
    try:
        try:
            if dialect.name == "sqlite":
                _begin_immediate(pooled, wait)
            result = work(DriverConnection(dialect, pooled))
            pooled.commit()
            return result
        except dialect.loaded_dbapi.Error as exc:
            raise _sqlalchemy_error(dialect, exc, "", None) from exc
    except BaseException:
        try:
            pooled.rollback()
        except dialect.loaded_dbapi.Error:
            pooled.invalidate()  # the connection is gone: the error that got us here is the one to report
        raise


class LoopConnection:
    """The one SQLite connection an app keeps for the transactions it runs in its event loop
    (in_transaction). Those run one at a time by construction (synchronous code in one
    loop), so one connection serves them all, without a pool check-out and check-in per
    request (a quarter of a pull's transaction overhead). Returned to the pool at shutdown,
    or as soon as it breaks."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self._pooled = engine, None

    def run(self, work: Callable[[DriverConnection], T]) -> T:
        """work(connection) as one transaction, or Busy when another process holds the lock."""
        if self._pooled is None:
            with _as_sqlalchemy_errors(self.engine.dialect):
                self._pooled = self.engine.raw_connection()
        try:
            return _transaction_on(self._pooled, self.engine.dialect, work, wait=False)
        finally:
            if not self._pooled.is_valid:
                self.close()

    def close(self) -> None:
        if self._pooled is not None:
            pooled, self._pooled = self._pooled, None
            pooled.close()


def _begin_immediate(pooled, wait: bool) -> None:
    busy_timeout(pooled, BUSY_TIMEOUT_MS if wait else 0)
    try:
        pooled.driver_connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if wait or exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        raise Busy() from None


@contextmanager
def _as_sqlalchemy_errors(dialect: Dialect, sql: str = "", parameters: Any = None) -> Iterator[None]:
    # The error handlers (errors.py) answer SQLAlchemy's exceptions: a locked or unreachable
    # database is a 503 whichever path met it.
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise _sqlalchemy_error(dialect, exc, sql, parameters) from exc


def _sqlalchemy_error(dialect: Dialect, exc: Exception, sql: str, parameters: Any) -> DBAPIError:
    return DBAPIError.instance(sql, parameters, exc, dialect.loaded_dbapi.Error)


async def in_transaction(request: Request, work: Callable[[DriverConnection], T]) -> T:
    """Run `work(connection)` as the request's one transaction, for the hot path (the dossier
    pull and list) whose whole job is one synchronous call of Prepared statements.

    Measured on a pull: FastAPI runs each sync dependency and handler on a worker thread,
    and those hops cost more than the work; an ORM Session's transaction costs ~125 us and a
    SQLAlchemy Connection's ~60 us, against ~20 us for a pooled driver connection (less for
    the LoopConnection, which is never checked out). On SQLite requests take turns anyway
    (SQLiteTurnMiddleware) and each query takes microseconds, so the work runs right here in
    the event loop, like the stored-bytes anchor of bench/ — unless another process holds the
    write lock, then on a worker thread. On PostgreSQL it
    runs on one worker thread so that requests overlap while they wait on the server. Any
    error rolls everything back.
    """
    state = request.app.state
    if state.loop_connection is None:
        return await run_in_threadpool(run_transaction, state.engine, work)
    try:
        return state.loop_connection.run(work)
    except Busy:
        # Another process holds SQLite's write lock: wait for it on a worker thread, not here,
        # where waiting would stop every other request (and /healthz) of this process.
        return await run_in_threadpool(run_transaction, state.engine, work)


async def in_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run `work(session)` as the request's one transaction on one worker thread: a creating
    hot path (dossier issuance) without a thread hop per dependency."""

    def run() -> T:
        with transaction(request.app.state.engine) as session:
            return work(session)

    return await run_in_threadpool(run)


def _driver(connection: AnyConnection) -> Any:
    """The DBAPI connection (sqlite3's, psycopg's) under a pooled or SQLAlchemy connection."""
    driver = connection.connection.driver_connection
    if driver is None:  # closed or invalidated: never within a runner's transaction
        raise ResourceClosedError("the connection is closed")
    return driver


class Prepared:
    """A Core statement compiled once per database kind and run straight on the driver's
    cursor, inside the caller's transaction.

    For the statements every request runs (who is calling, the client quota, the audit
    append, the dossier pull), SQLAlchemy's per-execution machinery cost ~38 us a statement
    here against ~3 us for sqlite3 itself, most of a dossier pull (bench/dossiers.py).
    Values still pass through SQLAlchemy's own type processors both ways, so they are stored
    and read exactly as the ORM stores and reads them; driver errors are re-raised as
    SQLAlchemy's, as a normal execution would.
    """

    def __init__(self, statement: Executable, *, column_keys: list[str] | None = None) -> None:
        self.statement, self.column_keys = statement, column_keys
        self._compiled: dict[tuple[str, str, str], tuple] = {}

    def _for(self, dialect: Dialect) -> tuple:
        key = (dialect.name, dialect.driver, dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
            # What only SQLAlchemy's own execution handles: Python-side column defaults,
            # expanding IN (...) lists, parameters rendered at execution, escaped names.
            if (
                compiled.insert_prefetch
                or compiled.update_prefetch
                or compiled.post_compile_params
                or compiled.literal_execute_params
                or compiled.escaped_bind_names
            ):
                raise TypeError("hotpath.Prepared cannot run this statement; use a Session or Connection")
            # Without column_keys an INSERT binds every column, and one whose default only
            # SQLAlchemy fills in would silently get NULL when a caller leaves it out.
            table = getattr(self.statement, "table", None)
            if self.column_keys is None and (compiled.isinsert or compiled.isupdate) and table is not None:
                defaulted = [
                    c.key
                    for c in table.c
                    if (c.default is not None or c.onupdate is not None) and c.key in compiled.binds
                ]
                if defaulted:
                    raise TypeError(
                        f"hotpath.Prepared cannot run this statement: name the columns given (column_keys), "
                        f"so that SQLAlchemy's defaults of {defaulted} are not silently skipped"
                    )
            # dialect_impl: the type as this database stores it (e.g. SQLite's DATETIME text).
            binds = {
                name: (bind.effective_value, bind.type.dialect_impl(dialect).bind_processor(dialect))
                for name, bind in compiled.binds.items()
            }
            # Positional drivers (sqlite3) take a list in the statement's order, where a name
            # may appear twice (its value is processed once); named ones (psycopg) a dict.
            names = tuple(binds)
            order = [names.index(name) for name in compiled.positiontup] if compiled.positiontup is not None else None
            columns = list(getattr(self.statement, "exported_columns", ()))
            results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
            found = self._compiled[key] = (
                compiled.string,
                names,
                order,
                [(name, *spec) for name, spec in binds.items()],
                results if any(results) else None,
                namedtuple("Row", [column.key for column in columns], rename=True),
            )  # row.name, as Core rows
        return found

    @staticmethod
    def _parameters(names: tuple, order: list[int] | None, binds: list, values: list[dict[str, Any]]) -> list:
        parameters = [
            [
                v if (v := given.get(name, default)) is None or process is None else process(v)
                for name, default, process in binds
            ]
            for given in values
        ]
        if order is not None:
            return [[p[i] for i in order] for p in parameters]
        return [dict(zip(names, p, strict=True)) for p in parameters]

    def _run(self, connection: AnyConnection, values: list[dict[str, Any]], many: bool) -> list[tuple]:
        sql, names, order, binds, results, row_type = self._for(connection.dialect)
        parameters = self._parameters(names, order, binds, values)
        cursor = _driver(connection).cursor()  # the driver's own, unwrapped
        try:  # not _as_sqlalchemy_errors: a context manager per statement was measurable here
            if many:
                cursor.executemany(sql, parameters)
                return []
            cursor.execute(sql, parameters[0])
            rows = cursor.fetchall() if cursor.description else []
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _sqlalchemy_error(connection.dialect, exc, sql, parameters) from exc
        finally:
            cursor.close()
        if not row_type._fields:  # a statement with no declared columns (text())
            return [tuple(row) for row in rows]
        if results is None:
            return [row_type._make(row) for row in rows]
        return [
            row_type._make([v if process is None else process(v) for process, v in zip(results, row, strict=True)])
            for row in rows
        ]

    def rows(self, connection: AnyConnection, **values: Any) -> list[tuple]:
        return self._run(connection, [values], many=False)

    def first(self, connection: AnyConnection, **values: Any) -> tuple | None:
        rows = self._run(connection, [values], many=False)
        return rows[0] if rows else None

    def many(self, connection: AnyConnection, values: list[dict[str, Any]]) -> None:
        self._run(connection, values, many=True)

    def plan(self, connection: AnyConnection, **values: Any) -> str:
        """How the database would run the statement with these values, as it says it: the
        plan for bound values, which can differ from the plan for the same values written
        into the text (SQLite's does)."""
        sql, names, order, binds, _, _ = self._for(connection.dialect)
        parameters = self._parameters(names, order, binds, [values])
        explain = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
        cursor = _driver(connection).cursor()
        try:
            cursor.execute(explain + sql, parameters[0])
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        finally:
            cursor.close()
