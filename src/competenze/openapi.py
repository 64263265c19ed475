"""The OpenAPI document, exported to openapi/openapi.json and checked for drift by a test."""

import json
import tempfile
from pathlib import Path

from competenze.config import Settings


def document() -> dict:
    """The schema of an app built with neutral settings (so the file does not depend on
    the machine that exported it)."""
    from competenze.auth import keys
    from competenze.main import create_app

    with tempfile.TemporaryDirectory() as tmp:
        keys.generate(Path(tmp) / "keys")
        app = create_app(
            Settings(
                database_url=f"sqlite:///{tmp}/schema.db",
                keys_dir=Path(tmp) / "keys",
                docs_enabled=True,
                environment="development",
            )
        )
        return app.openapi()


def published(schema: dict) -> dict:
    """The schema as FastAPI builds it, plus what the server enforces that FastAPI cannot
    declare: If-Match is required where a change without it gets 428 (the header is optional
    to FastAPI so that the answer is 428, not a generic 422). Idempotent."""
    from competenze.common.etag import REQUIRED_MARKER

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("schema", {}).pop(REQUIRED_MARKER, False):
                    parameter["required"] = True
    return schema


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(document()))
    return path
