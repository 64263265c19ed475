"""Every table, imported once so that metadata is complete for Alembic and the tests."""

from competenze.assessments.digital.models import DigitalAssessment
from competenze.assessments.experience.models import (
    Education,
    ParticipantSheet,
    SkillClaim,
    WorkExperience,
)
from competenze.assessments.language.models import LanguageAssessment
from competenze.audit.models import AuditEvent
from competenze.auth.models import RefreshToken
from competenze.common.models import IdempotencyRecord, RateLimitBucket
from competenze.db import metadata
from competenze.dossiers.models import Dossier, DossierState, StatusList
from competenze.frameworks.esco.models import (
    EscoConcept,
    EscoLabel,
    EscoRelation,
    EscoTerm,
)
from competenze.organisations.models import ApiClient, Organisation, User
from competenze.participants.models import Consent, Participant, ParticipantRestricted
from competenze.plans.models import PlanRevision, PlanStep, Referral, TransitionPlan

__all__ = [
    "metadata",
    "AuditEvent",
    "RefreshToken",
    "IdempotencyRecord",
    "RateLimitBucket",
    "ApiClient",
    "Organisation",
    "User",
    "Consent",
    "Participant",
    "ParticipantRestricted",
    "LanguageAssessment",
    "DigitalAssessment",
    "Education",
    "WorkExperience",
    "SkillClaim",
    "ParticipantSheet",
    "EscoConcept",
    "EscoLabel",
    "EscoTerm",
    "EscoRelation",
    "TransitionPlan",
    "PlanStep",
    "Referral",
    "PlanRevision",
    "Dossier",
    "DossierState",
    "StatusList",
]
