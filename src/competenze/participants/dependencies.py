"""Route dependencies for everything addressed by /participants/{participant_id}/...

Loading goes through the visibility chokepoint, so a sub-resource route cannot forget it.
(Everything under a participant is personal data: no-store, as every response is by default,
web/middleware.py.)
"""

import uuid
from typing import Annotated

from fastapi import Depends

from competenze.auth.dependencies import require_roles
from competenze.auth.principals import Principal
from competenze.db import SessionDep
from competenze.participants.models import Participant
from competenze.participants.visibility import get_visible_participant

CaseWorker = Annotated[Principal, Depends(require_roles("counsellor", "org_admin"))]


def visible_participant(principal: CaseWorker, participant_id: uuid.UUID, session: SessionDep) -> Participant:
    return get_visible_participant(session, principal, participant_id)


def visible_participant_for_update(
    principal: CaseWorker, participant_id: uuid.UUID, session: SessionDep
) -> Participant:
    # Row lock on PostgreSQL: writes about one participant queue up instead of interleaving.
    return get_visible_participant(session, principal, participant_id, for_update=True)


def referred_or_own_participant(principal: CaseWorker, participant_id: uuid.UUID, session: SessionDep) -> Participant:
    # For reads a referral needs: the receiving organisation sees these too (visibility.py).
    return get_visible_participant(session, principal, participant_id, via_referral=True)


VisibleParticipant = Annotated[Participant, Depends(visible_participant)]
ReferralVisibleParticipant = Annotated[Participant, Depends(referred_or_own_participant)]
WritableParticipant = Annotated[Participant, Depends(visible_participant_for_update)]
