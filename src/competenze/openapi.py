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
        app = create_app(Settings(database_url=f"sqlite:///{tmp}/schema.db", keys_dir=Path(tmp) / "keys",
                                  docs_enabled=True, environment="development"))
        return app.openapi()


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(document()))
    return path
