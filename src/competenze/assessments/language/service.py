"""Language assessment use-cases: record one (immutable), read the history, derive the profile."""

import uuid
from dataclasses import replace

from sqlmodel import Session, col

from competenze.assessments import records
from competenze.assessments.evidence import Method, live
from competenze.assessments.language import rules
from competenze.assessments.language.models import LanguageAssessment
from competenze.assessments.language.schemas import (
    CertificateOut,
    LanguageAssessmentCreate,
    LanguageAssessmentOut,
    LanguageProfile,
    LanguageStandingOut,
    MilestoneOut,
    SkillLevel,
)
from competenze.common.context import AccessContext
from competenze.frameworks.catalogue import cefr, milestones
from competenze.participants.models import Participant

SKILLS = cefr().skills


def out(row: LanguageAssessment) -> LanguageAssessmentOut:
    certificate = None
    if row.certificate_type:
        certificate = CertificateOut(
            type=row.certificate_type,
            exam=row.certificate_exam,
            level=row.certificate_level,
            date=row.certificate_date,
            issuer=row.certificate_issuer,
        )
    return LanguageAssessmentOut(
        **{
            name: getattr(row, name)
            for name in LanguageAssessmentOut.model_fields
            if name not in ("levels", "certificate")
        },
        levels={s: getattr(row, s) for s in SKILLS if getattr(row, s)},
        certificate=certificate,
    )


def create(
    session: Session,
    ctx: AccessContext,
    participant: Participant,
    data: LanguageAssessmentCreate,
    *,
    source_step_id: uuid.UUID | None = None,
) -> LanguageAssessmentOut:
    records.check_supersedes(session, participant, LanguageAssessment, data.supersedes_id, language=data.language)
    data = records.with_assessor(session, ctx, data)
    cert = data.certificate
    row = LanguageAssessment(
        **records.stamp(ctx, participant),
        source_step_id=source_step_id,
        **data.model_dump(
            include={
                "method",
                "instrument",
                "assessor_name",
                "assessed_on",
                "evidence_note",
                "supersedes_id",
                "language",
                "mother_tongue",
            }
        ),
        **{str(skill): str(level) for skill, level in data.levels.items()},
        certificate_type=cert.type if cert else None,
        certificate_exam=cert.exam if cert else None,
        certificate_level=cert.level if cert else None,
        certificate_date=cert.date if cert else None,
        certificate_issuer=cert.issuer if cert else None,
    )
    return out(records.add(session, ctx, participant, row))


def history(session: Session, ctx: AccessContext, participant: Participant) -> list[LanguageAssessmentOut]:
    rows = records.history(
        session,
        ctx,
        participant,
        LanguageAssessment,
        col(LanguageAssessment.language),
        col(LanguageAssessment.assessed_on).desc(),
        col(LanguageAssessment.recorded_at).desc(),
    )
    return [out(r) for r in rows]


def rule_input(rows: list[LanguageAssessment]) -> list[rules.LanguageRecord]:
    return [
        rules.LanguageRecord(
            id=r.id,
            language=r.language,
            mother_tongue=r.mother_tongue,
            levels={s: getattr(r, s) for s in SKILLS if getattr(r, s)},
            method=Method(r.method),
            assessed_on=r.assessed_on,
            recorded_at=r.recorded_at,
            certificate_type=r.certificate_type,
            certificate_level=r.certificate_level,
        )
        for r in live(rows)
    ]


def picture(
    rows: list[LanguageAssessment], participant: Participant
) -> tuple[list[rules.LanguageStanding], list[rules.MilestoneStatus]]:
    """Current standing per language (mother tongues first) and the Italian milestones: what
    the language profile shows and a dossier freezes."""
    evidence = rule_input(rows)
    standings = rules.standings(evidence)
    # Mother tongues declared on the profile count even before anyone records an assessment.
    for code in participant.mother_tongues:
        standing = standings.get(code, rules.LanguageStanding(code, True))
        standings[code] = replace(standing, mother_tongue=True)
    ordered = sorted(standings.values(), key=lambda s: (not s.mother_tongue, s.language))
    return ordered, rules.italian_milestones(evidence)


def source_of(row) -> str | None:
    """What a level comes from, in a reader's words: the exam, else the test, else who observed."""
    if row.certificate_type:
        return row.certificate_exam or row.certificate_type
    return row.instrument or row.assessor_name


def profile(session: Session, ctx: AccessContext, participant: Participant) -> LanguageProfile:
    rows = records.history(
        session, ctx, participant, LanguageAssessment, col(LanguageAssessment.recorded_at), action="profile"
    )
    standings, statuses = picture(rows, participant)
    sources = {r.id: source_of(r) for r in rows}

    def level(o) -> SkillLevel:
        return SkillLevel(
            level=o.value,
            assessment_id=o.assessment_id,
            method=o.method,
            assessed_on=o.assessed_on,
            source=sources.get(o.assessment_id),
        )

    languages = [
        LanguageStandingOut(
            language=s.language,
            mother_tongue=s.mother_tongue,
            skills={skill: level(o) for skill, o in s.skills.items()},
            latest={skill: level(o) for skill, o in s.latest.items()},
        )
        for s in standings
    ]
    labels = {m.code: m.label for m in milestones()}
    return LanguageProfile(
        languages=languages,
        italian_milestones=[
            MilestoneOut(
                code=m.code,
                label=labels[m.code],
                required_level=m.required_level,
                status=m.status,
                evidence=m.evidence,
                gap=m.gap,
            )
            for m in statuses
        ],
    )
