"""Optimistic concurrency with ETag / If-Match (RFC 9110 §13.1.1)."""

from typing import Annotated

from fastapi import Header, Response

from competenze.errors import PreconditionFailed, PreconditionRequired


def etag_for(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


# Optional in the schema on purpose: a missing header is answered with 428 and a message
# that says what to do, not with a generic validation error.
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200,
                                       description="The ETag of the record as you last read it")]


def require_if_match(header: str | None, current_version: int) -> None:
    """428 when the client sent no If-Match, 412 when it names an older version."""
    if not header:
        raise PreconditionRequired(
            "Send the record's ETag in an If-Match header (read the record first) so that "
            "you do not overwrite someone else's change.")
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" in candidates:
        return
    if etag_for(current_version) not in candidates:
        raise PreconditionFailed(
            "This record changed since you read it; read it again and reapply your change.",
            current_etag=etag_for(current_version))
