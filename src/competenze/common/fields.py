"""Field types for API input: every string bounded and printable, every scalar strictly the
JSON type the schema publishes (DESIGN.md §7).

FastAPI validates request bodies after json.loads, in pydantic's Python ("lax") mode, which
would turn "3" or 7.0 into 3, "no" or 0 into false, and 0 into the date 1970-01-01. Input
models therefore use these types: StrictInt / StrictBool / StrictFloat, and Day / Moment for
dates and times, which take only ISO 8601 strings (or date objects from our own code).
tests/test_input_types.py walks every request model and fails on a field that forgets.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Strict,
    StringConstraints,
)

from competenze.common.text import REFUSED, line_ends
from competenze.common.time import aware, today

# Request models refuse unknown fields (house rule 4): a typo must not be silently dropped.
STRICT_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def plain_text(value: str) -> str:
    """Refuse what REFUSED names, saying which character (a person can find it)."""
    found = REFUSED.search(value)
    if found:
        char = found.group()
        name = unicodedata.name(char, "a control character")
        raise ValueError(f"contains U+{ord(char):04X} ({name.lower()}), which is not allowed; remove it")
    return value


def bounded(max_length: int, min_length: int = 1):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        BeforeValidator(lambda v: line_ends(v) if isinstance(v, str) else v),
        AfterValidator(plain_text),
    ]


Name = bounded(100)
Label = bounded(200)
Note = bounded(2000)


def normalise_email(email: str) -> str:
    """The one form of an email address, at creation, sign-in and lookup: trimmed, NFC and
    lower-cased. Not casefold(): it rewrites letters ("straße" -> "strasse"), so an address
    stored one way could never be found the other."""
    return unicodedata.normalize("NFC", email.strip()).lower()


# The constraints before the normalising validator, so that the published schema keeps the
# pattern (the validator still runs first).
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"),
    BeforeValidator(lambda v: normalise_email(v) if isinstance(v, str) else v),
    AfterValidator(plain_text),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9]{6,15}$")]
# Passwords are never displayed and may hold any character (NIST SP 800-63B §5.1.1.2).
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]

# Dates from 1900 to 2100 at most: nothing this service records lies outside (a year typed
# as 0001 or 9999 is a slip of the keyboard); types below narrow this further.
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: object) -> object:
    # Only "YYYY-MM-DD" (or a date from our own code): not a number of seconds since 1970,
    # nor a date and time whose time would be dropped.
    if isinstance(value, datetime):
        raise ValueError("must be a date (YYYY-MM-DD), without a time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError("must be a date written YYYY-MM-DD, e.g. 2026-11-25")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a calendar date (YYYY-MM-DD)") from None


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


def _iso_moment(value: object) -> object:
    if isinstance(value, datetime):  # from our own code
        return value
    moment = aware(value)
    if not EARLIEST.year <= moment.year <= LATEST.year:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return moment


def _not_future(value: date) -> date:
    if value > today():
        raise ValueError("must not be in the future")
    return value


Day = Annotated[date, BeforeValidator(_iso_day), Strict(), AfterValidator(_plausible)]
Moment = Annotated[datetime, BeforeValidator(_iso_moment), Strict()]
PastDate = Annotated[Day, AfterValidator(_not_future)]  # from 1900 to today: a birth date, too


def within_years(years: int):
    """A date at most `years` before or after today (a permit's expiry: ±30 years)."""

    def check(value: date) -> date:
        now, span = today(), timedelta(days=round(365.25 * years))
        earliest, latest = now - span, now + span
        if not earliest <= value <= latest:
            raise ValueError(f"must be within {years} years of today ({earliest.isoformat()} to {latest.isoformat()})")
        return value

    return Annotated[Day, AfterValidator(check)]
