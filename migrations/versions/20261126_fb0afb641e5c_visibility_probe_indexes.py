"""visibility probe indexes

Revision ID: fb0afb641e5c
Revises: fb56d8803c99
Create Date: 2026-11-26 05:20:00

The visibility chokepoint (participants/visibility.py) asks of one row at a time whether a
participant shares their dossiers with an organisation (every dossier pull, every row of a
list page) and whether they were referred to it (loading a referred participant). Keyed on
participant, recipient and purpose or status, each question is one index probe. The indexes
on participant alone are the new ones' prefixes, so they go.
"""
from alembic import op


revision = 'fb0afb641e5c'
down_revision = 'fb56d8803c99'
branch_labels = None
depends_on = None

# (table, old index on participant alone, new index, its columns)
INDEXES = [
    ('consent', 'ix_consent_participant_id', 'ix_consent_participant_recipient',
     ['participant_id', 'recipient_organisation_id', 'purpose']),
    ('referral', 'ix_referral_participant_id', 'ix_referral_participant_recipient',
     ['participant_id', 'to_organisation_id', 'status']),
]


def upgrade() -> None:
    for table, old, new, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(old)
            batch_op.create_index(new, columns, unique=False)


def downgrade() -> None:
    for table, old, new, _ in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(new)
            batch_op.create_index(old, ['participant_id'], unique=False)
