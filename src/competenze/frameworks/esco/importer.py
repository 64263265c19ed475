"""`competenze esco import DIR`: load the official ESCO v1.2 CSV files into the catalogue.

Reads, for every language present, `occupations_<lang>.csv` and `skills_<lang>.csv`, then
`occupationSkillRelations.csv` (columns in DESIGN.md §6). Streaming in fixed-size batches,
so memory does not grow with the catalogue; idempotent, because each batch replaces the
labels of its concepts in its language and upserts concepts and relations; atomic, because
the caller runs it in one transaction (a broken file leaves the previous catalogue intact).
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import islice
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from competenze.common.text import fold
from competenze.frameworks.esco.models import (
    EscoConcept,
    EscoLabel,
    EscoRelation,
    EscoTerm,
)

BATCH = 1000
ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/(occupation|skill)/[A-Za-z0-9-]{1,100}$")
_FILE = re.compile(r"^(occupations|skills)_([a-z]{2,3})\.csv$")
_WORD = re.compile(r"\w+")
MAX_TERM = 100
# Spreadsheet-sized fields (ESCO descriptions run to a few thousand characters).
csv.field_size_limit(1 << 20)


def builtin_directory() -> Path:
    """The curated subset shipped in the package (see data/esco/SOURCES.md)."""
    return Path(str(resources.files("competenze.frameworks").joinpath("data", "esco")))


class EscoImportError(Exception):
    """The folder does not hold ESCO files in the expected form; the message says why."""


@dataclass
class ImportReport:
    languages: list[str] = field(default_factory=list)
    occupations: int = 0  # in the catalogue after the import
    skills: int = 0
    labels: int = 0  # written by this import
    relations: int = 0
    skipped: int = 0

    def as_dict(self) -> dict:
        return {**self.__dict__, "languages": sorted(set(self.languages))}


def terms_of(label: str) -> set[str]:
    """The searchable words of a label: folded (case and accents removed), bounded."""
    return {word[:MAX_TERM] for word in _WORD.findall(fold(label))}


def label_rank(kind: str, label: str) -> int:
    """Search order: preferred labels, then alternative, then hidden; shorter labels first
    (a shorter label that contains the words is a closer match)."""
    return {"preferred": 0, "alt": 1000, "hidden": 2000}[kind] + min(len(label), 999)


def _batches(rows: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _read(path: Path, required: set[str]) -> Iterator[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise EscoImportError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
        yield from reader


def _upsert(session: Session, model, rows: list[dict], keys: list[str]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
    updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    session.execute(
        stmt.on_conflict_do_update(index_elements=keys, set_=updates)
        if updates
        else stmt.on_conflict_do_nothing(index_elements=keys),
        rows,
    )


def _split(cell: str | None) -> list[str]:
    # ESCO puts several alternative labels in one field, one per line.
    return [line.strip() for line in (cell or "").splitlines() if line.strip()]


def _concept_row(kind: str, row: dict) -> dict:
    if kind == "occupation":
        return {
            "uri": row["conceptUri"].strip(),
            "kind": kind,
            "isco_group": (row.get("iscoGroup") or "").strip()[:4] or None,
            "code": (row.get("code") or "").strip()[:40] or None,
            "skill_type": None,
            "reuse_level": None,
            "status": (row.get("status") or "").strip()[:20] or None,
        }
    return {
        "uri": row["conceptUri"].strip(),
        "kind": kind,
        "isco_group": None,
        "code": None,
        "skill_type": (row.get("skillType") or "").strip()[:30] or None,
        "reuse_level": (row.get("reuseLevel") or "").strip()[:30] or None,
        "status": (row.get("status") or "").strip()[:20] or None,
    }


def _import_concepts(session: Session, path: Path, kind: str, lang: str, report: ImportReport) -> None:
    for batch in _batches(_read(path, {"conceptUri", "preferredLabel"})):
        valid = []
        for row in batch:
            uri, preferred = (row.get("conceptUri") or "").strip(), (row.get("preferredLabel") or "").strip()
            match = ESCO_URI.match(uri)
            if not match or match.group(1) != kind or not preferred:
                report.skipped += 1
                continue
            valid.append(row)
        if not valid:
            continue
        _upsert(session, EscoConcept, [_concept_row(kind, row) for row in valid], ["uri"])
        uris = [row["conceptUri"].strip() for row in valid]
        old = select(EscoLabel.id).where(col(EscoLabel.lang) == lang, col(EscoLabel.concept_uri).in_(uris))
        session.execute(delete(EscoTerm).where(col(EscoTerm.label_id).in_(old)))
        session.execute(delete(EscoLabel).where(col(EscoLabel.lang) == lang, col(EscoLabel.concept_uri).in_(uris)))
        labels = []
        for row, uri in zip(valid, uris, strict=True):
            description = (row.get("description") or row.get("definition") or "").strip()[:4000] or None
            labels.append(
                {
                    "concept_uri": uri,
                    "lang": lang,
                    "kind": "preferred",
                    "label": row["preferredLabel"].strip()[:500],
                    "description": description,
                }
            )
            for kind_of_label, column in (("alt", "altLabels"), ("hidden", "hiddenLabels")):
                labels += [
                    {"concept_uri": uri, "lang": lang, "kind": kind_of_label, "label": text[:500], "description": None}
                    for text in _split(row.get(column))
                ]
        ids = (
            session.execute(insert(EscoLabel).returning(EscoLabel.id, sort_by_parameter_order=True), labels)
            .scalars()
            .all()
        )
        terms = [
            {
                "term": term,
                "label_id": label_id,
                "lang": lang,
                "concept_kind": kind,
                "rank": label_rank(label["kind"], label["label"]),
            }
            for label_id, label in zip(ids, labels, strict=True)
            for term in terms_of(label["label"])
        ]
        if terms:
            session.execute(insert(EscoTerm), terms)
        report.labels += len(labels)


def _import_relations(session: Session, path: Path, report: ImportReport) -> None:
    required = {"occupationUri", "relationType", "skillUri"}
    for batch in _batches(_read(path, required)):
        rows = {}
        for row in batch:
            occupation, skill = row["occupationUri"].strip(), row["skillUri"].strip()
            relation = row["relationType"].strip().lower()
            if relation not in ("essential", "optional"):
                report.skipped += 1
                continue
            rows[(occupation, skill)] = {"occupation_uri": occupation, "skill_uri": skill, "relation_type": relation}
        uris = {uri for pair in rows for uri in pair}
        known = set(session.execute(select(EscoConcept.uri).where(col(EscoConcept.uri).in_(uris))).scalars())
        kept = [r for (o, s), r in rows.items() if o in known and s in known]
        report.skipped += len(batch) - len(kept)
        _upsert(session, EscoRelation, kept, ["occupation_uri", "skill_uri"])
        report.relations += len(kept)


def import_directory(session: Session, directory: Path) -> ImportReport:
    """Load every ESCO file found in `directory`; the caller commits."""
    if not directory.is_dir():
        raise EscoImportError(f"{directory} is not a folder")
    report = ImportReport()
    files = sorted((m.group(1), m.group(2), p) for p in directory.iterdir() if (m := _FILE.match(p.name)))
    relations = directory / "occupationSkillRelations.csv"
    if not files:
        raise EscoImportError(f"{directory} holds no occupations_<lang>.csv or skills_<lang>.csv")
    # Occupations before skills, so a relation file in the same folder finds both.
    for family, lang, path in sorted(files, key=lambda f: (f[0] != "occupations", f[1])):
        _import_concepts(session, path, "occupation" if family == "occupations" else "skill", lang, report)
        report.languages.append(lang)
        session.flush()
    if relations.exists():
        _import_relations(session, relations, report)
    session.flush()
    # Fresh statistics: right after a bulk load PostgreSQL's planner still believes the
    # tables are empty and picks plans that take seconds instead of milliseconds.
    for table in ("esco_concept", "esco_label", "esco_term", "esco_relation"):
        session.execute(text(f"ANALYZE {table}"))
    # What the catalogue now holds (a language file repeats the concepts of another).
    for kind in ("occupation", "skill"):
        total = session.execute(
            select(func.count()).select_from(EscoConcept).where(col(EscoConcept.kind) == kind)
        ).scalar_one()
        setattr(report, f"{kind}s", total)
    return report
