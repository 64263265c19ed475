"""The OpenAPI document, exported to openapi/openapi.json and checked for drift by a test."""

import json
from pathlib import Path

from competenze.common.etag import REQUIRED_MARKER


def published(schema: dict) -> dict:
    """The schema as FastAPI builds it, plus what the server enforces that FastAPI cannot
    declare: If-Match is required where a change without it gets 428 (the header is optional
    to FastAPI so that the answer is 428, not a generic 422). Idempotent."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("schema", {}).pop(REQUIRED_MARKER, False):
                    parameter["required"] = True
    return schema


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(path: Path, schema: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(schema))
    return path
