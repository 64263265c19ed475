"""Settings: production is strict, docs are hidden in production unless enabled."""

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from competenze.config import Settings
from competenze.main import StartupRefused, create_app
from tests.factories import make_org


def test_production_refuses_debug_and_plain_http_issuer(keys_dir):
    with pytest.raises(ValidationError, match="DEBUG"):
        Settings(environment="production", debug=True, issuer="https://x.example", keys_dir=keys_dir)
    with pytest.raises(ValidationError, match="https"):
        Settings(environment="production", issuer="http://x.example", keys_dir=keys_dir)


def test_production_refuses_a_database_with_demo_data(database_url, keys_dir, db):
    org = make_org(db, "Demo org")
    org.is_demo = True
    db.add(org)
    db.commit()
    settings = Settings(
        environment="production", issuer="https://competenze.example", database_url=database_url, keys_dir=keys_dir
    )
    with pytest.raises(StartupRefused, match="demo"):
        with TestClient(create_app(settings)):
            pass


def test_production_hides_docs_unless_enabled(database_url, keys_dir):
    settings = Settings(
        environment="production", issuer="https://competenze.example", database_url=database_url, keys_dir=keys_dir
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/healthz").status_code == 200
    enabled = settings.model_copy(update={"docs_enabled": True})
    with TestClient(create_app(enabled)) as client:
        assert client.get("/openapi.json").status_code == 200


def test_environment_variables_configure_the_service(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPETENZE_DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))
    monkeypatch.setenv("COMPETENZE_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("COMPETENZE_ACCESS_TOKEN_MINUTES", "60")
    with pytest.raises(ValidationError, match="access_token_minutes"):
        Settings()
    monkeypatch.setenv("COMPETENZE_ACCESS_TOKEN_MINUTES", "5")
    settings = Settings()
    assert settings.access_token_minutes == 5
    assert settings.keys_dir == tmp_path / "keys"


def test_missing_signing_key_fails_fast(database_url, tmp_path):
    with pytest.raises(Exception, match="keys generate"):
        create_app(Settings(database_url=database_url, keys_dir=tmp_path / "empty"))


def test_the_wal_is_checkpointed_off_the_request_path(tmp_path):
    # What requests commit lands in the WAL; the checkpointer thread, not a request, copies
    # it into the database file.
    import sqlite3
    import time

    from competenze.db import WalCheckpointer

    path = str(tmp_path / "wal.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x BLOB)")
    writer.executemany("INSERT INTO t VALUES (?)", [(b"x" * 4000,) for _ in range(300)])
    before = (tmp_path / "wal.db").stat().st_size
    checkpointer = WalCheckpointer(path, every=0.1)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 5
        while (tmp_path / "wal.db").stat().st_size < 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        after = (tmp_path / "wal.db").stat().st_size  # measured while the writer is open (closing checkpoints)
    finally:
        checkpointer.stop()
        writer.close()
    assert before < 100_000
    assert after >= 1_000_000


def test_a_pull_waits_for_another_process_s_sqlite_lock_off_the_event_loop(tmp_path):
    # The hot path runs in the event loop on SQLite; when another process holds the write
    # lock it must neither wait there (stopping every request) nor fail: it waits on a thread.
    import sqlite3
    import threading
    import time

    from competenze.db import make_engine
    from competenze.hotpath import Busy, LoopConnection, run_transaction

    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(tmp_path / "busy.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    loop = LoopConnection(engine)
    started = time.monotonic()
    with pytest.raises(Busy):
        loop.run(lambda connection: None)
    assert time.monotonic() - started < 1  # told at once, not after the 10 s busy timeout
    # The fallback, a waiting transaction, waits for the lock instead of failing.
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    run_transaction(
        engine, lambda connection: connection.connection.driver_connection.execute("INSERT INTO t VALUES (1)")
    )

    def fails(connection):
        connection.connection.driver_connection.execute("INSERT INTO t VALUES (2)")
        raise ValueError("the request failed after writing")

    with pytest.raises(ValueError, match="failed after writing"):
        loop.run(fails)
    loop.run(lambda connection: connection.connection.driver_connection.execute("INSERT INTO t VALUES (3)"))
    assert [row[0] for row in other.execute("SELECT x FROM t ORDER BY x")] == [1, 3]  # the failed one rolled back
    loop.close()
    engine.dispose()


def test_an_unreachable_database_on_the_hot_path_is_a_503_not_a_500():
    # The hot path talks to the driver directly: its errors must still reach the 503 handler
    # as SQLAlchemy's.
    from sqlalchemy.exc import OperationalError

    from competenze.db import make_engine
    from competenze.hotpath import run_transaction

    engine = make_engine("postgresql://postgres@127.0.0.1:1/nowhere")
    with pytest.raises(OperationalError):
        run_transaction(engine, lambda connection: None)
