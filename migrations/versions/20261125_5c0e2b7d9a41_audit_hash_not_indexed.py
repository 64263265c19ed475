"""audit hash not indexed

Revision ID: 5c0e2b7d9a41
Revises: a795667b1e7a
Create Date: 2026-11-25 22:25:00

The unique index on audit_event.hash protected nothing the chain does not already prove
(each hash covers the previous one; `competenze audit verify` walks the links in seq order),
and being keyed on a random value it wrote a random index page on every append: about half
the commit cost of a dossier pull on SQLite (bench/dossiers.py).
"""
from alembic import op


revision = '5c0e2b7d9a41'
down_revision = 'a795667b1e7a'
branch_labels = None
depends_on = None


def _sqlite_append_only_triggers() -> None:
    # On SQLite the batch operation rebuilds the table, and its triggers go with the old one.
    for event in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{event.lower()}")
        op.execute(f"""
            CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event
            BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END
        """)


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_hash'), type_='unique')
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_append_only_triggers()


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_hash'), ['hash'])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_append_only_triggers()
