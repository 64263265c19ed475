"""Cursor pagination: stable under inserts, opaque to clients, capped.

A cursor is the sort key of the last row served, as base64url JSON. Clients may send
anything back, so decode_cursor is the one gate every paginated route uses: it checks the
shape and the type of every value before a database sees it (a naive time compared with a
timezone-aware column, or an integer beyond 64 bits, made the driver fail with a 500).
"""

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Query

from competenze.common.time import aware
from competenze.errors import field_error

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# What a cursor position may be: a row's sort key is a moment, an id or a sequence number.
MAX_POSITION = 2**63 - 1  # a signed 64-bit column (PostgreSQL bigint)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1-200, default 50)")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]


def encode_cursor(values: list[Any]) -> str:
    """A cursor for the sort key `values` (aware datetimes, UUIDs, non-negative ints)."""
    plain = [
        v.astimezone(UTC).isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v
        for v in values
    ]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _position(kind: type, value: Any) -> Any:
    if kind is datetime:
        try:
            return aware(value)
        except ValueError:
            return None
    if kind is uuid.UUID:
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                return None
        return None
    if kind is int:
        # bool is an int in Python and JSON's true would pass as 1: refused by name.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_POSITION:
            return value
        return None
    raise TypeError(f"no cursor position of type {kind!r}")


def decode_cursor(cursor: str, *shape: type) -> list[Any]:
    """The values of a cursor made by encode_cursor for a sort key of types `shape`
    (datetime, uuid.UUID, int), or a 422 naming `query.cursor`."""
    invalid = field_error("query.cursor", "not a cursor returned by this API; start again without it")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(values, list) or len(values) != len(shape):
        raise invalid
    decoded = [_position(kind, value) for kind, value in zip(shape, values, strict=True)]
    if any(value is None for value in decoded):
        raise invalid
    return decoded
