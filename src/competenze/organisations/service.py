"""Use-cases for organisations, staff accounts and machine clients (API and CLI share them)."""

import secrets
import uuid

from sqlmodel import Session, col, select

from competenze.audit import service as audit
from competenze.auth.models import RefreshToken
from competenze.auth.passwords import hash_password, policy_problem
from competenze.auth.principals import Principal
from competenze.auth.service import CLIENT_SCOPES, revoke_family
from competenze.common.context import AccessContext
from competenze.common.time import utcnow
from competenze.errors import Conflict, Forbidden, NotFound, field_error
from competenze.organisations.models import ApiClient, Organisation, User, UserRole
from competenze.organisations.schemas import OrganisationCreate, UserCreate, UserUpdate

# What an org admin may hand out inside their own organisation; wider roles are the
# platform admin's decision.
ORG_ADMIN_GRANTABLE = {UserRole.counsellor, UserRole.org_admin}


def create_organisation(session: Session, data: OrganisationCreate, *, is_demo: bool = False) -> Organisation:
    if session.exec(select(Organisation).where(col(Organisation.name) == data.name)).first():
        raise Conflict(f"An organisation named '{data.name}' already exists.")
    org = Organisation(**data.model_dump(), is_demo=is_demo, created_at=utcnow())
    session.add(org)
    session.flush()
    return org


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(col(Organisation.name))).all())


def get_organisation(session: Session, org_id: uuid.UUID) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No organisation with this id.")
    return org


def _check_password(password: str, email: str) -> None:
    problem = policy_problem(password, email=email)
    if problem:
        raise field_error("password", problem)


def create_user(session: Session, data: UserCreate, *, actor: Principal | None, ctx: AccessContext | None) -> User:
    org_id = data.organisation_id
    if actor is not None and actor.role != UserRole.admin:
        if org_id not in (None, actor.organisation_id):
            raise Forbidden("Org admins create accounts only in their own organisation.")
        if data.role not in ORG_ADMIN_GRANTABLE:
            raise Forbidden("Org admins may create counsellors and org admins only.")
        org_id = actor.organisation_id
    if org_id is None:
        raise field_error("organisation_id", "required")
    get_organisation(session, org_id)
    _check_password(data.password, data.email)
    if session.exec(select(User).where(col(User.email) == data.email)).first():
        raise Conflict("An account with this email already exists.")
    now = utcnow()
    user = User(
        organisation_id=org_id,
        email=data.email,
        display_name=data.display_name,
        role=data.role,
        password_hash=hash_password(data.password),
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    if ctx is not None:
        audit.record(session, ctx, "user.create", object_type="user", object_id=user.id)
    return user


def _visible_user(session: Session, actor: Principal, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None or (actor.role != UserRole.admin and user.organisation_id != actor.organisation_id):
        raise NotFound("No account with this id.")
    return user


def get_user(session: Session, actor: Principal, user_id: uuid.UUID) -> User:
    return _visible_user(session, actor, user_id)


def list_users(session: Session, actor: Principal, organisation_id: uuid.UUID | None) -> list[User]:
    query = select(User).order_by(col(User.email))
    if actor.role != UserRole.admin:
        organisation_id = actor.organisation_id
    if organisation_id is not None:
        query = query.where(col(User.organisation_id) == organisation_id)
    return list(session.exec(query.limit(1000)).all())


def update_user(session: Session, actor: Principal, ctx: AccessContext, user: User, data: UserUpdate) -> User:
    changes = data.model_dump(exclude_unset=True)
    is_admin = actor.role == UserRole.admin
    if "organisation_id" in changes and not is_admin:
        raise Forbidden("Only a platform admin can move an account to another organisation.")
    if changes.get("role") is not None and not is_admin and changes["role"] not in ORG_ADMIN_GRANTABLE:
        raise Forbidden("Org admins may grant the counsellor and org admin roles only.")
    if not is_admin and user.role not in ORG_ADMIN_GRANTABLE:
        raise Forbidden("Only a platform admin can change this account.")
    if changes.get("organisation_id") is not None:
        get_organisation(session, changes["organisation_id"])
    security_change = False
    for name in ("role", "organisation_id", "is_active"):
        if changes.get(name) is not None and changes[name] != getattr(user, name):
            setattr(user, name, changes[name])
            security_change = True
    if changes.get("display_name"):
        user.display_name = changes["display_name"]
    if changes.get("password"):
        _check_password(changes["password"], user.email)
        user.password_hash = hash_password(changes["password"])
        security_change = True
    if security_change:
        # Tokens name the role and organisation; make every outstanding one fail now.
        user.token_version += 1
        families = session.exec(
            select(RefreshToken.family_id)
            .where(col(RefreshToken.user_id) == user.id, col(RefreshToken.revoked_at).is_(None))
            .distinct()
        ).all()
        for family_id in families:
            revoke_family(session, family_id)
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    audit.record(session, ctx, "user.update", object_type="user", object_id=user.id)
    return user


def create_client(
    session: Session, *, organisation_id: uuid.UUID, name: str, scopes: list[str]
) -> tuple[ApiClient, str]:
    """Returns the client and its secret; the secret is shown once and stored only hashed."""
    get_organisation(session, organisation_id)
    unknown = set(scopes) - CLIENT_SCOPES
    if unknown or not scopes:
        raise field_error("scope", f"use one or more of: {', '.join(sorted(CLIENT_SCOPES))}")
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id="cli_" + secrets.token_hex(12),
        name=name,
        organisation_id=organisation_id,
        secret_hash=hash_password(secret),
        scopes=" ".join(sorted(set(scopes))),
        created_at=utcnow(),
    )
    session.add(client)
    session.flush()
    return client, secret
