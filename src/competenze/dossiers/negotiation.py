"""HTTP content negotiation for a dossier (RFC 9110 §12.5.1): which representation the
client's Accept header prefers among those we serve, and the entity tag of each. Pure."""

import hashlib

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

JSON, VC_JWT, XML, PDF = "application/json", "application/vc+jwt", "application/xml", "application/pdf"
SERVED = (JSON, VC_JWT, XML, PDF)  # in our order of preference for wildcards: JSON first
ALIASES = {"text/xml": XML}
# The Europass XML and the PDF are rendered on every pull from the stored credential, so the
# same stored bytes give new bytes when the renderer changes. Bump a version whenever its
# renderer (dossiers/europass*.py; dossiers/pdf*.py, labels.json, the fonts) changes what it
# writes: the entity tag changes with it, and a client never keeps old bytes under a tag that
# now names new ones. JSON and vc+jwt are served as stored and need none.
RENDER_VERSIONS = {XML: 1, PDF: 1}


def entity_tag(stored_sha256: str, media: str, variant: str, status: str) -> str:
    """The ETag of one representation of a dossier version: its stored bytes, the media type,
    the variant (Europass locale, PDF language), its status (a revoked dossier renders
    differently) and the renderer's version. A PDF's is weak: ReportLab may number glyphs
    differently from one render of the same content to the next."""
    parts = f"{stored_sha256}|{media}|{variant}|{status}|{RENDER_VERSIONS.get(media, 0)}"
    tag = hashlib.sha256(parts.encode()).hexdigest()[:32]
    return f'W/"{tag}"' if media == PDF else f'"{tag}"'


def matches(if_none_match: str, etag: str) -> bool:
    """Does If-None-Match name this tag? Compared weakly, as RFC 9110 §13.1.2 says for it."""
    opaque = etag.removeprefix("W/").strip('"')
    return opaque in [sent.strip().removeprefix("W/").strip('"') for sent in if_none_match.split(",")]


def choose(accept: str | None) -> str | None:
    """The media type to serve, or None when nothing acceptable (406)."""
    if not accept or not accept.strip():
        return JSON
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")[:20]):
        media, *params = [part.strip() for part in item.split(";")]
        media = ALIASES.get(media.lower(), media.lower())
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if media in ("*/*", "application/*"):
            ranked.append((quality, position, JSON))
        elif media in SERVED:
            ranked.append((quality, position, media))
    if not ranked:
        return None
    # Highest quality wins; among equals, the one the client listed first.
    return sorted(ranked, key=lambda r: (-r[0], r[1]))[0][2]
