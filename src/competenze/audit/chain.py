"""The hash chain of the audit log: pure functions, no database.

Each event's hash covers its own fields and the previous event's hash, so changing,
removing or reordering any row breaks every hash after it (a tamper-evident log in the
sense of RFC 6962's hash chains, without the tree).
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "occurred_at",
    "actor_type",
    "actor_id",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "participant_id",
    "purpose",
    "request_id",
)


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 of the compact JSON array [prev_hash, *fields in HASHED_FIELDS order]."""
    return _digest([prev_hash, *[_canonical(fields[name]) for name in HASHED_FIELDS]])


def chained(prev_hash: str, fields: dict[str, Any], participant_ids: list) -> list[tuple[str, str]]:
    """(prev_hash, hash) of one event per participant, the other fields shared, in chain
    order: event_hash one after the other, with the shared fields made canonical once (a page
    of the dossier list is 200 events)."""
    values = [prev_hash, *[_canonical(fields[name]) for name in HASHED_FIELDS]]
    at = 1 + HASHED_FIELDS.index("participant_id")
    links = []
    for participant_id in participant_ids:
        values[0], values[at] = prev_hash, _canonical(participant_id)
        digest = _digest(values)
        links.append((prev_hash, digest))
        prev_hash = digest
    return links


# One C-encoded dumps per event: every request appends at least one.
_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _digest(values: list) -> str:
    return hashlib.sha256(_compact(values).encode()).hexdigest()


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def first_break(rows: Iterable[tuple[int, str, str, dict[str, Any]]]) -> ChainBreak | None:
    """rows: (seq, prev_hash, hash, fields) in seq order. Returns the first bad row."""
    expected_prev = GENESIS
    for seq, prev_hash, stored_hash, fields in rows:
        if prev_hash != expected_prev:
            return ChainBreak(seq, "previous-hash link broken (a row before it was removed or altered)")
        if event_hash(prev_hash, fields) != stored_hash:
            return ChainBreak(seq, "content does not match its hash (the row was altered)")
        expected_prev = stored_hash
    return None
