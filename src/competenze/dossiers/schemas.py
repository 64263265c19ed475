"""API models for dossiers and verification."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from competenze.common.codes import LanguageCode
from competenze.common.fields import STRICT_INPUT, Day, Note


class Profile(StrEnum):
    cpi = "cpi"
    public = "public"


class DossierStatus(StrEnum):
    valid = "valid"
    superseded = "superseded"
    revoked = "revoked"


class DossierCreate(BaseModel):
    model_config = STRICT_INPUT
    profile: Profile = Field(description="cpi: for employment centres; public: for employers")
    valid_until: Day | None = Field(default=None, description="Default: the configured validity from today")
    language: LanguageCode | None = Field(
        default=None, description="The PDF's second language; default: the participant's preferred language"
    )


class DossierRevoke(BaseModel):
    model_config = STRICT_INPUT
    reason: Note


class DossierOut(BaseModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    subject_id: str
    profile: Profile
    version: int
    status: DossierStatus
    superseded_by_version: int | None
    issued_at: datetime
    changed_at: datetime
    sha256: str
    kid: str
    verification_url: str | None = Field(default=None, description="Only for the issuing organisation")
    links: dict[str, str]


class DossierPage(BaseModel):
    items: list[DossierOut]
    next_cursor: str | None


class VerifyRequest(BaseModel):
    model_config = STRICT_INPUT
    token: str = Field(max_length=200 * 1024, description="A dossier as a compact JWS (application/vc+jwt)")


class Verdict(StrEnum):
    valid = "valid"
    not_a_dossier = "not_a_dossier"
    revoked = "revoked"
    superseded = "superseded"
    bad_signature = "bad_signature"
    unknown_key = "unknown_key"
    expired = "expired"
    not_yet_valid = "not_yet_valid"
    malformed = "malformed"


class VerifyResult(BaseModel):
    verdict: Verdict
    message: str = Field(description="The verdict in words (English and Italian)")
    superseded_by_version: int | None = Field(default=None, description="superseded: the newer version's number")
    kid: str | None = None
    holder: str | None = Field(default=None, description="The holder's name, once the signature checks")
    issued_by: str | None = Field(default=None, description="The issuing organisation, once the signature checks")
    issued_at: str | None = Field(default=None, description="When it was issued (validFrom), once the signature checks")
    credential: dict[str, Any] | None = Field(
        default=None,
        description="What the document states, only while it is valid: a revoked, superseded or "
        "expired dossier shows no content",
    )
