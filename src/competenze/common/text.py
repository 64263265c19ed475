"""Text helpers for search: accent- and case-insensitive matching that works on both engines."""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import re
import unicodedata

# Characters no person types into a form, which would corrupt what we print around them:
# C0 controls (but tab and newline), DEL and C1 controls; the bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069), which reorder the text *around* a value ("Siria,
# exe.png" for an institution ending in U+202E "gnp.exe"); and noncharacters. The marks
# LRM, RLM and ALM (U+200E, U+200F, U+061C) stay: they only nudge neutral characters and are
# typed on Arabic and Persian keyboards. Input refuses these (common/fields.py); the PDF drops
# them from text recorded before that (dossiers/pdf.py).
REFUSED_POINTS = frozenset(
    [
        *range(0x00, 0x09),
        *range(0x0B, 0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *range(0xFDD0, 0xFDF0),
        *(plane + end for plane in range(0, 0x110000, 0x10000) for end in (0xFFFE, 0xFFFF)),
    ]
)
REFUSED = re.compile("[" + "".join(re.escape(chr(point)) for point in sorted(REFUSED_POINTS)) + "]")


def line_ends(text: str) -> str:
    """CRLF and lone CR as LF: browsers send a textarea's lines with CRLF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces: 'Ndèye  FATOU' -> 'ndeye fatou'.

    Stored beside names so that SQL can match with a plain LIKE on SQLite and PostgreSQL
    alike, without collations or extensions that differ between the two.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # A few letters do not decompose into base + accent.
    stripped = stripped.translate(
        str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
    )
    return " ".join(stripped.split())


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user input matches literally (use with escape='\\\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
