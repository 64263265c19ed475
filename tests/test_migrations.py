"""Migrations run from empty on this engine, and the models match them exactly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from competenze.db import make_engine
from competenze.migrate import alembic_config
from competenze.models import metadata
from tests.conftest import PG_URL, reset_postgres_schema


def _fresh_url(tmp_path) -> str:
    if PG_URL:
        reset_postgres_schema(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.mark.usefixtures("_template_db")
def test_upgrade_from_empty_then_models_match_then_downgrade(tmp_path):
    from alembic import command

    url = _fresh_url(tmp_path)
    try:
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        assert set(inspect(engine).get_table_names()) >= {t.name for t in metadata.sorted_tables}
        engine.dispose()
        command.downgrade(alembic_config(url), "base")
        engine = make_engine(url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
    finally:
        if PG_URL:  # leave the shared test database migrated for the tests after this one
            reset_postgres_schema(PG_URL)
            command.upgrade(alembic_config(PG_URL), "head")


@pytest.mark.usefixtures("_template_db")
def test_constraint_names_follow_the_convention(database_url):
    engine = make_engine(database_url)
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        for fk in inspector.get_foreign_keys(table.name):
            assert fk["name"], fk
            assert fk["name"].startswith(f"fk_{table.name}_"), fk
        for unique in inspector.get_unique_constraints(table.name):
            assert unique["name"].startswith(f"uq_{table.name}_"), unique
    engine.dispose()
