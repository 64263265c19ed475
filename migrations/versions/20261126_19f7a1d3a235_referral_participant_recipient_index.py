"""referral participant recipient index

Revision ID: 19f7a1d3a235
Revises: fb0afb641e5c
Create Date: 2026-11-26 06:30:00

Loading one participant for an organisation they were referred to asks whether an accepted
referral to it exists (participants/visibility.py visible_filter, one=True). Keyed on
participant, recipient and status it is one index probe; the index on participant alone is
the new one's prefix, so it goes.
"""
from alembic import op


revision = '19f7a1d3a235'
down_revision = 'fb0afb641e5c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_participant_id'))
        batch_op.create_index('ix_referral_participant_recipient',
                              ['participant_id', 'to_organisation_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_participant_recipient')
        batch_op.create_index(batch_op.f('ix_referral_participant_id'), ['participant_id'], unique=False)
