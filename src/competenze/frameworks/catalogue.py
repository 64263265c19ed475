"""The competence frameworks as versioned data shipped in the package (frameworks/data/*.json).

Logic elsewhere reads levels, skills and competences from here instead of spelling them
out, so a framework revision (DigComp 3.0, a new certificate) is a data change. Pure: no
web or database imports. Loaded once per process and validated on load, so a broken data
file stops the service at start-up rather than in the middle of an interview.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

Text = dict[str, str]  # {"it": ..., "en": ...}


def _load(name: str) -> dict[str, Any]:
    return json.loads(resources.files("competenze.frameworks").joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True)
class Cefr:
    version: str
    levels: tuple[str, ...]  # ordered, weakest first: Pre-A1 ... C2
    level_labels: dict[str, Text]
    skills: tuple[str, ...]  # the five Europass grid skills first, then the 2020 additions
    europass_skills: tuple[str, ...]
    skill_labels: dict[str, Text]
    descriptors: dict[str, dict[str, Text]]  # skill -> level -> text

    def rank(self, level: str) -> int:
        """Position on the scale: Pre-A1 is 0, C2 is 6."""
        return self.levels.index(level)


@cache
def cefr() -> Cefr:
    data = _load("cefr.json")
    levels = tuple(data["levels"])
    skills = tuple(s["code"] for s in data["skills"])
    for skill in skills:
        missing = set(levels) - set(data["descriptors"].get(skill, {}))
        if missing:
            raise ValueError(f"cefr.json: no descriptor for {skill} at {sorted(missing)}")
    return Cefr(
        version=data["version"],
        levels=levels,
        level_labels=data["level_labels"],
        skills=skills,
        europass_skills=tuple(s["code"] for s in data["skills"] if s["europass"]),
        skill_labels={s["code"]: s["label"] for s in data["skills"]},
        descriptors=data["descriptors"],
    )


@dataclass(frozen=True)
class DigCompCompetence:
    code: str  # "1.1"
    area: str  # "1"
    title: Text
    summary: Text


@dataclass(frozen=True)
class DigComp:
    version: str
    areas: dict[str, Text]  # "1" -> title
    competences: dict[str, DigCompCompetence]  # in framework order
    levels: tuple[int, ...]  # 1..8
    level_labels: dict[int, Text]
    level_descriptions: dict[int, Text]
    bands: dict[str, tuple[int, ...]]  # foundation -> (1, 2)
    band_labels: dict[str, Text]
    europass: dict[str, tuple[int, ...]]  # "A" -> (1, 2)
    europass_labels: dict[str, Text]

    def area_competences(self, area: str) -> list[str]:
        return [c.code for c in self.competences.values() if c.area == area]

    def band_of(self, level: int) -> str:
        return next(band for band, levels in self.bands.items() if level in levels)

    def europass_of(self, level: int) -> str | None:
        """Europass A/B/C for a DigComp level; None below foundation (level 0)."""
        return next((grade for grade, levels in self.europass.items() if level in levels), None)


@cache
def digcomp() -> DigComp:
    data = _load("digcomp.json")
    competences = {
        c["code"]: DigCompCompetence(c["code"], area["code"], c["title"], c["summary"])
        for area in data["areas"]
        for c in area["competences"]
    }
    if len(competences) != 21:
        raise ValueError(f"digcomp.json: DigComp 2.2 has 21 competences, found {len(competences)}")
    return DigComp(
        version=data["version"],
        areas={a["code"]: a["title"] for a in data["areas"]},
        competences=competences,
        levels=tuple(lv["level"] for lv in data["levels"]),
        level_labels={lv["level"]: lv["label"] for lv in data["levels"]},
        level_descriptions={lv["level"]: lv["description"] for lv in data["levels"]},
        bands={b["code"]: tuple(b["levels"]) for b in data["bands"]},
        band_labels={b["code"]: b["label"] for b in data["bands"]},
        europass={g: tuple(v["levels"]) for g, v in data["europass"].items()},
        europass_labels={g: v["label"] for g, v in data["europass"].items()},
    )


@dataclass(frozen=True)
class QuestionnaireItem:
    id: str
    competence: str
    tier: str  # foundation | intermediate | advanced
    text: Text


@dataclass(frozen=True)
class Questionnaire:
    version: str
    scale: dict[int, Text]  # 0..3
    items: tuple[QuestionnaireItem, ...]


@cache
def questionnaire() -> Questionnaire:
    data = _load("digcomp_questionnaire.json")
    items = tuple(QuestionnaireItem(i["id"], i["competence"], i["tier"], i["text"]) for i in data["items"])
    known = set(digcomp().competences)
    if {i.competence for i in items} != known or len({i.id for i in items}) != len(items):
        raise ValueError("digcomp_questionnaire.json must cover each DigComp competence, ids unique")
    return Questionnaire(version=data["version"], scale={s["value"]: s["label"] for s in data["scale"]}, items=items)


@dataclass(frozen=True)
class LevelScale:
    framework: str
    labels: dict[int, Text]
    notes: dict[int, Any]  # EQF: Italian examples; ISCED: typical EQF level


@cache
def eqf() -> LevelScale:
    data = _load("eqf.json")
    return LevelScale(
        "EQF",
        {lv["level"]: lv["label"] for lv in data["levels"]},
        {lv["level"]: lv["examples"] for lv in data["levels"]},
    )


@cache
def isced() -> LevelScale:
    data = _load("isced.json")
    return LevelScale(
        "ISCED 2011",
        {lv["level"]: lv["label"] for lv in data["levels"]},
        {lv["level"]: lv["typical_eqf"] for lv in data["levels"]},
    )


@dataclass(frozen=True)
class Certificate:
    code: str  # CILS, CELI, PLIDA, CERT.IT, other
    name: str
    issuer: Text
    recognised: bool  # a CLIQ certificate, accepted for the permit and citizenship
    exams: tuple[tuple[str, str], ...]  # (exam name, CEFR level)


@dataclass(frozen=True)
class Milestone:
    code: str
    level: str
    label: Text
    basis: str
    notes: Text


@cache
def italian_certificates() -> dict[str, Certificate]:
    data = _load("italian_certificates.json")
    return {
        c["code"]: Certificate(
            c["code"],
            c["name"],
            c["issuer"],
            bool(c.get("cliq")),
            tuple((e["name"], e["level"]) for e in c.get("exams", ())),
        )
        for c in data["certificates"]
    }


@cache
def milestones() -> tuple[Milestone, ...]:
    data = _load("italian_certificates.json")
    return tuple(
        Milestone(m["code"], m["level"], m["label"], m["basis"], m.get("notes", {})) for m in data["milestones"]
    )


# Closed vocabularies for API schemas, built from the data.
CefrLevel = StrEnum("CefrLevel", {lv: lv for lv in cefr().levels})
CefrSkill = StrEnum("CefrSkill", {s: s for s in cefr().skills})
DigCompCode = StrEnum("DigCompCode", {c: c for c in digcomp().competences})
CertificateType = StrEnum("CertificateType", {c: c for c in italian_certificates()})
