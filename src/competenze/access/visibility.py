"""The one visibility chokepoint (DESIGN.md §3.5): which participants, referrals and dossiers
may a principal see or change?

Everything that loads a participant by id goes through get_visible_participant (or
writable_participant), and every list filters with visible_filter. Invisible and missing look
the same (404, same body), so ids of other organisations' participants cannot be probed.

Counsellors see their own organisation's participants. A referral widens this for the
receiving organisation, for the routes that serve the referred work (profile, languages,
digital skills, education, experience, skills), while the referral is accepted and the
participant's consent for referrals to that organisation stands. Referrals are seen by their
two organisations; dossiers by the owner and by those a participant's consent shares them with.

Nothing outside this module filters on a participant's organisation, a consent's recipient or
a referral's organisations (tests/test_access_layer.py).
"""

import uuid
from dataclasses import replace
from typing import Literal

from sqlalchemy import ColumnElement, bindparam, exists, or_
from sqlmodel import Session, col, select

from competenze.auth.dependencies import ensure_role
from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.dossiers.models import Dossier, DossierState
from competenze.errors import Forbidden, NotFound
from competenze.hotpath import AnyConnection, Prepared
from competenze.organisations.models import Organisation
from competenze.participants.models import Consent, Participant
from competenze.plans.models import Referral

# Roles that work with individual participants. Analysts see aggregates only; platform
# admins run the service and have no reason to read case files.
CASE_ROLES = frozenset({"counsellor", "org_admin"})
NOT_FOUND = "No participant with this id is visible to you."


def of_organisation(organisation_id: uuid.UUID) -> ColumnElement[bool]:
    """Participants that an organisation follows (owns), as a condition."""
    return col(Participant.organisation_id) == organisation_id


def owns(organisation_id: uuid.UUID | None, participant: Participant) -> bool:
    """Does this organisation follow the participant?"""
    return participant.organisation_id == organisation_id


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
    own = of_organisation(principal.organisation_id)
    if not via_referral:
        return own
    referred = referred_to(principal.organisation_id)
    if one:
        return or_(own, referred.where(col(Referral.participant_id) == col(Participant.id)).exists())
    return or_(own, col(Participant.id).in_(referred))


def referred_to(organisation_id: uuid.UUID):
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


def has_active_consent(session: Session, participant_id: uuid.UUID, recipient_id: uuid.UUID, purpose: str) -> bool:
    """Does the participant's consent for this recipient and purpose stand?"""
    query = select(Consent.id).where(
        col(Consent.participant_id) == participant_id,
        col(Consent.recipient_organisation_id) == recipient_id,
        col(Consent.purpose) == purpose,
        col(Consent.withdrawn_at).is_(None),
    )
    return session.exec(query.limit(1)).first() is not None


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


def writable_participant(session: Session, principal: Principal, participant_id: uuid.UUID) -> Participant:
    """A participant a case worker of the owning organisation changes, locked for the write
    (a row lock on PostgreSQL: writes about one participant queue up instead of interleaving)."""
    ensure_role(principal, CASE_ROLES)
    return get_visible_participant(session, principal, participant_id, for_update=True)


Direction = Literal["incoming", "outgoing"]


def visible_referral(session: Session, principal: Principal, referral_id: uuid.UUID) -> Referral:
    """Referrals are seen by the sending and the receiving organisation's case workers only."""
    if principal.kind != "user" or principal.role not in CASE_ROLES:
        raise Forbidden("Your role does not work with referrals.")
    referral = session.get(Referral, referral_id)
    if referral is None or not (sends(principal, referral) or receives(principal, referral)):
        raise NotFound("No referral with this id is visible to you.")
    return referral


def referrals_filter(principal: Principal, direction: Direction) -> ColumnElement[bool]:
    """The referrals an organisation received (incoming) or made (outgoing)."""
    side = Referral.to_organisation_id if direction == "incoming" else Referral.from_organisation_id
    return col(side) == principal.organisation_id


def sends(principal: Principal, referral: Referral) -> bool:
    return principal.organisation_id == referral.from_organisation_id


def receives(principal: Principal, referral: Referral) -> bool:
    return principal.organisation_id == referral.to_organisation_id


def resting_on_consent(participant_id: uuid.UUID, organisation_id: uuid.UUID) -> ColumnElement[bool]:
    """The referrals whose access rests on the participant's referral consent for this
    organisation: they end when it is withdrawn."""
    return (col(Referral.participant_id) == participant_id) & (col(Referral.to_organisation_id) == organisation_id)


# An organisation's kind is fixed when it is created (no route changes it), so each process
# looks it up once instead of on every pull.
_KINDS: dict[uuid.UUID, str] = {}
_KIND = Prepared(select(Organisation.__table__.c.kind).where(Organisation.__table__.c.id == bindparam("id")))


def recipient_kind(connection: AnyConnection, principal: Principal) -> str:
    """The kind of the principal's organisation: an employment centre (cpi) is shared the cpi
    profile of a dossier, anyone else the public one."""
    kind = _KINDS.get(principal.organisation_id)
    if kind is None:
        found = _KIND.first(connection, id=principal.organisation_id)
        if found is None:
            raise NotFound("Your organisation is not part of the network.")
        kind = _KINDS[principal.organisation_id] = found[0]
    return kind


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
    return or_(of_organisation(principal.organisation_id), shared)


def reading(ctx: AccessContext, participant: Participant) -> AccessContext:
    """The audit context of a read: on a referred participant, the purpose is the referral."""
    if owns(ctx.organisation_id, participant):
        return ctx
    return replace(ctx, purpose="referral")


def can_read_restricted(principal: Principal, participant: Participant) -> bool:
    """Fine permit type and support needs: the owning organisation's counsellors only."""
    return principal.kind == "user" and principal.role == "counsellor" and owns(principal.organisation_id, participant)


def visible_dossier(
    session: Session, principal: Principal, dossier_id: uuid.UUID
) -> tuple[Dossier, DossierState, bool]:
    """(dossier, state, the caller's organisation follows its participant) — or 404, the same
    as missing."""
    row = session.exec(
        select(Dossier, DossierState, Participant.organisation_id)
        .join(DossierState, col(DossierState.dossier_id) == col(Dossier.id))
        .join(Participant, col(Participant.id) == col(Dossier.participant_id))
        .where(
            col(Dossier.id) == dossier_id,
            dossier_filter(principal, recipient_kind(session.connection(), principal)),
        )
    ).first()
    if row is None:
        raise NotFound("No dossier with this id is visible to you.")
    return row[0], row[1], row[2] == principal.organisation_id
