"""Canonical bytes of a credential: the exact bytes that are signed and hashed.

JSON with keys sorted, no insignificant whitespace, UTF-8, no floats — the subset of the
JSON Canonicalization Scheme (RFC 8785) that our documents use (strings, integers,
booleans, null, arrays, objects), so any verifier can recompute the same bytes. Pure.
"""

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


def canonical_bytes(document: dict[str, Any]) -> bytes:
    _check(document)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")
