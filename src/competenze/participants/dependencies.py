"""Route dependencies for everything addressed by /participants/{participant_id}/...

Loading goes through the visibility chokepoint, so a sub-resource route cannot forget it.
(Everything under a participant is personal data: no-store, as every response is by default,
web/middleware.py.)
"""

import uuid
from typing import Annotated

from fastapi import Depends

from competenze.access.visibility import get_visible_participant, writable_participant
from competenze.auth.dependencies import require_roles
from competenze.auth.principals import Principal
from competenze.db import SessionDep
from competenze.participants.models import Participant

CaseWorker = Annotated[Principal, Depends(require_roles("counsellor", "org_admin"))]


def visible_participant(principal: CaseWorker, participant_id: uuid.UUID, session: SessionDep) -> Participant:
    return get_visible_participant(session, principal, participant_id)


def visible_participant_for_update(
    principal: CaseWorker, participant_id: uuid.UUID, session: SessionDep
) -> Participant:
    return writable_participant(session, principal, participant_id)


def referred_or_own_participant(principal: CaseWorker, participant_id: uuid.UUID, session: SessionDep) -> Participant:
    # For reads a referral needs: the receiving organisation sees these too (access/visibility.py).
    return get_visible_participant(session, principal, participant_id, via_referral=True)


VisibleParticipant = Annotated[Participant, Depends(visible_participant)]
ReferralVisibleParticipant = Annotated[Participant, Depends(referred_or_own_participant)]
WritableParticipant = Annotated[Participant, Depends(visible_participant_for_update)]
