"""Plain functions that build valid objects and sign people in. No shared mutable state."""

import itertools
import uuid
from dataclasses import dataclass
from functools import lru_cache

from fastapi.testclient import TestClient
from sqlmodel import Session

from competenze.auth.passwords import hash_password
from competenze.common.time import utcnow
from competenze.organisations.models import ApiClient, Organisation, User

PASSWORD = "correct horse battery staple 42"
CLIENT_SECRET = "a-long-random-client-secret-for-tests-0123456789"
_counter = itertools.count(1)


@lru_cache
def _hash(secret: str) -> str:
    # argon2 takes ~80 ms; hash each test secret once per run, still verified for real.
    return hash_password(secret)


def make_org(session: Session, name: str | None = None, kind: str = "municipality") -> Organisation:
    org = Organisation(name=name or f"Organisation {next(_counter)}", kind=kind, created_at=utcnow())
    session.add(org)
    session.commit()
    return org


def make_user(
    session: Session, org: Organisation, role: str = "counsellor", *, email: str | None = None, active: bool = True
) -> User:
    now = utcnow()
    user = User(
        organisation_id=org.id,
        email=email or f"user{next(_counter)}@test.example",
        display_name="Test User",
        role=role,
        password_hash=_hash(PASSWORD),
        is_active=active,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.commit()
    return user


def make_client(session: Session, org: Organisation, scopes: str = "dossiers:read") -> ApiClient:
    client = ApiClient(
        client_id=f"cli_test{next(_counter)}",
        name="Test client",
        organisation_id=org.id,
        secret_hash=_hash(CLIENT_SECRET),
        scopes=scopes,
        created_at=utcnow(),
    )
    session.add(client)
    session.commit()
    return client


def token_for(client: TestClient, email: str, password: str = PASSWORD) -> dict:
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()


def auth(client: TestClient, user: User) -> dict[str, str]:
    """A signed-in user's headers. The tokens come from the service's own issuing code (the
    same tokens a password sign-in returns, with a refresh-token family in the database);
    the password check itself is tested in test_auth.py, and skipping its deliberate argon2
    cost here keeps the authorisation matrix fast."""
    from competenze.auth.service import Issuer, issue_user_tokens

    app = client.app
    with Session(app.state.engine) as session:
        fresh = session.get(User, user.id)
        tokens = issue_user_tokens(session, Issuer(app.state.settings, app.state.keys), fresh, uuid.uuid4())
        session.commit()
    return {"Authorization": f"Bearer {tokens.access_token}"}


def client_auth(client: TestClient, api_client: ApiClient) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": api_client.client_id, "client_secret": CLIENT_SECRET},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def participant_body(**overrides) -> dict:
    body = {
        "given_names": "Amina",
        "family_name": "El Idrissi",
        "birth_date": "1988-03-14",
        "sex": "female",
        "country_of_birth": "MA",
        "citizenships": ["MA"],
        "residence_municipality": "Bologna",
        "arrival_date": "2011-09-20",
        "mother_tongues": ["ar"],
        "preferred_language": "fr",
        "permit_category": "family",
        "permit_expiry": "2027-05-18",
    }
    body.update(overrides)
    return body


@dataclass
class World:
    """Two organisations of the network with staff in every role, and a machine client."""

    org_a: Organisation
    org_b: Organisation
    region: Organisation
    counsellor_a: User
    counsellor_a2: User
    admin_a: User
    counsellor_b: User
    analyst: User
    admin: User
    api_client: ApiClient


def make_world(session: Session) -> World:
    org_a, org_b = make_org(session, "Comune A"), make_org(session, "Comune B")
    region = make_org(session, "Regione", kind="region")
    cpi = org_b
    return World(
        org_a=org_a,
        org_b=org_b,
        region=region,
        counsellor_a=make_user(session, org_a),
        counsellor_a2=make_user(session, org_a),
        admin_a=make_user(session, org_a, "org_admin"),
        counsellor_b=make_user(session, org_b),
        analyst=make_user(session, region, "region_analyst"),
        admin=make_user(session, region, "admin"),
        api_client=make_client(session, cpi),
    )


def create_participant(client: TestClient, headers: dict, **overrides) -> dict:
    response = client.post("/api/v1/participants", json=participant_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def new_id() -> str:
    return str(uuid.uuid4())


def count_rows(engine, model, *where) -> int:
    """Count rows in a short transaction of its own (never holds a lock across requests)."""
    from sqlmodel import func, select

    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()
