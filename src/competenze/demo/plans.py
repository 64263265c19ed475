"""Demo transition plans: every plan state and every referral state, across organisations.

Dates are relative to the day of seeding, so the demo always has something due soon,
something overdue and something completed.
"""

from datetime import timedelta

from sqlmodel import Session, col, select

from competenze.auth.principals import Principal
from competenze.common.context import AccessContext
from competenze.common.time import today
from competenze.frameworks.esco.models import EscoLabel
from competenze.organisations.models import Organisation, User
from competenze.participants import consents
from competenze.participants.models import Participant
from competenze.participants.schemas import ConsentCreate
from competenze.plans import referrals, service, transitions
from competenze.plans.models import Referral, TransitionPlan
from competenze.plans.schemas import (
    PlanCreate,
    PlanTransition,
    ReferralCreate,
    ReferralTransition,
    StepCreate,
    StepTransition,
)

# participant key -> (plan state, target occupations by ESCO English label, steps).
# A step: (kind, title, days until due, extra fields, referral: (organisation key, final state) or None,
#          step action at the end or None).
SCENARIOS = {
    "amina-el-idrissi": (
        "active",
        ["cook"],
        [
            (
                "italian_course",
                "Corso di italiano B1",
                120,
                {"target_level": "B1", "provider": "Ente di Formazione Mestieri Futuri"},
                ("training", "accepted"),
                "start",
            ),
            (
                "vocational_training",
                "Corso HACCP e sicurezza alimentare",
                200,
                {"qualification": "Addetto alla manipolazione degli alimenti"},
                None,
                None,
            ),
            ("job_search_support", "Iscrizione e colloquio al Centro per l'Impiego", 30, {}, ("cpi", "pending"), None),
        ],
    ),
    "oleksandr-kovalenko": (
        "completed",
        ["building electrician"],
        [
            ("italian_course", "Corso di italiano A2", -200, {"target_level": "A2"}, ("training", "completed"), None),
            ("civic_orientation", "Orientamento ai servizi del territorio", -150, {}, None, "complete"),
        ],
    ),
    "rafiqul-islam": (
        "agreed",
        ["kitchen assistant"],
        [("internship", "Tirocinio in cucina", 90, {}, ("third_sector", "declined"), None)],
    ),
    "abena-owusu": (
        "discontinued",
        ["home care aide"],
        [("vocational_training", "Corso per assistente familiare", 60, {}, ("training", "withdrawn"), None)],
    ),
    "tharindu-perera": (
        "draft",
        ["warehouse worker"],
        [("driving_licence", "Conversione della patente", 180, {}, None, None)],
    ),
    "mahmoud-abdelrahman": (
        "active",
        ["forklift operator"],
        [
            ("job_search_support", "Laboratorio di ricerca attiva del lavoro", 45, {}, ("cpi", "ended"), None),
            ("digital_skills_course", "Corso Pane e Internet", -10, {}, None, None),
        ],
    ),
    "ilir-hoxha": (
        "active",
        ["bricklayer"],
        [
            (
                "competence_certification",
                "Certificazione delle competenze di muratore",
                -20,
                {"qualification": "Operatore edile"},
                None,
                "start",
            )
        ],
    ),
    "chen-xiaomei": (
        "active",
        ["shop assistant"],
        [
            (
                "digital_skills_course",
                "Corso di competenze digitali di base",
                75,
                {"provider": "Ente di Formazione Mestieri Futuri"},
                ("training", "accepted"),
                None,
            )
        ],
    ),
}


def _occupations(session: Session, labels: list[str]) -> list[str]:
    rows = session.exec(
        select(EscoLabel.concept_uri).where(
            col(EscoLabel.lang) == "en", col(EscoLabel.kind) == "preferred", col(EscoLabel.label).in_(labels)
        )
    ).all()
    return list(rows)


def _ctx(user: User) -> AccessContext:
    return AccessContext(
        actor_type="user",
        actor_id=str(user.id),
        organisation_id=user.organisation_id,
        purpose="demo_seed",
        request_id="demo-seed-plans",
    )


def _principal(user: User) -> Principal:
    return Principal(kind="user", id=user.id, organisation_id=user.organisation_id, role=user.role)


def seed_plans(session: Session, seeded: dict[str, Participant], orgs: dict[str, Organisation], staff: dict) -> None:
    counsellors = {key: staff[("counsellor", key)] for key in orgs}
    by_org = {user.organisation_id: user for user in counsellors.values()}
    for key, (final, targets, steps) in SCENARIOS.items():
        participant = seeded.get(key)
        if (
            participant is None
            or session.exec(
                select(TransitionPlan.id).where(col(TransitionPlan.participant_id) == participant.id)
            ).first()
            is not None
        ):
            continue
        owner = by_org[participant.organisation_id]
        ctx = _ctx(owner)
        plan_out = service.create_plan(
            session,
            ctx,
            participant,
            PlanCreate(
                appraisal="Colloquio di orientamento svolto; competenze e obiettivi condivisi con la persona.",
                target_occupations=_occupations(session, targets),
                horizon=today() + timedelta(days=365),
                review_dates=[today() + timedelta(days=90), today() + timedelta(days=180)],
            ),
        )
        plan = session.get(TransitionPlan, plan_out.id)
        created = []
        for kind, title, due, extra, referral, _ in steps:
            out = service.add_step(
                session,
                ctx,
                participant,
                plan,
                StepCreate(kind=kind, title=title, due_date=today() + timedelta(days=due), **extra),
            )
            created.append(next(s.id for s in out.steps if s.title == title))
            if referral is not None:
                recipient = orgs[referral[0]]
                consents.give(
                    session,
                    ctx,
                    participant,
                    ConsentCreate(purpose="referral", recipient_organisation_id=recipient.id, method="paper"),
                    owner.id,
                )
        if final != "draft":
            transitions.move_plan(
                session,
                ctx,
                plan,
                PlanTransition(action="agree", agreed_on=today() - timedelta(days=7), method="in_person"),
            )
        if final in ("active", "completed"):
            transitions.move_plan(session, ctx, plan, PlanTransition(action="activate"))
        for step_id, (_kind, _title, _due, _extra, referral, action) in zip(created, steps, strict=True):
            step = service.get_step(session, plan, step_id)
            if referral is not None:
                _refer(session, ctx, participant, plan, step, orgs[referral[0]], referral[1], by_org)
            if action is not None and step.status not in ("done", "dropped"):
                transitions.move_step(
                    session,
                    ctx,
                    participant,
                    plan,
                    step,
                    StepTransition(action=action, outcome="Svolto come previsto" if action == "complete" else None),
                )
        if final == "completed":
            transitions.move_plan(
                session, ctx, plan, PlanTransition(action="complete", note="Obiettivi del piano raggiunti.")
            )
        if final == "discontinued":
            transitions.move_plan(
                session,
                ctx,
                plan,
                PlanTransition(action="discontinue", note="La persona si è trasferita in un'altra regione."),
            )


def _refer(session, ctx, participant, plan, step, recipient, final, by_org) -> None:
    out = referrals.refer(
        session,
        ctx,
        participant,
        plan,
        step,
        ReferralCreate(to_organisation_id=recipient.id, note="Invio concordato con la persona durante il colloquio."),
    )
    referral = session.get(Referral, out.id)
    receiver = by_org[recipient.id]
    if final == "pending":
        return
    if final == "withdrawn":
        transitions.move_referral(
            session,
            ctx,
            _principal(by_org[plan.organisation_id]),
            referral,
            ReferralTransition(action="withdraw", note="La persona ha cambiato programma."),
        )
        return
    if final == "ended":
        # The seeder finds the referral consent it gave to this organisation.
        given = consents.list_consents(session, ctx, participant)
        recipient_of = {c.id: c.recipient_organisation_id for c in given if c.purpose == "referral" and c.active}
        consent_id = next(i for i, to in recipient_of.items() if to == recipient.id)
        transitions.withdraw_consent(session, ctx, participant, consent_id, by_org[plan.organisation_id].id)
        return
    if final == "declined":
        transitions.move_referral(
            session,
            _ctx(receiver),
            _principal(receiver),
            referral,
            ReferralTransition(action="decline", note="Nessun posto disponibile fino a primavera."),
        )
        return
    transitions.move_referral(
        session, _ctx(receiver), _principal(receiver), referral, ReferralTransition(action="accept")
    )
    if final == "completed":
        transitions.move_referral(
            session,
            _ctx(receiver),
            _principal(receiver),
            referral,
            ReferralTransition(
                action="complete",
                note="Corso frequentato con regolarità.",
                completed_on=today() - timedelta(days=30),
                result={
                    "language": {
                        "levels": {
                            "listening": "A2",
                            "reading": "A2",
                            "spoken_interaction": "A2",
                            "spoken_production": "A2",
                            "writing": "A1",
                        }
                    }
                },
            ),
        )
