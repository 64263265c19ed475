"""The one visibility chokepoint (DESIGN.md §3.5): which participants may a principal see?

Everything that loads a participant by id goes through get_visible_participant, and every
list filters with visible_filter. Invisible and missing look the same (404, same body),
so ids of other organisations' participants cannot be probed.
"""

import uuid

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from competenze.auth.principals import Principal
from competenze.errors import Forbidden, NotFound
from competenze.participants.models import Participant

# Roles that work with individual participants. Analysts see aggregates only; platform
# admins run the service and have no reason to read case files.
CASE_ROLES = frozenset({"counsellor", "org_admin"})
NOT_FOUND = "No participant with this id is visible to you."


def visible_filter(principal: Principal) -> ColumnElement[bool]:
    if principal.kind != "user" or principal.role not in CASE_ROLES:
        raise Forbidden("Your role does not give access to individual participants.")
    # Referrals (a later issue) widen this for the recipient organisation.
    return col(Participant.organisation_id) == principal.organisation_id


def get_visible_participant(session: Session, principal: Principal, participant_id: uuid.UUID,
                            *, for_update: bool = False) -> Participant:
    condition = visible_filter(principal)
    query = select(Participant).where(col(Participant.id) == participant_id, condition)
    if for_update:
        query = query.with_for_update()
    participant = session.exec(query).first()
    if participant is None:
        raise NotFound(NOT_FOUND)
    return participant


def can_read_restricted(principal: Principal, participant: Participant) -> bool:
    """Fine permit type and support needs: the owning organisation's counsellors only."""
    return (principal.kind == "user" and principal.role == "counsellor"
            and participant.organisation_id == principal.organisation_id)
