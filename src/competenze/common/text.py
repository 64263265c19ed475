"""Text helpers for search: accent- and case-insensitive matching that works on both engines."""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces: 'Ndèye  FATOU' -> 'ndeye fatou'.

    Stored beside names so that SQL can match with a plain LIKE on SQLite and PostgreSQL
    alike, without collations or extensions that differ between the two.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # A few letters do not decompose into base + accent.
    stripped = stripped.translate(str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ß": "ss",
                                                 "æ": "ae", "œ": "oe", "ı": "i"}))
    return " ".join(stripped.split())


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user input matches literally (use with escape='\\\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
