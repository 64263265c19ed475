"""Files shipped beside the code: templates/ and migrations/, and the Jinja2 environment over
templates/. Low in the layers (CONTRIBUTING.md) so that errors.py and migrate.py can use it."""

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape


def resource_dir(name: str) -> Path:
    """templates/ or migrations/: inside the installed package (wheel), else the repo root."""
    packaged = Path(__file__).resolve().parent / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


@lru_cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(resource_dir("templates")), autoescape=select_autoescape(["html"]))
