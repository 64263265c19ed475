"""The one clock of the service: UTC-aware, replaceable in tests that freeze time."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()
