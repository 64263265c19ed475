"""Verdicts on dossiers: is this signed document ours, intact, in its validity period, and
neither revoked nor superseded? Used by POST /api/v1/verify and the public /verify page.

The verdict reveals nothing beyond what the document itself states: its status bits are
public anyway (status lists), and the version that superseded it is named by number only.
"""

import json
import uuid
from datetime import datetime

from sqlmodel import Session

from competenze.auth.keys import KeyRing
from competenze.common.time import aware, utcnow
from competenze.dossiers import signing, status_lists
from competenze.dossiers.document import CREDENTIAL_TYPE
from competenze.dossiers.models import DossierState
from competenze.dossiers.schemas import Verdict, VerifyResult

# Each verdict in English and Italian: the API joins them, the page shows Italian first.
MESSAGES = {
    Verdict.valid: (
        "Valid: issued by this service, unchanged, in force.",
        "Valido: emesso da questo servizio, integro, in vigore.",
    ),
    Verdict.revoked: ("Revoked by the issuer.", "Revocato da chi lo ha emesso."),
    Verdict.superseded: ("Replaced by a newer version.", "Sostituito da una versione più recente."),
    Verdict.bad_signature: (
        "The signature does not match: the document was altered or forged.",
        "La firma non corrisponde: documento alterato o falso.",
    ),
    Verdict.unknown_key: ("Not signed with a key of this service.", "Non firmato con una chiave di questo servizio."),
    Verdict.expired: ("Expired.", "Scaduto."),
    Verdict.not_yet_valid: ("Not valid yet.", "Non ancora valido."),
    Verdict.malformed: (
        "Not a dossier of this service (unreadable).",
        "Non è un dossier di questo servizio (illeggibile).",
    ),
    Verdict.not_a_dossier: (
        "Signed by this service, but not a competence dossier (e.g. a status list).",
        "Firmato da questo servizio, ma non è un dossier delle competenze (ad es. una lista di stato).",
    ),
}


def _result(verdict: Verdict, **extra) -> VerifyResult:
    return VerifyResult(verdict=verdict, message=" / ".join(MESSAGES[verdict]), **extra)


def _moment(value: object) -> datetime | None:
    try:
        return aware(value)
    except ValueError:
        return None


def verify_token(session: Session, ring: KeyRing, issuer: str, token: str) -> VerifyResult:
    try:
        header, payload = signing.verify(token, ring)
    except signing.Malformed:
        return _result(Verdict.malformed)
    except signing.UnknownKey:
        return _result(Verdict.unknown_key)
    except signing.BadSignature:
        return _result(Verdict.bad_signature)
    try:
        credential = json.loads(payload)
    except ValueError:
        return _result(Verdict.malformed, kid=header["kid"])
    if not isinstance(credential, dict):
        return _result(Verdict.malformed, kid=header["kid"])
    types = credential.get("type")
    if not isinstance(types, list) or CREDENTIAL_TYPE not in types:
        return _result(Verdict.not_a_dossier, kid=header["kid"])
    if _moment(credential.get("validFrom")) is None:
        return _result(Verdict.malformed, kid=header["kid"])
    # Who and when, whatever the status: enough to tell which document this was. Its content
    # (languages, education, work) is shown only while it is valid: a revoked or replaced
    # dossier must not keep telling strangers about its holder.
    found = {"kid": header["kid"], **_summary(credential)}
    revoked, superseded = _status(session, issuer, credential)
    if revoked:
        return _result(Verdict.revoked, **found)
    if superseded:
        state = None
        try:
            state = session.get(DossierState, uuid.UUID(str(credential.get("id", "")).removeprefix("urn:uuid:")))
        except ValueError:
            pass
        return _result(
            Verdict.superseded, superseded_by_version=state.superseded_by_version if state else None, **found
        )
    now = utcnow()
    until = _moment(credential.get("validUntil"))
    if until is not None and until <= now:
        return _result(Verdict.expired, **found)
    if _moment(credential["validFrom"]) > now:
        return _result(Verdict.not_yet_valid, **found)
    return _result(Verdict.valid, credential=credential, **found)


def _summary(credential: dict) -> dict:
    subject = credential.get("credentialSubject")
    person = subject.get("person") if isinstance(subject, dict) else None
    person = person if isinstance(person, dict) else {}
    organisation = credential.get("issuingOrganisation")
    name = " ".join(str(person[k]) for k in ("givenName", "familyName") if person.get(k))
    return {
        "holder": name or None,
        "issued_at": str(credential["validFrom"]),
        "issued_by": str(organisation.get("name"))
        if isinstance(organisation, dict) and organisation.get("name")
        else None,
    }


def _status(session: Session, issuer: str, credential: dict) -> tuple[bool, bool]:
    """(revoked, superseded) from the status-list entries that point at our own lists."""
    entries = credential.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    prefix = f"{issuer.rstrip('/')}/api/v1/status-lists/"
    flags = {"revocation": False, "message": False}
    for entry in entries:
        if not isinstance(entry, dict) or not str(entry.get("statusListCredential", "")).startswith(prefix):
            continue
        list_id = entry["statusListCredential"].removeprefix(prefix)
        series, _, purpose = list_id.partition("-")
        try:
            index = int(entry.get("statusListIndex"))
            flags[purpose] = flags.get(purpose, False) or status_lists.bit(session, int(series), purpose, index)
        except (TypeError, ValueError):
            continue
    return flags["revocation"], flags["message"]
