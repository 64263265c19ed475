"""Organisations of the network and the staff accounts an org admin manages."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from competenze.auth.dependencies import Access, require_roles
from competenze.auth.principals import Principal
from competenze.common.etag import IfMatch, require_if_match, set_etag
from competenze.common.routing import ApiRoute
from competenze.db import SessionDep
from competenze.errors import problem_responses
from competenze.organisations import service
from competenze.organisations.schemas import (
    OrganisationCreate,
    OrganisationOut,
    UserCreate,
    UserOut,
    UserUpdate,
)

router = APIRouter(
    route_class=ApiRoute,
    prefix="/api/v1",
    tags=["organisations"],
    responses=problem_responses(400, 401, 403, 404, 405, 409, 412, 413, 422, 428, 503),
)

AnyStaff = Annotated[Principal, Depends(require_roles("counsellor", "org_admin", "region_analyst", "admin"))]
Admin = Annotated[Principal, Depends(require_roles("admin"))]
UserManager = Annotated[Principal, Depends(require_roles("org_admin", "admin"))]


@router.get("/organisations", response_model=list[OrganisationOut], operation_id="organisations_list")
def list_organisations(_: AnyStaff, session: SessionDep):
    """The organisations of the network (for choosing referral and sharing recipients)."""
    return service.list_organisations(session)


@router.post("/organisations", response_model=OrganisationOut, status_code=201, operation_id="organisations_create")
def create_organisation(_: Admin, body: OrganisationCreate, session: SessionDep):
    """Add an organisation to the network (platform admins)."""
    return service.create_organisation(session, body)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut, operation_id="organisations_get")
def get_organisation(_: AnyStaff, organisation_id: uuid.UUID, session: SessionDep):
    """One organisation of the network."""
    return service.get_organisation(session, organisation_id)


@router.get("/users", response_model=list[UserOut], operation_id="users_list")
def list_users(actor: UserManager, session: SessionDep, organisation_id: Annotated[uuid.UUID | None, Query()] = None):
    """Staff accounts of your organisation (admins: of any organisation)."""
    return service.list_users(session, actor, organisation_id)


@router.post("/users", response_model=UserOut, status_code=201, operation_id="users_create")
def create_user(actor: UserManager, ctx: Access, body: UserCreate, session: SessionDep, response: Response):
    """Create a staff account in your organisation."""
    user = service.create_user(session, body, actor=actor, ctx=ctx)
    set_etag(response, user.version)
    return user


@router.get("/users/{user_id}", response_model=UserOut, operation_id="users_get")
def get_user(actor: UserManager, user_id: uuid.UUID, session: SessionDep, response: Response):
    """One staff account; the ETag is needed to change it."""
    user = service.get_user(session, actor, user_id)
    set_etag(response, user.version)
    return user


@router.patch("/users/{user_id}", response_model=UserOut, operation_id="users_update")
def update_user(
    actor: UserManager,
    ctx: Access,
    user_id: uuid.UUID,
    body: UserUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
):
    """Rename, change role, disable or reset a staff account (If-Match required)."""
    user = service.get_user(session, actor, user_id)
    require_if_match(if_match, user.version)
    user = service.update_user(session, actor, ctx, user, body)
    set_etag(response, user.version)
    return user
