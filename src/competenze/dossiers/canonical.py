"""Canonical bytes of a credential: the exact bytes that are signed and hashed.

JSON with keys sorted, no insignificant whitespace, UTF-8, no floats — the subset of the
JSON Canonicalization Scheme (RFC 8785) that our documents use (strings, integers,
booleans, null, arrays, objects), so any verifier can recompute the same bytes. Pure.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import json
from typing import Any


def _check(value: Any, path: str = "$") -> None:
    if isinstance(value, float):
        raise TypeError(f"{path}: floats are not canonical here; use an integer or a string")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: object keys must be strings")
            _check(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
    elif not isinstance(value, (str, int, bool, type(None))):
        raise TypeError(f"{path}: {type(value).__name__} is not JSON")


def _is_canonical(document: Any) -> bool:
    # The same rule as _check without building a path for every value (most of the cost of
    # checking a dossier on the issuance path); _check runs only to word a refusal.
    pending = [document]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            continue
        if kind is dict or (kind is not float and isinstance(value, dict)):
            if not all(isinstance(key, str) for key in value):
                return False
            pending.extend(value.values())
        elif kind is list or (kind is not float and isinstance(value, list)):
            pending.extend(value)
        elif isinstance(value, float) or not isinstance(value, (str, int, bool)):
            return False
    return True


def canonical_bytes(document: dict[str, Any]) -> bytes:
    if not _is_canonical(document):
        _check(document)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )
