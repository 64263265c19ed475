"""Bounded field types for API schemas: every string has a maximum (DESIGN.md §7)."""

from typing import Annotated

from pydantic import AfterValidator, ConfigDict, StringConstraints

# Request models refuse unknown fields (house rule 4): a typo must not be silently dropped.
STRICT_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _no_control_chars(value: str) -> str:
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise ValueError("control characters are not allowed")
    return value


def bounded(max_length: int, min_length: int = 1):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length,
                                            max_length=max_length),
                     AfterValidator(_no_control_chars)]


Name = bounded(100)
Label = bounded(200)
Note = bounded(2000)
Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254,
                                         pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9]{6,15}$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
