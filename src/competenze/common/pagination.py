"""Cursor pagination: stable under inserts, opaque to clients, capped."""

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from competenze.errors import field_error

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1-200, default 50)")]
Cursor = Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """Decode a cursor made by encode_cursor; anything else is a 422 naming `cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise field_error("query.cursor", "not a cursor returned by this API") from None
    if not isinstance(values, list) or len(values) != size or not all(
            isinstance(v, (str, int)) for v in values):
        raise field_error("query.cursor", "not a cursor returned by this API")
    return values
