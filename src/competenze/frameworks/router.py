"""Read-only reference data for staff: the frameworks and the ESCO catalogue search.

The data and its loaders (catalogue.py, esco/) stay free of web code; this file only
exposes them."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from competenze.auth.dependencies import require_roles
from competenze.auth.principals import Principal
from competenze.common.codes import LanguageCode
from competenze.common.routing import ApiRoute
from competenze.db import SessionDep
from competenze.errors import problem_responses
from competenze.frameworks import catalogue as fw
from competenze.frameworks.esco import service as esco
from competenze.frameworks.schemas import (
    CefrOut,
    CefrSkillOut,
    DigCompAreaOut,
    DigCompCompetenceOut,
    DigCompLevelOut,
    DigCompOut,
    EscoConceptOut,
    EscoHitOut,
    EscoSearchOut,
    EscoSkillRef,
    LanguageCertificatesOut,
    LevelOut,
    QualificationsOut,
    QuestionnaireOut,
    QuestionOut,
)

router = APIRouter(
    route_class=ApiRoute,
    prefix="/api/v1",
    tags=["frameworks"],
    responses=problem_responses(400, 401, 403, 404, 405, 422, 503),
)
Staff = Annotated[Principal, Depends(require_roles("counsellor", "org_admin", "region_analyst", "admin"))]
# Reference data changes only with a release; let the browser keep it for an hour.
CACHEABLE = {"Cache-Control": "private, max-age=3600"}


@router.get("/frameworks/cefr", response_model=CefrOut, operation_id="frameworks_cefr")
def cefr(_: Staff, response: Response):
    """CEFR levels, skills and a can-do descriptor per level and skill (Italian and English)."""
    response.headers.update(CACHEABLE)
    data = fw.cefr()
    return CefrOut(
        version=data.version,
        levels=list(data.levels),
        level_labels=data.level_labels,
        skills=[
            CefrSkillOut(code=s, label=data.skill_labels[s], europass=s in data.europass_skills) for s in data.skills
        ],
        descriptors=data.descriptors,
    )


@router.get("/frameworks/digcomp", response_model=DigCompOut, operation_id="frameworks_digcomp")
def digcomp(_: Staff, response: Response):
    """DigComp 2.2: 5 areas, 21 competences, 8 levels in 4 bands, and the Europass A/B/C mapping."""
    response.headers.update(CACHEABLE)
    data = fw.digcomp()
    areas = [
        DigCompAreaOut(
            code=a,
            title=title,
            competences=[
                DigCompCompetenceOut(code=c, title=data.competences[c].title, summary=data.competences[c].summary)
                for c in data.area_competences(a)
            ],
        )
        for a, title in data.areas.items()
    ]
    levels = [
        DigCompLevelOut(
            level=lv, band=data.band_of(lv), label=data.level_labels[lv], description=data.level_descriptions[lv]
        )
        for lv in data.levels
    ]
    return DigCompOut(
        version=data.version,
        areas=areas,
        levels=levels,
        europass={grade: list(lv) for grade, lv in data.europass.items()},
    )


@router.get(
    "/frameworks/digcomp/questionnaire",
    response_model=QuestionnaireOut,
    operation_id="frameworks_digcomp_questionnaire",
)
def digcomp_questionnaire(_: Staff, response: Response):
    """The digital self-assessment questionnaire: three everyday tasks per competence, answered 0-3."""
    response.headers.update(CACHEABLE)
    data = fw.questionnaire()
    return QuestionnaireOut(
        version=data.version,
        framework_version=fw.digcomp().version,
        scale=[{"value": v, "label": label} for v, label in data.scale.items()],
        questions=[QuestionOut(id=i.id, competence=i.competence, tier=i.tier, text=i.text) for i in data.items],
    )


@router.get("/frameworks/qualifications", response_model=QualificationsOut, operation_id="frameworks_qualifications")
def qualifications(_: Staff, response: Response):
    """EQF levels 1-8 (with Italian examples) and ISCED 2011 levels 0-8."""
    response.headers.update(CACHEABLE)
    return QualificationsOut(
        **{
            name: [LevelOut(level=lv, label=scale.labels[lv], note=scale.notes.get(lv)) for lv in sorted(scale.labels)]
            for name, scale in (("eqf", fw.eqf()), ("isced", fw.isced()))
        }
    )


@router.get(
    "/frameworks/language-certificates",
    response_model=LanguageCertificatesOut,
    operation_id="frameworks_language_certificates",
)
def language_certificates(_: Staff, response: Response):
    """Italian L2 certificates (CILS, CELI, PLIDA, CERT.IT) with their exams, and the legal milestones."""
    response.headers.update(CACHEABLE)
    return LanguageCertificatesOut(
        certificates=[
            {
                "code": c.code,
                "name": c.name,
                "issuer": c.issuer,
                "recognised": c.recognised,
                "exams": [{"name": n, "level": lv} for n, lv in c.exams],
            }
            for c in fw.italian_certificates().values()
        ],
        milestones=[m.__dict__ for m in fw.milestones()],
    )


@router.get("/esco/search", response_model=EscoSearchOut, operation_id="esco_search")
def esco_search(
    _: Staff,
    session: SessionDep,
    q: Annotated[str, Query(min_length=2, max_length=100, description="Words or word beginnings, any loaded language")],
    type_: Annotated[Literal["occupation", "skill"] | None, Query(alias="type")] = None,
    lang: Annotated[LanguageCode | None, Query(description="Match labels in this language only")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
):
    """Find ESCO occupations and skills by label: word and prefix match, accent- and case-insensitive."""
    hits = esco.search(session, q, kind=type_, lang=lang, limit=limit)
    return EscoSearchOut(items=[EscoHitOut(**hit.__dict__) for hit in hits])


@router.get("/esco/concept", response_model=EscoConceptOut, operation_id="esco_concept")
def esco_concept(
    _: Staff, session: SessionDep, uri: Annotated[str, Query(max_length=200, description="ESCO concept URI")]
):
    """One ESCO occupation or skill: labels, description and, for occupations, essential and optional skills."""
    detail = esco.concept(session, uri)
    labels = esco.preferred_labels(session, detail.essential_skills + detail.optional_skills)
    return EscoConceptOut(
        **{
            **detail.__dict__,
            "essential_skills": [EscoSkillRef(uri=u, preferred=labels.get(u, {})) for u in detail.essential_skills],
            "optional_skills": [EscoSkillRef(uri=u, preferred=labels.get(u, {})) for u in detail.optional_skills],
        }
    )
