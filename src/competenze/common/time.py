"""The one clock of the service: UTC-aware, and frozen in tests that need a fixed "now".

Everything that asks for the time calls utcnow() or today() here (never datetime.now), so
freezing this clock freezes the whole service, request threads included.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_frozen_at: datetime | None = None


def utcnow() -> datetime:
    return _frozen_at or datetime.now(UTC)


def today() -> date:
    return utcnow().date()


def iso_z(moment: datetime) -> str:
    """A UTC moment as ISO 8601 with 'Z', to the second (as credentials write it)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def aware(value: object) -> datetime:
    """An ISO 8601 date and time with its zone, as a UTC datetime, or ValueError saying what
    is wrong with it (the one parser of times that come from outside: request fields, query
    parameters, cursors, credentials)."""
    if not isinstance(value, str) or len(value) < 16 or not value[:4].isdigit():
        raise ValueError("must be a date and time in ISO 8601 with its zone, e.g. 2026-11-25T10:00:00Z")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date and time in ISO 8601 with its zone, e.g. 2026-11-25T10:00:00Z") from None
    if moment.tzinfo is None:
        raise ValueError("include a time zone, e.g. 2026-11-25T10:00:00Z")
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # past year 9999 or before year 1 once in UTC
        raise ValueError("is out of range") from None


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Run with the clock stopped at `at` (timezone-aware)."""
    global _frozen_at
    if at.tzinfo is None:
        raise ValueError("freeze the clock at a timezone-aware datetime")
    previous, _frozen_at = _frozen_at, at
    try:
        yield
    finally:
        _frozen_at = previous
