"""The dossier as a document: a frozen snapshot of a participant's competences, and the W3C
Verifiable Credential 2.0 built from it for one profile. Pure: plain data in, a dict out.

Profiles decide what leaves the service (data minimisation, GDPR art. 5(1)(c)):
- `cpi`: what an employment centre's job-seeker record (SAP) needs — identity with contacts,
  permit category and expiry, education with recognition status, experience, languages,
  digital competences, skills, driving licences and a plan summary;
- `public`: what the participant shows an employer — name, languages and competences; no
  birth date, citizenship, permit, contacts or plan, and of the Italian milestones only
  those reached or formally evidenced.
The fine permit type and support needs are never in a snapshot, whatever the profile.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from dataclasses import dataclass, field
from typing import Any

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIAL_TYPE = "CompetenceDossier"
PROFILES = ("cpi", "public")

PERSON_FIELDS = {
    "cpi": (
        "givenName",
        "familyName",
        "birthDate",
        "gender",
        "countryOfBirth",
        "citizenships",
        "residenceMunicipality",
        "motherTongues",
        "preferredLanguage",
        "email",
        "phone",
        "permit",
    ),
    "public": ("givenName", "familyName", "motherTongues", "preferredLanguage"),
}
SECTIONS = {
    "cpi": (
        "languages",
        "italianMilestones",
        "digital",
        "education",
        "workExperience",
        "skills",
        "drivingLicences",
        "plan",
    ),
    "public": ("languages", "italianMilestones", "digital", "education", "workExperience", "skills", "drivingLicences"),
}


@dataclass(frozen=True)
class Snapshot:
    """Everything a dossier may contain, already in the credential's vocabulary."""

    person: dict[str, Any]
    languages: list[dict] = field(default_factory=list)
    italian_milestones: list[dict] = field(default_factory=list)
    digital: dict[str, Any] = field(default_factory=dict)
    education: list[dict] = field(default_factory=list)
    work_experience: list[dict] = field(default_factory=list)
    skills: list[dict] = field(default_factory=list)
    driving_licences: list[dict] = field(default_factory=list)
    plan: dict[str, Any] | None = None

    def section(self, name: str) -> Any:
        return {
            "languages": self.languages,
            "italianMilestones": self.italian_milestones,
            "digital": self.digital,
            "education": self.education,
            "workExperience": self.work_experience,
            "skills": self.skills,
            "drivingLicences": self.driving_licences,
            "plan": self.plan,
        }[name]


@dataclass(frozen=True)
class Issuance:
    """Who issues which version of which dossier, when, and where its status lives."""

    dossier_id: str
    subject_id: str
    profile: str
    version: int
    issuer_url: str
    organisation_id: str
    organisation_name: str
    valid_from: str  # ISO 8601 UTC, "Z"
    valid_until: str | None
    context_url: str
    status_entries: list[dict]


def credential(snapshot: Snapshot, issuance: Issuance) -> dict[str, Any]:
    if issuance.profile not in PROFILES:
        raise ValueError(f"unknown profile {issuance.profile!r}")
    person = {
        k: snapshot.person[k] for k in PERSON_FIELDS[issuance.profile] if snapshot.person.get(k) not in (None, [], "")
    }
    subject: dict[str, Any] = {
        "id": issuance.subject_id,
        "type": "CompetenceProfile",
        "profile": issuance.profile,
        "person": person,
    }
    for name in SECTIONS[issuance.profile]:
        value = snapshot.section(name)
        if name == "italianMilestones" and issuance.profile == "public":
            # An employer sees what the person has reached, not what they have not (yet).
            value = [m for m in value if m["status"] in ("reached", "formally_evidenced")]
        if value:
            subject[name] = value
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, issuance.context_url],
        "id": f"urn:uuid:{issuance.dossier_id}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": "Dossier delle competenze / Competence dossier",
        "issuer": {"id": issuance.issuer_url, "name": "competenze – PLEIADI Emilia-Romagna"},
        "issuingOrganisation": {"id": f"urn:uuid:{issuance.organisation_id}", "name": issuance.organisation_name},
        "dossierVersion": issuance.version,
        "validFrom": issuance.valid_from,
        "credentialSubject": subject,
        "credentialStatus": issuance.status_entries,
    }
    if issuance.valid_until:
        document["validUntil"] = issuance.valid_until
    return document


def context_document(issuer_url: str) -> dict[str, Any]:
    """Our JSON-LD context: every term of ours maps into our vocabulary (the VC 2.0 base
    context is protected, so we define new terms only)."""
    vocab = f"{issuer_url.rstrip('/')}/vocab#"
    return {
        "@context": {
            "@version": 1.1,
            "@vocab": vocab,
            "CompetenceDossier": f"{vocab}CompetenceDossier",
            "CompetenceProfile": f"{vocab}CompetenceProfile",
            "issuingOrganisation": {"@id": f"{vocab}issuingOrganisation", "@type": "@id"},
            "dossierVersion": f"{vocab}dossierVersion",
        }
    }
