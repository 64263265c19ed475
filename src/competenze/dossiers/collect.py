"""Gather a participant's competence picture into a Snapshot, in the credential's vocabulary.

Reads the same records and applies the same pure rules as the API's profiles (current
language levels, milestones, DigComp areas), so a dossier says what the service shows. The
restricted table (fine permit type, support needs) is never read here.
"""

from sqlmodel import Session, col, select

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
from competenze.frameworks.catalogue import digcomp
from competenze.frameworks.esco import service as esco
from competenze.participants.models import Participant
from competenze.plans.models import PlanStep, TransitionPlan

LABEL_LANGS = ("it", "en")


def _rows(session: Session, model, participant_id, *order):
    return list(session.exec(select(model).where(col(model.participant_id) == participant_id).order_by(*order)).all())


def person(p: Participant) -> dict:
    return {"givenName": p.given_names, "familyName": p.family_name, "birthDate": p.birth_date.isoformat(),
            "gender": p.sex, "countryOfBirth": p.country_of_birth, "citizenships": list(p.citizenships),
            "residenceMunicipality": p.residence_municipality, "motherTongues": list(p.mother_tongues),
            "preferredLanguage": p.preferred_language, "email": p.email, "phone": p.phone,
            "permit": ({"category": p.permit_category,
                        "validUntil": p.permit_expiry.isoformat() if p.permit_expiry else None}
                       if p.permit_category else None)}


def languages(session: Session, p: Participant) -> tuple[list[dict], list[dict]]:
    rows = live(_rows(session, LanguageAssessment, p.id, col(LanguageAssessment.recorded_at)))
    standings, statuses = language.picture(rows, p)
    out = []
    for standing in standings:
        certificates = [{"type": r.certificate_type, "exam": r.certificate_exam, "level": r.certificate_level,
                         "date": r.certificate_date.isoformat(), "issuer": r.certificate_issuer}
                        for r in rows if r.language == standing.language and r.certificate_type]
        out.append({"language": standing.language, "motherTongue": standing.mother_tongue,
                    "levels": {skill: {"level": o.value, "method": str(o.method), "assessedOn": o.assessed_on.isoformat()}
                               for skill, o in standing.skills.items()},
                    "certificates": certificates})
    return out, [{"code": m.code, "requiredLevel": m.required_level, "status": m.status} for m in statuses]


def digital(session: Session, p: Participant) -> dict:
    framework = digcomp()
    chosen = current_levels(_rows(session, DigitalAssessment, p.id, col(DigitalAssessment.recorded_at)))
    if not chosen:
        return {}
    return {"framework": f"DigComp {framework.version}",
            "competences": [{"code": c, "level": o.value, "method": str(o.method)} for c, o in chosen.items()],
            "areas": [{"area": a.area, "level": a.level, "europass": a.europass, "assessed": a.assessed, "total": a.total}
                      for a in scoring.areas({c: o.value for c, o in chosen.items()})]}


def education(session: Session, p: Participant) -> list[dict]:
    return [{"title": e.title, "isced": e.isced_level, "eqf": e.eqf_level, "fieldOfStudy": e.field_of_study,
             "institution": e.institution, "country": e.country, "startYear": e.start_year, "endYear": e.end_year,
             "completed": e.completed, "documents": e.documents, "recognition": e.recognition_status}
            for e in _rows(session, Education, p.id, col(Education.isced_level).desc(), col(Education.end_year).desc())]


def work(session: Session, p: Participant) -> list[dict]:
    rows = _rows(session, WorkExperience, p.id, col(WorkExperience.started_on).desc())
    labels = esco.preferred_labels(session, [r.occupation_uri for r in rows if r.occupation_uri], LABEL_LANGS)
    return [{"occupation": {"uri": r.occupation_uri, "label": labels.get(r.occupation_uri, {})} if r.occupation_uri else None,
             "title": r.title, "employer": r.employer, "country": r.country, "from": r.started_on.isoformat(),
             "to": r.ended_on.isoformat() if r.ended_on else None, "sector": r.sector, "arrangement": r.arrangement,
             "description": r.description} for r in rows]


def skills(session: Session, p: Participant) -> list[dict]:
    strongest = strongest_evidence((c.skill_uri, Method(c.method))
                                   for c in live(_rows(session, SkillClaim, p.id, col(SkillClaim.recorded_at))))
    labels = esco.preferred_labels(session, strongest, LABEL_LANGS)
    return [{"uri": uri, "label": labels.get(uri, {}), "method": str(method)}
            for uri, method in sorted(strongest.items(), key=lambda kv: labels.get(kv[0], {}).get("en", kv[0]))]


def driving_licences(session: Session, p: Participant) -> list[dict]:
    sheet = session.get(ParticipantSheet, (p.id, "driving_licences"))
    if sheet is None:
        return []
    return [{"category": item["category"], "country": item["country"], "validUntil": item.get("valid_until"),
             "statusInItaly": item.get("status_in_italy")} for item in sheet.data.get("licences", [])]


def plan(session: Session, p: Participant) -> dict | None:
    row = session.exec(select(TransitionPlan).where(col(TransitionPlan.participant_id) == p.id)
                       .order_by(col(TransitionPlan.created_at).desc())).first()
    if row is None:
        return None
    steps = session.exec(select(PlanStep).where(col(PlanStep.plan_id) == row.id)
                         .order_by(col(PlanStep.due_date), col(PlanStep.created_at))).all()
    labels = esco.preferred_labels(session, row.target_occupations, LABEL_LANGS)
    # A summary: what is planned and how far it is, not the counsellor's appraisal.
    return {"status": row.status, "agreedOn": row.agreed_on.isoformat() if row.agreed_on else None,
            "horizon": row.horizon.isoformat() if row.horizon else None,
            "targets": [{"uri": u, "label": labels.get(u, {})} for u in row.target_occupations],
            "steps": [{"kind": s.kind, "title": s.title, "status": s.status,
                       "dueDate": s.due_date.isoformat() if s.due_date else None} for s in steps]}


def snapshot(session: Session, p: Participant) -> Snapshot:
    langs, milestones = languages(session, p)
    return Snapshot(person=person(p), languages=langs, italian_milestones=milestones, digital=digital(session, p),
                    education=education(session, p), work_experience=work(session, p), skills=skills(session, p),
                    driving_licences=driving_licences(session, p), plan=plan(session, p))
