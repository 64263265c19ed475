"""DigComp 2.2 scoring: the self-assessment questionnaire, area levels, Europass grades. Pure.

Questionnaire: each competence has three tasks of rising difficulty (foundation, intermediate,
advanced tier) answered on a 0-3 scale (0 never done / can't, 1 with help, 2 on my own,
3 can help others). DigComp's levels grow with task complexity and autonomy, so each tier
and answer maps to a level, and the competence gets the highest level any of its tasks
shows. Helping others with a simple task does not show an intermediate level. Levels 7-8
(highly specialised) cannot come from a self-assessment: a counsellor or a test records them.
The mapping only ever rises with the answer, so a better answer never lowers a level.

Area level: the lower median of the area's assessed competence levels (half the
competences are at least there), with how many of the area's competences it rests on.
Europass grade per area: A (levels 1-2), B (3-4), C (5-8), none below level 1.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from dataclasses import dataclass

from competenze.frameworks.catalogue import digcomp, questionnaire

TIER_LEVELS = {
    "foundation": (0, 1, 2, 2),
    "intermediate": (0, 2, 3, 4),
    "advanced": (0, 3, 5, 6),
}
MAX_SELF_ASSESSED = 6


class IncompleteAnswers(ValueError):
    """A competence was answered in part; the message names it."""


def score(answers: dict[str, int]) -> dict[str, int]:
    """Level 0-6 per answered competence; a competence is answered in full or not at all."""
    items = {item.id: item for item in questionnaire().items}
    unknown = set(answers) - set(items)
    if unknown:
        raise IncompleteAnswers(f"unknown question id(s): {', '.join(sorted(unknown))}")
    levels: dict[str, int] = {}
    for competence in digcomp().competences:
        ids = [item.id for item in items.values() if item.competence == competence]
        answered = [i for i in ids if i in answers]
        if not answered:
            continue
        if len(answered) != len(ids):
            missing = ", ".join(sorted(set(ids) - set(answered)))
            raise IncompleteAnswers(f"answer every question of competence {competence} (missing {missing})")
        levels[competence] = max(TIER_LEVELS[items[i].tier][answers[i]] for i in ids)
    return levels


@dataclass(frozen=True)
class AreaResult:
    area: str
    level: int | None  # None when no competence of the area is assessed
    europass: str | None
    assessed: int
    total: int


def areas(levels: dict[str, int]) -> list[AreaResult]:
    framework = digcomp()
    result = []
    for area in framework.areas:
        codes = framework.area_competences(area)
        values = sorted(levels[c] for c in codes if c in levels)
        level = values[(len(values) - 1) // 2] if values else None
        result.append(AreaResult(area, level, framework.europass_of(level) if level else None, len(values), len(codes)))
    return result
