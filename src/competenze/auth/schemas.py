"""Token endpoint input and output (RFC 6749 §5.1)."""

import uuid

from pydantic import BaseModel


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


class WhoAmI(BaseModel):
    kind: str
    id: uuid.UUID
    organisation_id: uuid.UUID
    role: str | None = None
    scopes: list[str] = []
