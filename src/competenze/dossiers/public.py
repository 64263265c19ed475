"""What anyone may see without signing in: the JSON-LD context, status lists, verification.

Status lists and verdicts reveal no more than the documents themselves. The verification
page is rate-limited per address (its codes are 192-bit random, but guessing attempts should
still cost), and each viewing of a dossier there is recorded on the participant's access log,
so people can see that their dossier was checked.
"""

import hashlib

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from competenze.audit import service as audit
from competenze.auth.keys import KeyRing
from competenze.common import ratelimit
from competenze.common.context import AccessContext
from competenze.common.names import country_name, language_name
from competenze.common.time import iso_z
from competenze.config import Settings
from competenze.dossiers import document, negotiation, signing, status
from competenze.dossiers.canonical import canonical_bytes
from competenze.dossiers.models import Dossier, StatusList
from competenze.dossiers.schemas import VerifyResult
from competenze.dossiers.verification import MESSAGES, verify_token
from competenze.errors import NotAcceptable, NotFound
from competenze.frameworks.catalogue import cefr, digcomp
from competenze.resources import environment


def context(settings: Settings) -> dict:
    return document.context_document(settings.issuer)


def _issuer(settings: Settings) -> dict:
    return {"id": settings.issuer.rstrip("/"), "name": "competenze – PLEIADI Emilia-Romagna"}


def status_list_response(
    session: Session, settings: Settings, keys: KeyRing, list_id: str, accept: str | None, if_none_match: str | None
) -> Response:
    row = session.get(StatusList, list_id)
    if row is None:
        raise NotFound("No status list with this id.")
    media = negotiation.choose(accept) if accept and "json" in accept else negotiation.VC_JWT
    if media not in (negotiation.JSON, negotiation.VC_JWT):
        raise NotAcceptable("Ask for application/vc+jwt or application/json.")
    issuer = settings.issuer.rstrip("/")
    credential = status.list_credential(
        list_url=f"{issuer}/api/v1/status-lists/{row.id}",
        issuer=_issuer(settings),
        purpose=row.purpose,
        bits=row.bits,
        valid_from=iso_z(row.updated_at),
        context=[document.CREDENTIALS_V2],
    )
    payload = canonical_bytes(credential)
    etag = f'"{hashlib.sha256(payload).hexdigest()[:32]}-{media.split("/")[1]}"'
    # Verifiers may cache a list briefly; a revocation shows within five minutes at most.
    headers = {"Cache-Control": "public, max-age=300", "ETag": etag, "Vary": "Accept"}
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    if media == negotiation.JSON:
        return Response(payload, media_type=media, headers=headers)
    return Response(signing.sign(payload, keys.current), media_type=media, headers=headers)


def throttle(request: Request, session: Session, *, scale: int) -> None:
    ratelimit.enforce(
        session.connection(),
        f"verify:{scale}:{request.client.host if request.client else 'unknown'}",
        limit=request.app.state.settings.verify_requests_per_minute * scale,
        window_seconds=60,
        message="Too many verifications from your address; try again in {wait} seconds.",
    )


def verify(session: Session, settings: Settings, keys: KeyRing, token: str) -> VerifyResult:
    return verify_token(session, keys, settings.issuer, token)


def verify_page(request: Request, session: Session, code: str) -> HTMLResponse:
    dossier = session.exec(select(Dossier).where(col(Dossier.verification_code) == code)).first()
    if dossier is None:
        # keep_changes: the attempt still counts towards the address's limit (guessing costs).
        raise NotFound(
            "There is no dossier with this verification code. Check the address on the document.", keep_changes=True
        )
    settings, keys = request.app.state.settings, request.app.state.keys
    result = verify_token(session, keys, settings.issuer, dossier.jws)
    audit.record(
        session,
        AccessContext(
            actor_type="public",
            actor_id="verification-page",
            organisation_id=None,
            purpose="verification",
            request_id=request.state.request_id,
        ),
        "dossier.verify_page",
        object_type="dossier",
        object_id=dossier.id,
        participant_ids=[dossier.participant_id],
    )
    html = (
        environment()
        .get_template("dossiers/verify.html")
        .render(
            result=result,
            words=MESSAGES[result.verdict],
            content=page_content(result.credential),
            dossier_id=str(dossier.id),
            version=dossier.version,
        )
    )
    return HTMLResponse(html, headers={"X-Robots-Tag": "noindex"})


def _named(title: dict | None, code: str) -> dict[str, str]:
    """A DigComp title in Italian and English; a code the catalogue no longer knows (a dossier
    issued under another version) by its code."""
    return {"it": title["it"], "en": title["en"]} if title else {"it": code, "en": code}


def page_content(credential: dict | None) -> dict | None:
    """What the verification page shows of a valid dossier, every code named in Italian and
    English (languages from CLDR, DigComp from the framework's own titles). None when the
    document is not valid: the verdict alone is shown then."""
    if credential is None:
        return None
    subject = credential.get("credentialSubject", {})
    framework = digcomp()
    competences = subject.get("digital", {}).get("competences", [])
    return {
        "valid_until": credential.get("validUntil", "")[:10],
        "languages": [
            {
                "it": language_name(lang["language"], "it"),
                "en": language_name(lang["language"], "en"),
                "mother_tongue": lang.get("motherTongue", False),
                "levels": [lang.get("levels", {}).get(skill, {}).get("level", "–") for skill in cefr().europass_skills],
            }
            for lang in subject.get("languages", [])
        ],
        "digital": [
            {
                **_named(framework.areas.get(area["area"]), area["area"]),
                "level": area["level"],
                "europass": area.get("europass"),
                "competences": [
                    {
                        **_named(getattr(framework.competences.get(c["code"]), "title", None), c["code"]),
                        "level": c["level"],
                    }
                    for c in competences
                    if c["code"].startswith(area["area"] + ".")
                ],
            }
            for area in subject.get("digital", {}).get("areas", [])
            if area.get("level") is not None
        ],
        "education": [
            {
                "title": e.get("title"),
                "institution": e.get("institution"),
                "country": country_name(e.get("country"), "it"),
            }
            for e in subject.get("education", [])
        ],
        "work": [
            {
                "title": (w.get("occupation") or {}).get("label", {}).get("it") or w.get("title") or "",
                "from": w.get("from", "")[:7],
                "to": (w.get("to") or "")[:7],
                "country": country_name(w.get("country"), "it"),
            }
            for w in subject.get("workExperience", [])
        ],
    }
