"""Every table, imported once so that metadata is complete for Alembic and the tests."""

from competenze.audit.models import AuditEvent
from competenze.auth.models import RefreshToken
from competenze.common.models import IdempotencyRecord, RateLimitBucket
from competenze.db import metadata
from competenze.organisations.models import ApiClient, Organisation, User
from competenze.participants.models import Consent, Participant, ParticipantRestricted

__all__ = ["metadata", "AuditEvent", "RefreshToken", "IdempotencyRecord", "RateLimitBucket",
           "ApiClient", "Organisation", "User", "Consent", "Participant", "ParticipantRestricted"]
