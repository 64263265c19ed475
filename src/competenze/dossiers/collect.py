"""Gather a participant's competence picture into a Snapshot, in the credential's vocabulary.

Reads the same records and applies the same pure rules as the API's profiles (current
language levels, milestones, DigComp areas), so a dossier says what the service shows. The
restricted table (fine permit type, support needs) is never read here.

Issuing is a hot path (>= 200 issuances/s, bench/dossiers.py), and building ORM queries and
ORM objects was most of its cost. So the records are read with statements built once and
run as hotpath.Prepared statements, selecting only the columns the dossier and the shared rules
read, as plain rows with attribute access (the rules take them as they take model
instances). The ESCO labels of occupations, skills and plan targets come in one lookup.
"""

from sqlalchemy import bindparam, select
from sqlmodel import Session

from competenze.assessments.digital import scoring
from competenze.assessments.digital.models import DigitalAssessment
from competenze.assessments.digital.service import current_levels
from competenze.assessments.evidence import Method, live
from competenze.assessments.experience.gap import strongest_evidence
from competenze.assessments.experience.models import (
    Education,
    ParticipantSheet,
    SkillClaim,
    WorkExperience,
)
from competenze.assessments.language import service as language
from competenze.assessments.language.models import LanguageAssessment
from competenze.dossiers.document import Snapshot
from competenze.frameworks.catalogue import cefr, digcomp
from competenze.frameworks.esco import service as esco
from competenze.hotpath import Prepared
from competenze.participants.models import Participant
from competenze.plans.models import PlanStep, TransitionPlan

LABEL_LANGS = ("it", "en")


def _records(model, columns: tuple[str, ...], order) -> Prepared:
    """A participant's rows of one table: the given columns, ordered by order(table columns)."""
    table = model.__table__
    return Prepared(
        select(*(table.c[name] for name in columns))
        .where(table.c.participant_id == bindparam("participant_id"))
        .order_by(*order(table.c))
    )


# Each column list is what the code below and the rule it calls read: language.picture
# (rule_input: CEFR skills, method, dates, certificate type and level) and live (id,
# supersedes_id); current_levels (levels, method, dates); strongest_evidence.
LANGUAGE_ROWS = _records(
    LanguageAssessment,
    (
        "id",
        "supersedes_id",
        "language",
        "mother_tongue",
        *cefr().skills,
        "method",
        "instrument",
        "assessor_name",
        "assessed_on",
        "recorded_at",
        "certificate_type",
        "certificate_exam",
        "certificate_level",
        "certificate_date",
        "certificate_issuer",
    ),
    lambda c: [c.recorded_at],
)
DIGITAL_ROWS = _records(
    DigitalAssessment,
    ("id", "supersedes_id", "levels", "method", "assessed_on", "recorded_at"),
    lambda c: [c.recorded_at],
)
EDUCATION_ROWS = _records(
    Education,
    (
        "title",
        "isced_level",
        "eqf_level",
        "field_of_study",
        "institution",
        "country",
        "start_year",
        "end_year",
        "completed",
        "documents",
        "recognition_status",
    ),
    lambda c: [c.isced_level.desc(), c.end_year.desc()],
)
WORK_ROWS = _records(
    WorkExperience,
    (
        "occupation_uri",
        "title",
        "employer",
        "country",
        "started_on",
        "ended_on",
        "sector",
        "arrangement",
        "description",
    ),
    lambda c: [c.started_on.desc()],
)
SKILL_ROWS = _records(SkillClaim, ("id", "supersedes_id", "skill_uri", "method"), lambda c: [c.recorded_at])
_SHEET = ParticipantSheet.__table__
DRIVING_LICENCES = Prepared(
    select(_SHEET.c.data).where(
        _SHEET.c.participant_id == bindparam("participant_id"), _SHEET.c.kind == "driving_licences"
    )
)
_PLAN, _STEP = TransitionPlan.__table__, PlanStep.__table__
LATEST_PLAN = Prepared(
    select(_PLAN.c.id, _PLAN.c.status, _PLAN.c.agreed_on, _PLAN.c.horizon, _PLAN.c.target_occupations)
    .where(_PLAN.c.participant_id == bindparam("participant_id"))
    .order_by(_PLAN.c.created_at.desc())
    .limit(1)
)
PLAN_STEPS = Prepared(
    select(_STEP.c.kind, _STEP.c.title, _STEP.c.status, _STEP.c.due_date, _STEP.c.completed_on)
    .where(_STEP.c.plan_id == bindparam("plan_id"))
    .order_by(_STEP.c.due_date, _STEP.c.created_at)
)


def person(p: Participant) -> dict:
    return {
        "givenName": p.given_names,
        "familyName": p.family_name,
        "birthDate": p.birth_date.isoformat(),
        "gender": p.sex,
        "countryOfBirth": p.country_of_birth,
        "citizenships": list(p.citizenships),
        "residenceMunicipality": p.residence_municipality,
        "motherTongues": list(p.mother_tongues),
        "preferredLanguage": p.preferred_language,
        "email": p.email,
        "phone": p.phone,
        "permit": (
            {"category": p.permit_category, "validUntil": p.permit_expiry.isoformat() if p.permit_expiry else None}
            if p.permit_category
            else None
        ),
    }


def languages(rows, p: Participant) -> tuple[list[dict], list[dict]]:
    rows = live(rows)
    standings, statuses = language.picture(rows, p)
    sources = {r.id: language.source_of(r) for r in rows}

    def level(o) -> dict:
        found = {"level": o.value, "method": str(o.method), "assessedOn": o.assessed_on.isoformat()}
        source = sources.get(o.assessment_id)
        return {**found, "source": source} if source else found

    out = []
    for standing in standings:
        certificates = [
            {
                "type": r.certificate_type,
                "exam": r.certificate_exam,
                "level": r.certificate_level,
                "date": r.certificate_date.isoformat(),
                "issuer": r.certificate_issuer,
            }
            for r in rows
            if r.language == standing.language and r.certificate_type
        ]
        # Per skill, the evidenced level and, where it differs, the latest one assessed.
        levels = {skill: level(o) for skill, o in standing.skills.items()}
        for skill, o in standing.latest.items():
            levels[skill]["latest"] = level(o)
        out.append(
            {
                "language": standing.language,
                "motherTongue": standing.mother_tongue,
                "levels": levels,
                "certificates": certificates,
            }
        )
    return out, [{"code": m.code, "requiredLevel": m.required_level, "status": m.status} for m in statuses]


def digital(rows) -> dict:
    framework = digcomp()
    chosen = current_levels(rows)
    if not chosen:
        return {}
    return {
        "framework": f"DigComp {framework.version}",
        "competences": [{"code": c, "level": o.value, "method": str(o.method)} for c, o in chosen.items()],
        "areas": [
            {"area": a.area, "level": a.level, "europass": a.europass, "assessed": a.assessed, "total": a.total}
            for a in scoring.areas({c: o.value for c, o in chosen.items()})
        ],
    }


def education(rows) -> list[dict]:
    return [
        {
            "title": e.title,
            "isced": e.isced_level,
            "eqf": e.eqf_level,
            "fieldOfStudy": e.field_of_study,
            "institution": e.institution,
            "country": e.country,
            "startYear": e.start_year,
            "endYear": e.end_year,
            "completed": e.completed,
            "documents": e.documents,
            "recognition": e.recognition_status,
        }
        for e in rows
    ]


def work(rows, labels: dict[str, dict[str, str]]) -> list[dict]:
    return [
        {
            "occupation": {"uri": r.occupation_uri, "label": labels.get(r.occupation_uri, {})}
            if r.occupation_uri
            else None,
            "title": r.title,
            "employer": r.employer,
            "country": r.country,
            "from": r.started_on.isoformat(),
            "to": r.ended_on.isoformat() if r.ended_on else None,
            "sector": r.sector,
            "arrangement": r.arrangement,
            "description": r.description,
        }
        for r in rows
    ]


def skills(strongest: dict[str, Method], labels: dict[str, dict[str, str]]) -> list[dict]:
    return [
        {"uri": uri, "label": labels.get(uri, {}), "method": str(method)}
        for uri, method in sorted(strongest.items(), key=lambda kv: labels.get(kv[0], {}).get("en", kv[0]))
    ]


def driving_licences(data: dict | None) -> list[dict]:
    if data is None:
        return []
    return [
        {
            "category": item["category"],
            "country": item["country"],
            "validUntil": item.get("valid_until"),
            "statusInItaly": item.get("status_in_italy"),
        }
        for item in data.get("licences", [])
    ]


def plan(row, steps, labels: dict[str, dict[str, str]]) -> dict | None:
    if row is None:
        return None
    # A summary: what is planned and how far it is, not the counsellor's appraisal.
    return {
        "status": row.status,
        "agreedOn": row.agreed_on.isoformat() if row.agreed_on else None,
        "horizon": row.horizon.isoformat() if row.horizon else None,
        "targets": [{"uri": u, "label": labels.get(u, {})} for u in row.target_occupations],
        "steps": [
            {
                "kind": s.kind,
                "title": s.title,
                "status": s.status,
                "dueDate": s.due_date.isoformat() if s.due_date else None,
                "completedOn": s.completed_on.isoformat() if s.completed_on else None,
            }
            for s in steps
        ],
    }


def snapshot(session: Session, p: Participant) -> Snapshot:
    # These reads skip the ORM's autoflush: flush as an ORM query would, so the snapshot sees
    # what this transaction wrote.
    if session.autoflush:
        session.flush()
    connection, pid = session.connection(), p.id
    work_rows = WORK_ROWS.rows(connection, participant_id=pid)
    strongest = strongest_evidence(
        (c.skill_uri, Method(c.method)) for c in live(SKILL_ROWS.rows(connection, participant_id=pid))
    )
    plan_row = next(iter(LATEST_PLAN.rows(connection, participant_id=pid)), None)
    steps = PLAN_STEPS.rows(connection, plan_id=plan_row.id) if plan_row is not None else []
    labels = esco.preferred_labels(
        session,
        [
            *(r.occupation_uri for r in work_rows if r.occupation_uri),
            *strongest,
            *(plan_row.target_occupations if plan_row is not None else ()),
        ],
        LABEL_LANGS,
    )
    langs, milestones = languages(LANGUAGE_ROWS.rows(connection, participant_id=pid), p)
    sheet = next(iter(DRIVING_LICENCES.rows(connection, participant_id=pid)), None)
    return Snapshot(
        person=person(p),
        languages=langs,
        italian_milestones=milestones,
        digital=digital(DIGITAL_ROWS.rows(connection, participant_id=pid)),
        education=education(EDUCATION_ROWS.rows(connection, participant_id=pid)),
        work_experience=work(work_rows, labels),
        skills=skills(strongest, labels),
        driving_licences=driving_licences(sheet.data if sheet is not None else None),
        plan=plan(plan_row, steps, labels),
    )
