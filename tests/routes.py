"""Enumerate the app's routes (including those of included routers) for matrix-style tests."""

import re
import uuid

from fastapi.routing import APIRoute


def api_routes(app) -> list[tuple[str, str]]:
    """(METHOD, path) for every API route of the app, walking included routers."""
    found: list[tuple[str, str]] = []

    def walk(routes):
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                walk(original.routes)
            elif isinstance(route, APIRoute):
                for method in sorted(route.methods - {"HEAD"}):
                    found.append((method, route.path))

    walk(app.routes)
    return sorted(set(found))


def concrete(path: str) -> str:
    """Fill path parameters with ids that exist nowhere."""
    return re.sub(r"\{[^}]+\}", lambda _m: str(uuid.uuid4()), path)


PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/"),
    ("GET", "/docs"),
    # Anyone may check a dossier: published keys, our JSON-LD context, status lists, verdicts.
    ("GET", "/.well-known/jwks.json"),
    ("GET", "/contexts/competenze/v1"),
    ("GET", "/api/v1/status-lists/{list_id}"),
    ("POST", "/api/v1/verify"),
    ("GET", "/verify/{code}"),
}


def protected_routes(app) -> list[tuple[str, str]]:
    return [r for r in api_routes(app) if r not in PUBLIC]
