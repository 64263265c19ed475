"""The Jinja2 environment for server-rendered pages (error pages for now)."""

from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape


def resource_dir(name: str) -> Path:
    """templates/ or migrations/: inside the installed package (wheel), else the repo root."""
    packaged = Path(__file__).resolve().parent.parent / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name


@lru_cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(resource_dir("templates")), autoescape=select_autoescape(["html"]))


def render_error_page(
    request: Request, *, status: int, title: str, detail: str, request_id: str | None
) -> HTMLResponse:
    html = (
        environment()
        .get_template("errors/error.html")
        .render(status=status, title=title, detail=detail, request_id=request_id)
    )
    return HTMLResponse(html, status_code=status)
