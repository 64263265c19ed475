"""Current language levels and the Italian L2 milestones, derived by a pure, documented rule.

Current level, per language and CEFR skill: assessments.evidence.current (strongest
evidence, then newest) over the assessments that give a level for that skill and were not
corrected by a later one: what counts as *evidenced*. Beside it, the *latest assessed* level
(the newest assessment of the skill, whatever its evidence) wherever its level differs, so
that progress (a counsellor's B1 observation this year after an A2 certificate years ago)
shows instead of hiding behind the older, stronger document. A language is a mother tongue
when any live assessment says so.

Milestones (Italian only; levels from frameworks/data/italian_certificates.json):
- reached: every one of the five Europass grid skills is currently at the milestone's level
  or above, whatever the evidence;
- formally evidenced: a live certificate at that level or above exists — for citizenship a
  certificate of a CLIQ body (art. 9.1 L. 91/1992 asks for one), for the others any
  certificate (a CPIA attestation, the Prefecture's test) — because only documents count
  with the administration;
- otherwise the gap: each grid skill below the level, with its current level.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from dataclasses import dataclass, field
from datetime import date, datetime

from competenze.assessments.evidence import Method, Observation, current
from competenze.frameworks.catalogue import cefr, italian_certificates, milestones


@dataclass(frozen=True)
class LanguageRecord:
    """What the rule needs of one live language assessment."""

    id: object
    language: str
    mother_tongue: bool
    levels: dict[str, str]  # skill -> CEFR level
    method: Method
    assessed_on: date
    recorded_at: datetime
    certificate_type: str | None = None
    certificate_level: str | None = None


@dataclass(frozen=True)
class LanguageStanding:
    language: str
    mother_tongue: bool
    skills: dict[str, Observation[str]] = field(default_factory=dict)  # evidenced
    latest: dict[str, Observation[str]] = field(default_factory=dict)  # only where its level differs


def standings(records: list[LanguageRecord]) -> dict[str, LanguageStanding]:
    by_language: dict[str, list[LanguageRecord]] = {}
    for record in records:
        by_language.setdefault(record.language, []).append(record)
    result = {}
    for language, items in sorted(by_language.items()):
        skills, latest = {}, {}
        for skill in cefr().skills:
            observed = [
                Observation(r.id, r.levels[skill], r.method, r.assessed_on, r.recorded_at)
                for r in items
                if skill in r.levels
            ]
            chosen = current(observed)
            if chosen is None:
                continue
            skills[skill] = chosen
            newest = max(observed, key=lambda o: (o.assessed_on, o.recorded_at))
            if newest.value != chosen.value:
                latest[skill] = newest
        result[language] = LanguageStanding(language, any(r.mother_tongue for r in items), skills, latest)
    return result


@dataclass(frozen=True)
class MilestoneStatus:
    code: str
    required_level: str
    status: str  # formally_evidenced | reached | not_reached
    evidence: list[object]  # ids of the assessments the status rests on
    gap: dict[str, str | None]  # skill -> current level (None: never assessed)


def italian_milestones(records: list[LanguageRecord]) -> list[MilestoneStatus]:
    scale = cefr()
    italian = [r for r in records if r.language == "it"]
    standing = standings(italian).get("it", LanguageStanding("it", False))
    recognised = {code for code, cert in italian_certificates().items() if cert.recognised}
    result = []
    for milestone in milestones():
        needed = scale.rank(milestone.level)
        certificates = [
            r
            for r in italian
            if r.certificate_level is not None
            and scale.rank(r.certificate_level) >= needed
            and (milestone.code != "citizenship" or r.certificate_type in recognised)
        ]
        if certificates:
            best = max(certificates, key=lambda r: (scale.rank(r.certificate_level), r.assessed_on))
            result.append(MilestoneStatus(milestone.code, milestone.level, "formally_evidenced", [best.id], {}))
            continue
        gap = {
            skill: (standing.skills[skill].value if skill in standing.skills else None)
            for skill in scale.europass_skills
            if skill not in standing.skills or scale.rank(standing.skills[skill].value) < needed
        }
        if standing.mother_tongue:
            gap = {}
        evidence = sorted(
            {str(standing.skills[s].assessment_id) for s in scale.europass_skills if s in standing.skills}
        )
        result.append(
            MilestoneStatus(
                milestone.code,
                milestone.level,
                "reached" if not gap else "not_reached",
                evidence if not gap else [],
                gap,
            )
        )
    return result
