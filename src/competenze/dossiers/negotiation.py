"""HTTP content negotiation for a dossier (RFC 9110 §12.5.1): which representation the
client's Accept header prefers among those we serve. Pure."""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

JSON, VC_JWT, XML, PDF = "application/json", "application/vc+jwt", "application/xml", "application/pdf"
SERVED = (JSON, VC_JWT, XML, PDF)  # in our order of preference for wildcards: JSON first
ALIASES = {"text/xml": XML}


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
