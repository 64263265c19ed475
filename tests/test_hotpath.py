"""hotpath.Prepared on the engine under test: values stored and read as the ORM stores and reads
them, the statements it must refuse, and the SQLAlchemy internals it reads.

Prepared compiles a Core statement once and runs it on the driver's own cursor, passing values
through SQLAlchemy's type processors itself. If an SQLAlchemy upgrade changes the compiled form
it reads, these tests fail with a message saying so, before a pull silently stores or reads a
value differently.
"""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Uuid, bindparam, insert, or_, select, text

from competenze.common.types import UTCDateTime
from competenze.db import make_engine
from competenze.hotpath import Prepared, run_transaction

PROBE = Table(
    "hotpath_probe",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    Column("name", String(40), nullable=False),
    Column("rank", Integer, nullable=False),
)
INSERT = Prepared(insert(PROBE))
BY_ID = Prepared(select(PROBE).where(PROBE.c.id == bindparam("id", type_=Uuid)))
# One name bound twice: a positional driver (sqlite3) gets it at both places.
BY_NAME_OR_RANK = Prepared(
    select(PROBE.c.id, PROBE.c.rank).where(or_(PROBE.c.name == bindparam("x"), PROBE.c.name.like(bindparam("x"))))
)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    PROBE.create(engine)
    yield engine
    PROBE.drop(engine)
    engine.dispose()


def test_values_round_trip_as_the_orm_stores_them(engine):
    first, second = uuid.uuid4(), uuid.uuid4()
    # A time given in another zone is stored as UTC and read back aware, as UTCDateTime does.
    at = datetime(2026, 12, 2, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    data = {"levels": {"listening": "B1"}, "ok": True, "n": [1, 2.5, None], "text": "مرحبا — ciao"}
    run_transaction(
        engine,
        lambda c: INSERT.many(
            c,
            [
                {"id": first, "at": at, "data": data, "name": "alpha", "rank": 1},
                {"id": second, "at": at + timedelta(days=1), "data": [], "name": "beta", "rank": 2},
            ],
        ),
    )
    row = run_transaction(engine, lambda c: BY_ID.first(c, id=first))
    assert row is not None
    assert row.id == first
    assert isinstance(row.id, uuid.UUID)
    assert row.at == at
    assert row.at.tzinfo is not None
    assert row.at.utcoffset() == timedelta(0)
    assert row.data == data
    assert (row.name, row.rank) == ("alpha", 1)
    # The same rows through SQLAlchemy's own execution: Prepared reads nothing differently.
    with engine.connect() as connection:
        orm = connection.execute(select(PROBE).where(PROBE.c.id == first)).one()
    assert tuple(orm) == tuple(row)
    assert run_transaction(engine, lambda c: BY_ID.first(c, id=uuid.uuid4())) is None


def test_a_name_bound_twice_reaches_both_places(engine):
    ids = [uuid.uuid4() for _ in range(3)]
    rows = [
        {"id": i, "at": datetime.now(UTC), "data": {}, "name": n, "rank": r}
        for i, n, r in zip(ids, "abc", range(3), strict=True)
    ]
    run_transaction(engine, lambda c: INSERT.many(c, rows))
    found = run_transaction(engine, lambda c: BY_NAME_OR_RANK.rows(c, x="b"))
    assert [(r.id, r.rank) for r in found] == [(ids[1], 1)]


def test_a_text_statement_gives_plain_tuples(engine):
    statement = Prepared(text("SELECT 1, 'two'"))
    assert run_transaction(engine, lambda c: statement.rows(c)) == [(1, "two")]


@pytest.mark.parametrize(
    "statement",
    [
        # A Python-side default the ORM would fill in at execution, skipped silently if the
        # column were simply bound (without column_keys every column is).
        Table(
            "with_default", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer, default=7)
        ).insert(),
        # An expanding IN list, rendered at execution.
        select(PROBE.c.id).where(PROBE.c.rank.in_(bindparam("ranks", expanding=True))),
        # A literal rendered into the text at execution.
        select(PROBE.c.id).where(PROBE.c.rank == bindparam("rank", literal_execute=True)),
    ],
    ids=["python-default", "expanding-in", "literal-execute"],
)
def test_statements_only_sqlalchemy_can_run_are_refused(engine, statement):
    with pytest.raises(TypeError, match="cannot run this statement"):
        run_transaction(engine, lambda c: Prepared(statement).rows(c, ranks=[1], rank=1, n=1))


def test_a_python_side_default_is_refused_with_the_columns_named_too(engine):
    table = Table("with_default", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer, default=7))
    with pytest.raises(TypeError, match="cannot run this statement"):
        run_transaction(engine, lambda c: Prepared(insert(table), column_keys=["id"]).rows(c, id=1))


def test_the_compiled_form_still_has_what_prepared_reads(engine):
    compiled = BY_NAME_OR_RANK.statement.compile(dialect=engine.dialect)
    missing = [
        name
        for name in (
            "binds",
            "positiontup",
            "insert_prefetch",
            "update_prefetch",
            "isinsert",
            "isupdate",
            "post_compile_params",
            "literal_execute_params",
            "escaped_bind_names",
            "string",
        )
        if not hasattr(compiled, name)
    ]
    assert not missing, f"SQLAlchemy {sqlalchemy.__version__} compiles without {missing}: review hotpath.Prepared"
    bind = compiled.binds["x"]
    assert hasattr(bind, "effective_value")
    assert callable(bind.type.dialect_impl(engine.dialect).bind_processor)
    if engine.dialect.paramstyle == "qmark":
        assert list(compiled.positiontup) == ["x", "x"]
    else:
        assert compiled.positiontup is None
