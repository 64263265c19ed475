"""`competenze demo`: seed a demo network (idempotent).

No password or secret is written in the repository: each demo account gets a random one on
first seeding, kept in var/demo-credentials.json (ignored by git) so that re-running prints
the same credentials. Demo organisations are flagged, and a production process refuses to
start on a database that holds them.
"""

import json
from datetime import date
import secrets
import uuid
from importlib import resources
from pathlib import Path

from sqlmodel import Session, col, select

from competenze.audit.service import AccessContext
from competenze.auth.passwords import hash_password
from competenze.auth.principals import Principal
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


def seed(session: Session, var_dir: Path) -> dict:
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
            user = User(organisation_id=orgs[org_key].id, email=email, display_name=display, role=role,
                        password_hash=hash_password(password), created_at=now, updated_at=now)
            session.add(user)
        elif fresh:  # credentials file lost: give the account a new known password
            user.password_hash = hash_password(password)
        staff[(role, org_key)] = user
        users_out.append({"email": email, "password": password, "role": role,
                          "organisation": _org_json(orgs[org_key])})
    session.flush()

    cpi = orgs["cpi"]
    secret, fresh = _secret(store, "client_secret")
    client = session.exec(select(ApiClient).where(col(ApiClient.name) == CLIENT_NAME)).first()
    if client is None:
        client = ApiClient(client_id=store.setdefault("client_id", "cli_" + secrets.token_hex(12)),
                           name=CLIENT_NAME, organisation_id=cpi.id, secret_hash=hash_password(secret),
                           scopes="dossiers:read", created_at=now)
        session.add(client)
    elif fresh or store.get("client_id") != client.client_id:
        store["client_id"] = client.client_id
        client.secret_hash = hash_password(secret)
    session.flush()

    _seed_participants(session, orgs, staff)
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(store, indent=2))
    path.chmod(0o600)
    return {"users": users_out,
            "clients": [{"client_id": client.client_id, "client_secret": secret,
                         "scopes": client.scopes.split(), "organisation": _org_json(cpi)}]}


def _org_json(org: Organisation) -> dict:
    return {"id": str(org.id), "name": org.name, "kind": org.kind}


def _seed_participants(session: Session, orgs: dict[str, Organisation], staff: dict) -> None:
    records = json.loads(resources.files("competenze.demo").joinpath("participants.json").read_text())
    for record in records:
        org = orgs[record["owner"]]
        counsellor = staff[("counsellor", record["owner"])]
        name_folded = fold(f"{record['given_names']} {record['family_name']}")
        exists = session.exec(select(Participant.id).where(
            col(Participant.organisation_id) == org.id, col(Participant.name_folded) == name_folded,
            col(Participant.birth_date) == date.fromisoformat(record["birth_date"]))).first()
        if exists:
            continue
        principal = Principal(kind="user", id=counsellor.id, organisation_id=org.id, role="counsellor")
        ctx = AccessContext(actor_type="system", actor_id=SYSTEM, organisation_id=org.id,
                            purpose="demo_seed", request_id=uuid.uuid4().hex)
        data = ParticipantCreate.model_validate(
            {k: v for k, v in record.items() if k not in ("key", "owner")})
        created = participants.create(session, principal, ctx, data, confirm_duplicate=True)
        # Participants of the Bologna services agreed to share their dossier with the CPI.
        if record["owner"] in ("bologna", "third_sector", "training"):
            participant = session.get(Participant, created.id)
            consents.give(session, ctx, participant, ConsentCreate(
                purpose="dossier_sharing", recipient_organisation_id=orgs["cpi"].id, method="paper"),
                counsellor.id)
