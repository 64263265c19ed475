"""Optimistic concurrency with ETag / If-Match (RFC 9110 §13.1.1)."""

from typing import Annotated

from fastapi import Header, Response

from competenze.errors import PreconditionFailed, PreconditionRequired


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


# Optional for FastAPI on purpose: a missing header is answered with 428 (RFC 6585) and a
# message that says what to do, not with a generic validation error. The OpenAPI document
# still says it is required: competenze.openapi.published turns this marker into required.
REQUIRED_MARKER = "x-competenze-required"
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        json_schema_extra={REQUIRED_MARKER: True},
        description="The ETag of the record as you last read it; without it the change is refused (428)",
    ),
]
# For records that may not exist yet (a sheet's first PUT needs no If-Match).
IfMatchOnceItExists = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="The ETag of the record as you last read it; required once the record exists (428 without it)",
    ),
]


def require_if_match(header: str | None, current_version: int) -> None:
    """428 when the client sent no If-Match, 412 when it names an older version."""
    if not header:
        raise PreconditionRequired(
            "Send the record's ETag in an If-Match header (read the record first) so that "
            "you do not overwrite someone else's change."
        )
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" in candidates:
        return
    if etag_for(current_version) not in candidates:
        raise PreconditionFailed(
            "This record changed since you read it; read it again and reapply your change.",
            current_etag=etag_for(current_version),
        )
