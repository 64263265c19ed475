"""The one visibility chokepoint (DESIGN.md §3.5): which participants may a principal see?

Everything that loads a participant by id goes through get_visible_participant, and every
list filters with visible_filter. Invisible and missing look the same (404, same body),
so ids of other organisations' participants cannot be probed.

Counsellors see their own organisation's participants. A referral widens this for the
receiving organisation, for the routes that serve the referred work (profile, languages,
digital skills, education, experience, skills), while the referral is accepted and the
participant's consent for referrals to that organisation stands.
"""

import uuid
from dataclasses import replace

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import Session, col, select

from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.errors import Forbidden, NotFound
from competenze.participants.models import Consent, Participant

# Roles that work with individual participants. Analysts see aggregates only; platform
# admins run the service and have no reason to read case files.
CASE_ROLES = frozenset({"counsellor", "org_admin"})
NOT_FOUND = "No participant with this id is visible to you."


def visible_filter(principal: Principal, *, via_referral: bool = False, one: bool = False) -> ColumnElement[bool]:
    """Participants of the principal's organisation; with via_referral, also those referred
    to it (an accepted referral, and the participant's referral consent still active).

    `one`: the query looks up one participant. The referral is then asked of that
    participant (one probe of ix_referral_participant_recipient) rather than as "id in (every
    participant referred to us)", which SQLite builds in full for every statement: 5 ms per
    request with 5,000 referrals to the organisation. A list keeps that form, reading the
    organisation's own participants and its referrals by index."""
    if principal.kind != "user" or principal.role not in CASE_ROLES:
        raise Forbidden("Your role does not give access to individual participants.")
    own = col(Participant.organisation_id) == principal.organisation_id
    if not via_referral:
        return own
    referred = referred_to(principal.organisation_id)
    if one:
        from competenze.plans.models import Referral  # plans build on participants

        return or_(own, referred.where(col(Referral.participant_id) == col(Participant.id)).exists())
    return or_(own, col(Participant.id).in_(referred))


def referred_to(organisation_id: uuid.UUID):
    from competenze.plans.models import (
        Referral,  # plans build on participants, not the reverse
    )

    consent = select(Consent.id).where(
        col(Consent.participant_id) == col(Referral.participant_id),
        col(Consent.recipient_organisation_id) == organisation_id,
        col(Consent.purpose) == "referral",
        col(Consent.withdrawn_at).is_(None),
    )
    return select(Referral.participant_id).where(
        col(Referral.to_organisation_id) == organisation_id, col(Referral.status) == "accepted", exists(consent)
    )


def visible_participant_query(principal: Principal, participant_id: uuid.UUID, *, via_referral: bool = False):
    condition = visible_filter(principal, via_referral=via_referral, one=True)
    return select(Participant).where(col(Participant.id) == participant_id, condition)


def get_visible_participant(
    session: Session,
    principal: Principal,
    participant_id: uuid.UUID,
    *,
    for_update: bool = False,
    via_referral: bool = False,
) -> Participant:
    query = visible_participant_query(principal, participant_id, via_referral=via_referral)
    if for_update:
        query = query.with_for_update()
    participant = session.exec(query).first()
    if participant is None:
        raise NotFound(NOT_FOUND)
    return participant


def dossier_filter(principal: Principal, recipient_kind: str) -> ColumnElement[bool]:
    """Which dossiers a principal may pull (the query joins DossierState and Participant on
    the dossier).

    A participant's consent with purpose `dossier_sharing` for an organisation shares their
    dossiers with its machine clients (scope dossiers:read) and counsellors: the `cpi` profile
    with an employment centre, the `public` profile with anyone else. The owning
    organisation's case workers see every version. Withdrawal hides them at once: the consent
    is read live in every query.

    Reads only the principal's kind, organisation, role and scopes, never who it is: the
    dossier service caches statements built from those (dossiers/service.py `_viewer`).
    """
    from competenze.dossiers.models import DossierState  # dossiers build on participants

    # On the state row's own copies of the dossier's participant and profile, and asked of
    # each row (one probe of ix_consent_participant_recipient) rather than as "participant in
    # (everyone who consented)". SQLite builds that whole list for every statement (one pull
    # cost ~12 ms with 20,000 consents to the organisation), and given conditions on the
    # state row alone it walks the list newest change first by index, reading only a page's
    # worth of rows (bench/dossiers.py --shared). PostgreSQL plans both forms alike.
    state = DossierState.__table__.c
    consented = exists().where(
        col(Consent.participant_id) == state.participant_id,
        col(Consent.recipient_organisation_id) == principal.organisation_id,
        col(Consent.purpose) == "dossier_sharing",
        col(Consent.withdrawn_at).is_(None),
    )
    shared = consented & (state.profile == ("cpi" if recipient_kind == "cpi" else "public"))
    if principal.kind == "client":
        if "dossiers:read" not in principal.scopes:
            raise Forbidden("This client's token lacks the 'dossiers:read' scope.")
        return shared
    if principal.role not in CASE_ROLES:
        raise Forbidden("Your role does not give access to individual participants' dossiers.")
    return or_(col(Participant.organisation_id) == principal.organisation_id, shared)


def reading(ctx: AccessContext, participant: Participant) -> AccessContext:
    """The audit context of a read: on a referred participant, the purpose is the referral."""
    if participant.organisation_id == ctx.organisation_id:
        return ctx
    return replace(ctx, purpose="referral")


def can_read_restricted(principal: Principal, participant: Participant) -> bool:
    """Fine permit type and support needs: the owning organisation's counsellors only."""
    return (
        principal.kind == "user"
        and principal.role == "counsellor"
        and participant.organisation_id == principal.organisation_id
    )
