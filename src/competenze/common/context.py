"""The context of an action, as the audit log records it: a value passed from the edge (a
request's principal, the command line, the demo seeder) down to every service that writes."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessContext:
    """Who is acting, for which organisation, why, and in which request."""

    actor_type: str  # "user" | "client" | "system"
    actor_id: str
    organisation_id: uuid.UUID | None
    purpose: str
    request_id: str

    @property
    def key(self) -> str:
        """The actor as a stable string (idempotency records, quotas), as Principal.key."""
        return f"{self.actor_type}:{self.actor_id}"
