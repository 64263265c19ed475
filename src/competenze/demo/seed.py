"""`competenze demo`: seed a demo network (idempotent).

No password or secret is written in the repository: each demo account gets a random one on
first seeding, kept in var/demo-credentials.json (ignored by git) so that re-running prints
the same credentials. Demo organisations are flagged, and a production process refuses to
start on a database that holds them.
"""

import json
import secrets
import uuid
from datetime import date
from importlib import resources
from pathlib import Path

from sqlmodel import Session, col, select

from competenze.access import visibility
from competenze.auth.passwords import hash_password
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.text import fold
from competenze.common.time import utcnow
from competenze.organisations.models import ApiClient, Organisation, User
from competenze.participants import consents
from competenze.participants import service as participants
from competenze.participants.models import Participant
from competenze.participants.schemas import ConsentCreate, ParticipantCreate

ORGANISATIONS = {
    "region": ("Regione Emilia-Romagna", "region", "BO"),
    "bologna": ("Comune di Bologna", "municipality", "BO"),
    "modena": ("Comune di Modena", "municipality", "MO"),
    "cpi": ("Centro per l'Impiego di Bologna", "cpi", "BO"),
    "third_sector": ("Cooperativa Sociale Ponte Aperto", "third_sector", "BO"),
    "training": ("Ente di Formazione Mestieri Futuri", "training_agency", "BO"),
}
# (email, display name, role, organisation key)
USERS = [
    ("counsellor.bologna@competenze.example", "Giulia Rinaldi", "counsellor", "bologna"),
    ("counsellor.modena@competenze.example", "Marco Ferri", "counsellor", "modena"),
    ("counsellor.cpi@competenze.example", "Sara Bianchi", "counsellor", "cpi"),
    ("counsellor.coop@competenze.example", "Youssef Amrani", "counsellor", "third_sector"),
    ("counsellor.training@competenze.example", "Elena Conti", "counsellor", "training"),
    ("counsellor.region@competenze.example", "Paolo Galli", "counsellor", "region"),
    ("admin.bologna@competenze.example", "Laura Moretti", "org_admin", "bologna"),
    ("analyst@competenze.example", "Chiara Lodi", "region_analyst", "region"),
    ("admin@competenze.example", "Amministrazione piattaforma", "admin", "region"),
]
CLIENT_NAME = "Sistema informativo CPI (demo)"
SYSTEM = "demo-seed"


def _credentials_file(var_dir: Path) -> Path:
    return var_dir / "demo-credentials.json"


def _secret(store: dict, key: str) -> tuple[str, bool]:
    if key in store:
        return store[key], False
    store[key] = "demo-" + secrets.token_urlsafe(12)
    return store[key], True


def seed(session: Session, var_dir: Path, settings=None) -> dict:
    """Create what is missing and return the credentials as `competenze demo --json` prints them."""
    path = _credentials_file(var_dir)
    store: dict = json.loads(path.read_text()) if path.exists() else {}
    now = utcnow()
    orgs: dict[str, Organisation] = {}
    for key, (name, kind, province) in ORGANISATIONS.items():
        org = session.exec(select(Organisation).where(col(Organisation.name) == name)).first()
        if org is None:
            org = Organisation(name=name, kind=kind, province_code=province, is_demo=True, created_at=now)
            session.add(org)
        orgs[key] = org
    session.flush()

    users_out, staff = [], {}
    for email, display, role, org_key in USERS:
        password, fresh = _secret(store, email)
        user = session.exec(select(User).where(col(User.email) == email)).first()
        if user is None:
            user = User(
                organisation_id=orgs[org_key].id,
                email=email,
                display_name=display,
                role=role,
                password_hash=hash_password(password),
                created_at=now,
                updated_at=now,
            )
            session.add(user)
        elif fresh:  # credentials file lost: give the account a new known password
            user.password_hash = hash_password(password)
        staff[(role, org_key)] = user
        users_out.append({"email": email, "password": password, "role": role, "organisation": _org_json(orgs[org_key])})
    session.flush()

    cpi = orgs["cpi"]
    secret, fresh = _secret(store, "client_secret")
    client = session.exec(select(ApiClient).where(col(ApiClient.name) == CLIENT_NAME)).first()
    if client is None:
        client = ApiClient(
            client_id=store.setdefault("client_id", "cli_" + secrets.token_hex(12)),
            name=CLIENT_NAME,
            organisation_id=cpi.id,
            secret_hash=hash_password(secret),
            scopes="dossiers:read",
            created_at=now,
        )
        session.add(client)
    elif fresh or store.get("client_id") != client.client_id:
        store["client_id"] = client.client_id
        client.secret_hash = hash_password(secret)
    session.flush()

    seeded = _seed_participants(session, orgs, staff)
    _seed_competences(session, seeded, staff)
    from competenze.demo.plans import seed_plans

    seed_plans(session, seeded, orgs, staff)
    if settings is not None:
        _seed_dossiers(session, settings, seeded, staff)
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(store, indent=2))
    path.chmod(0o600)
    return {
        "users": users_out,
        "clients": [
            {
                "client_id": client.client_id,
                "client_secret": secret,
                "scopes": client.scopes.split(),
                "organisation": _org_json(cpi),
            }
        ],
    }


def _org_json(org: Organisation) -> dict:
    return {"id": str(org.id), "name": org.name, "kind": org.kind}


def _seed_participants(session: Session, orgs: dict[str, Organisation], staff: dict) -> dict[str, Participant]:
    records = json.loads(resources.files("competenze.demo").joinpath("participants.json").read_text())
    seeded = {}
    for record in records:
        org = orgs[record["owner"]]
        counsellor = staff[("counsellor", record["owner"])]
        name_folded = fold(f"{record['given_names']} {record['family_name']}")
        existing = session.exec(
            select(Participant).where(
                visibility.of_organisation(org.id),
                col(Participant.name_folded) == name_folded,
                col(Participant.birth_date) == date.fromisoformat(record["birth_date"]),
            )
        ).first()
        if existing is not None:
            seeded[record["key"]] = existing
            continue
        principal = Principal(kind="user", id=counsellor.id, organisation_id=org.id, role="counsellor")
        ctx = _context(counsellor)
        data = ParticipantCreate.model_validate({k: v for k, v in record.items() if k not in ("key", "owner")})
        created = participants.create(session, principal, ctx, data, confirm_duplicate=True)
        participant = session.get(Participant, created.id)
        seeded[record["key"]] = participant
        # Participants of the Bologna services agreed to share their dossier with the CPI.
        if record["owner"] in ("bologna", "third_sector", "training"):
            consents.give(
                session,
                ctx,
                participant,
                ConsentCreate(purpose="dossier_sharing", recipient_organisation_id=orgs["cpi"].id, method="paper"),
                counsellor.id,
            )
    return seeded


def _context(counsellor: User) -> AccessContext:
    # Demo records appear as written by the participant's counsellor; the purpose says they
    # were seeded, so the access log does not pretend a real interview took place.
    return AccessContext(
        actor_type="user",
        actor_id=str(counsellor.id),
        organisation_id=counsellor.organisation_id,
        purpose="demo_seed",
        request_id=uuid.uuid4().hex,
    )


def _seed_competences(session: Session, seeded: dict[str, Participant], staff: dict) -> None:
    """Assessments of every kind from demo/assessments.json, once per participant."""
    from competenze.assessments.digital import service as digital
    from competenze.assessments.digital.schemas import DigitalAssessmentCreate
    from competenze.assessments.experience import service as experience
    from competenze.assessments.experience.schemas import (
        DrivingLicencesSheet,
        EducationCreate,
        ExpectationsSheet,
        LiteracySheet,
        SkillClaimCreate,
        WorkExperienceCreate,
    )
    from competenze.assessments.language import service as language
    from competenze.assessments.language.models import LanguageAssessment
    from competenze.assessments.language.schemas import LanguageAssessmentCreate
    from competenze.frameworks.esco.importer import builtin_directory, import_directory
    from competenze.frameworks.esco.models import EscoConcept

    if session.exec(select(EscoConcept.uri).limit(1)).first() is None:
        import_directory(session, builtin_directory())
    data = json.loads(resources.files("competenze.demo").joinpath("assessments.json").read_text())
    for key, participant in seeded.items():
        entry = data.get(key)
        already = session.exec(
            select(LanguageAssessment.id).where(col(LanguageAssessment.participant_id) == participant.id).limit(1)
        ).first()
        if entry is None or already is not None:
            continue
        owner = next(
            user
            for (role, _), user in staff.items()
            if role == "counsellor" and visibility.owns(user.organisation_id, participant)
        )
        ctx = _context(owner)
        for body in entry.get("languages", []):
            language.create(session, ctx, participant, LanguageAssessmentCreate.model_validate(body))
        for body in entry.get("digital", []):
            digital.create(session, ctx, participant, DigitalAssessmentCreate.model_validate(body))
        for body in entry.get("education", []):
            experience.add_education(session, ctx, participant, EducationCreate.model_validate(body))
        for body in entry.get("work", []):
            experience.add_work(session, ctx, participant, WorkExperienceCreate.model_validate(body))
        for body in entry.get("skills", []):
            experience.add_skill(session, ctx, participant, SkillClaimCreate.model_validate(body))
        for kind, schema in (
            ("literacy", LiteracySheet),
            ("driving_licences", DrivingLicencesSheet),
            ("expectations", ExpectationsSheet),
        ):
            if kind in entry:
                experience.put_sheet(session, ctx, participant, kind, schema.model_validate(entry[kind]), None)


def _seed_dossiers(session: Session, settings, seeded: dict[str, Participant], staff: dict) -> None:
    """A public dossier for everyone, and the CPI profile for those who share with the CPI,
    so the demo machine client has dossiers to pull."""
    from competenze.auth.keys import KeyRing
    from competenze.dossiers import service as dossiers
    from competenze.dossiers.models import Dossier
    from competenze.dossiers.schemas import DossierCreate
    from competenze.participants.models import Consent

    ring = KeyRing(Path(settings.keys_dir), settings.signing_key_pem)
    for participant in seeded.values():
        if session.exec(select(Dossier.id).where(col(Dossier.participant_id) == participant.id)).first():
            continue
        owner = next(
            user
            for (role, _), user in staff.items()
            if role == "counsellor" and visibility.owns(user.organisation_id, participant)
        )
        shares = session.exec(
            select(Consent.id).where(
                col(Consent.participant_id) == participant.id, col(Consent.purpose) == "dossier_sharing"
            )
        ).first()
        for profile in ("public", "cpi") if shares else ("public",):
            dossiers.issue(session, _context(owner), settings, ring, participant, DossierCreate(profile=profile))
