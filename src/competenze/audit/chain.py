"""The hash chain of the audit log: pure functions, no database.

Each event's hash covers its own fields and the previous event's hash, so changing,
removing or reordering any row breaks every hash after it (a tamper-evident log in the
sense of RFC 6962's hash chains, without the tree).
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("occurred_at", "actor_type", "actor_id", "organisation_id", "action",
                 "object_type", "object_id", "participant_id", "purpose", "request_id")


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    material = [prev_hash] + [_canonical(fields[name]) for name in HASHED_FIELDS]
    raw = json.dumps(material, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


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
            return ChainBreak(seq, "previous-hash link broken (a row before it was removed "
                                   "or altered)")
        if event_hash(prev_hash, fields) != stored_hash:
            return ChainBreak(seq, "content does not match its hash (the row was altered)")
        expected_prev = stored_hash
    return None
