"""consent participant recipient index

Revision ID: fb0afb641e5c
Revises: fb56d8803c99
Create Date: 2026-11-26 05:20:00

Whether a participant's consent shares them with an organisation is asked once per dossier
pull and once per row of a list page (participants/visibility.py dossier_filter). Keyed on
participant, recipient and purpose it is one index probe; the index on participant alone is
the new one's prefix, so it goes.
"""
from alembic import op


revision = 'fb0afb641e5c'
down_revision = 'fb56d8803c99'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_participant_id'))
        batch_op.create_index('ix_consent_participant_recipient',
                              ['participant_id', 'recipient_organisation_id', 'purpose'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_participant_recipient')
        batch_op.create_index(batch_op.f('ix_consent_participant_id'), ['participant_id'], unique=False)
