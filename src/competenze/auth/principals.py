"""Who is calling: a staff user or a machine client, as established from a verified token."""

import uuid
from dataclasses import dataclass, field
from typing import Literal

from competenze.common.context import AccessContext

# The purpose recorded in the audit log when a principal reads or writes personal data.
DEFAULT_PURPOSE = {
    "counsellor": "case_management",
    "org_admin": "supervision",
    "admin": "administration",
    "region_analyst": "statistics",
}


@dataclass(frozen=True)
class Principal:
    kind: Literal["user", "client"]
    id: uuid.UUID
    organisation_id: uuid.UUID
    role: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_id: uuid.UUID | None = None

    @property
    def key(self) -> str:
        """A stable string for per-principal records (idempotency keys, quotas)."""
        return f"{self.kind}:{self.id}"

    def access(self, request_id: str, purpose: str | None = None) -> AccessContext:
        default = DEFAULT_PURPOSE.get(self.role or "", "dossier_sharing")
        return AccessContext(
            actor_type=self.kind,
            actor_id=str(self.id),
            organisation_id=self.organisation_id,
            purpose=purpose or default,
            request_id=request_id,
        )
