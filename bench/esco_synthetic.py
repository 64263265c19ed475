"""Write a synthetic ESCO catalogue of the real size in the official CSV layout.

~3,000 occupations, ~14,000 skills and ~125,000 relations, labels of realistic length with
newline-separated alternative labels, in the languages asked. The words are made up (the
real catalogue is not redistributable in this repository at full size); what matters for
import and search timings is the shape: counts, label lengths, alt labels per concept, and
a vocabulary whose word-frequency follows a long tail as real labels do.
"""

import csv
import random
from pathlib import Path

OCCUPATIONS, SKILLS, RELATIONS = 3_000, 14_000, 125_000
OCC, SKILL = "http://data.europa.eu/esco/occupation/", "http://data.europa.eu/esco/skill/"
SYLLABLES = [
    "ma",
    "ri",
    "to",
    "ca",
    "ne",
    "lo",
    "sta",
    "pro",
    "ge",
    "zio",
    "ter",
    "mon",
    "ba",
    "di",
    "fer",
    "cu",
    "gno",
    "pel",
    "ra",
    "vi",
    "sé",
    "è",
    "ço",
    "tra",
    "ope",
    "ser",
    "lav",
    "ind",
]
OCC_COLUMNS = (
    "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
    "regulatedProfessionNote,scopeNote,definition,inScheme,description,code,naceCode"
).split(",")
SKILL_COLUMNS = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description"
).split(",")


def vocabulary(rng: random.Random, size: int = 6_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def label(rng: random.Random, words: list[str], low: int, high: int) -> str:
    # Zipf-like: a few words recur in many labels ("operate", "manage"), most are rare.
    return " ".join(
        words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1) if rng.random() < 0.4 else rng.randrange(len(words))]
        for _ in range(rng.randint(low, high))
    )


def write(directory: Path, languages: tuple[str, ...] = ("en", "it"), seed: int = 7) -> dict[str, int]:
    directory.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        rng, words = random.Random(f"{seed}-{lang}"), vocabulary(random.Random(f"{seed}-{lang}"))
        with (directory / f"occupations_{lang}.csv").open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(OCC_COLUMNS)
            for i in range(OCCUPATIONS):
                alts = "\n".join(label(rng, words, 1, 4) for _ in range(rng.randint(0, 6)))
                out.writerow(
                    [
                        "Occupation",
                        f"{OCC}synthetic-{i}",
                        f"{rng.randint(1000, 9629)}",
                        label(rng, words, 1, 4),
                        alts,
                        "",
                        "released",
                        "",
                        "",
                        "",
                        "",
                        "",
                        label(rng, words, 20, 60),
                        f"{rng.randint(1000, 9629)}.{i}",
                        "",
                    ]
                )
        with (directory / f"skills_{lang}.csv").open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(SKILL_COLUMNS)
            for i in range(SKILLS):
                alts = "\n".join(label(rng, words, 2, 6) for _ in range(rng.randint(0, 5)))
                out.writerow(
                    [
                        "KnowledgeSkillCompetence",
                        f"{SKILL}synthetic-{i}",
                        "skill/competence",
                        "sector-specific",
                        label(rng, words, 2, 6),
                        alts,
                        "",
                        "released",
                        "",
                        "",
                        "",
                        "",
                        label(rng, words, 15, 40),
                    ]
                )
    rng = random.Random(seed)
    pairs = set()
    while len(pairs) < RELATIONS:
        pairs.add((rng.randrange(OCCUPATIONS), rng.randrange(SKILLS)))
    with (directory / "occupationSkillRelations.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["occupationUri", "relationType", "skillType", "skillUri"])
        for o, s in sorted(pairs):
            out.writerow(
                [
                    f"{OCC}synthetic-{o}",
                    "essential" if rng.random() < 0.5 else "optional",
                    "skill/competence",
                    f"{SKILL}synthetic-{s}",
                ]
            )
    return {"occupations": OCCUPATIONS, "skills": SKILLS, "relations": RELATIONS}
