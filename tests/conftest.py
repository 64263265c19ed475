"""Test fixtures: a real database per test (SQLite file or PostgreSQL), a real app, real keys.

SQLite (default): the schema is migrated once into a template file, and each test gets a
fresh copy. PostgreSQL (COMPETENZE_TEST_DATABASE_URL set): the schema is dropped and
migrated from empty once per run, and every table is emptied before each test.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from competenze.auth import keys
from competenze.config import Settings
from competenze.db import make_engine
from competenze.main import create_app
from competenze.migrate import upgrade
from competenze.models import metadata

PG_URL = os.environ.get("COMPETENZE_TEST_DATABASE_URL")


def pytest_report_header(config) -> str:
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (a fresh file per test)'}"


def reset_postgres_schema(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("keys") / "keys"
    keys.generate(directory)
    return directory


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory) -> str:
    if PG_URL:
        reset_postgres_schema(PG_URL)
        upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return str(path)


@pytest.fixture
def database_url(_template_db, tmp_path) -> str:
    if PG_URL:
        engine = make_engine(PG_URL)
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    path = tmp_path / "test.db"
    shutil.copyfile(_template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url, keys_dir, tmp_path) -> Settings:
    return Settings(database_url=database_url, keys_dir=keys_dir, environment="development", docs_enabled=True)


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def engine(app) -> Engine:
    return app.state.engine


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session for arranging and inspecting data beside the app (commit what you arrange)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(db):
    from tests.factories import make_world

    return make_world(db)
