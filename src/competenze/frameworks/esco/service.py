"""Finding ESCO occupations and skills: search by label, one concept with its skills."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from competenze.errors import NotFound, field_error
from competenze.frameworks.esco.importer import MAX_TERM, terms_of
from competenze.frameworks.esco.models import (
    EscoConcept,
    EscoLabel,
    EscoRelation,
    EscoTerm,
)

MAX_WORDS = 6
CANDIDATES = 1500
COUNT_BOUND = 20_000
# Above every code point, so "term < prefix + TOP" bounds a prefix range (bytewise order).
_TOP = "\U0010ffff"


@dataclass(frozen=True)
class Hit:
    uri: str
    kind: str
    matched_label: str
    matched_lang: str
    preferred: dict[str, str]
    isco_group: str | None
    code: str | None


def _term_matches(word: str, *, exact: bool):
    term = col(EscoTerm.term)
    return (term == word) if exact else (term > word) & (term < word + _TOP)


def _capped_count(session: Session, word: str) -> int:
    """How many index entries start with `word`, counting no further than a bound."""
    sample = select(EscoTerm.label_id).where(col(EscoTerm.term) >= word, col(EscoTerm.term) < word + _TOP)
    return session.scalar(select(func.count()).select_from(sample.limit(COUNT_BOUND).subquery()))


def _candidates(session: Session, words: list[str], kind: str | None, lang: str | None) -> dict[int, int]:
    """Labels in which every word starts a word, bounded: the exact matches of the leading
    (rarest) word in rank order, plus a capped slice of its longer completions; {label id: rank}.
    Without the cap a common prefix ("man", "ope") would rank tens of thousands of labels."""
    if len(words) > 1:
        # Lead with the rarest word: the others are then checked on few labels only.
        words = sorted(words, key=lambda w: _capped_count(session, w))
    lead, others = words[0], words[1:]
    filters = []
    if kind:
        filters.append(col(EscoTerm.concept_kind) == kind)
    if lang:
        filters.append(col(EscoTerm.lang) == lang)
    for word in others:
        other = aliased(EscoTerm)
        filters.append(
            exists().where(
                col(other.label_id) == col(EscoTerm.label_id), col(other.term) >= word, col(other.term) < word + _TOP
            )
        )
    found: dict[int, int] = {}
    for exact in (True, False):
        query = select(EscoTerm.label_id, EscoTerm.rank).where(_term_matches(lead, exact=exact), *filters)
        if exact:
            query = query.order_by(col(EscoTerm.rank))
        found.update((label_id, rank) for label_id, rank in session.execute(query.limit(CANDIDATES)))
    return found


def preferred_labels(
    session: Session, uris: Iterable[str], langs: Iterable[str] | None = None
) -> dict[str, dict[str, str]]:
    """{uri: {lang: preferred label}} for the given concepts (all languages, or those asked)."""
    uris = list(dict.fromkeys(uris))
    if not uris:
        return {}
    query = select(EscoLabel.concept_uri, EscoLabel.lang, EscoLabel.label).where(
        col(EscoLabel.concept_uri).in_(uris), col(EscoLabel.kind) == "preferred"
    )
    if langs:
        query = query.where(col(EscoLabel.lang).in_(list(langs)))
    found: dict[str, dict[str, str]] = {uri: {} for uri in uris}
    for uri, lang, label in session.execute(query):
        found[uri][lang] = label
    return found


def search(session: Session, q: str, *, kind: str | None, lang: str | None, limit: int) -> list[Hit]:
    """Concepts with a label in which every query word starts a word (accent- and
    case-insensitive); preferred labels first, then shorter (closer) labels."""
    words = sorted({w[:MAX_TERM] for w in terms_of(q)}, key=len, reverse=True)[:MAX_WORDS]
    if not words or max(len(w) for w in words) < 2:
        raise field_error("query.q", "type at least two letters of a word")
    matching = _candidates(session, words, kind, lang)
    # Rank on the index rows already read; fetch only the best few labels.
    window = sorted(matching, key=lambda label_id: (matching[label_id], label_id))[: limit * 8]
    if not window:
        return []
    rows = session.execute(
        select(
            EscoLabel.id,
            EscoLabel.concept_uri,
            EscoLabel.label,
            EscoLabel.lang,
            EscoConcept.kind,
            EscoConcept.isco_group,
            EscoConcept.code,
        )
        .join(EscoConcept, col(EscoConcept.uri) == col(EscoLabel.concept_uri))
        .where(col(EscoLabel.id).in_(window))
    ).all()
    position = {label_id: i for i, label_id in enumerate(window)}
    best: dict[str, tuple] = {}
    for row in sorted(rows, key=lambda r: position[r[0]]):
        best.setdefault(row[1], row[1:])
        if len(best) == limit:
            break
    labels = preferred_labels(session, best, [lang] if lang else None)
    return [
        Hit(
            uri=uri,
            kind=row[3],
            matched_label=row[1],
            matched_lang=row[2],
            preferred=labels.get(uri, {}),
            isco_group=row[4],
            code=row[5],
        )
        for uri, row in best.items()
    ]


@dataclass(frozen=True)
class ConceptDetail:
    uri: str
    kind: str
    isco_group: str | None
    code: str | None
    skill_type: str | None
    preferred: dict[str, str]
    alternative: dict[str, list[str]]
    description: dict[str, str]
    essential_skills: list[str]
    optional_skills: list[str]


def concept(session: Session, uri: str) -> ConceptDetail:
    row = session.get(EscoConcept, uri)
    if row is None:
        raise NotFound("No ESCO concept with this URI in the catalogue.")
    preferred: dict[str, str] = {}
    alternative: dict[str, list[str]] = {}
    description: dict[str, str] = {}
    for label in session.scalars(
        select(EscoLabel).where(col(EscoLabel.concept_uri) == uri, col(EscoLabel.kind) != "hidden")
    ):
        if label.kind == "preferred":
            preferred[label.lang] = label.label
            if label.description:
                description[label.lang] = label.description
        else:
            alternative.setdefault(label.lang, []).append(label.label)
    relations = session.scalars(
        select(EscoRelation).where(col(EscoRelation.occupation_uri) == uri).order_by(col(EscoRelation.skill_uri))
    ).all()
    return ConceptDetail(
        uri=uri,
        kind=row.kind,
        isco_group=row.isco_group,
        code=row.code,
        skill_type=row.skill_type,
        preferred=preferred,
        alternative=alternative,
        description=description,
        essential_skills=[r.skill_uri for r in relations if r.relation_type == "essential"],
        optional_skills=[r.skill_uri for r in relations if r.relation_type == "optional"],
    )


def essential_skills(session: Session, occupation_uri: str) -> list[str]:
    return list(
        session.scalars(
            select(EscoRelation.skill_uri)
            .where(col(EscoRelation.occupation_uri) == occupation_uri, col(EscoRelation.relation_type) == "essential")
            .order_by(col(EscoRelation.skill_uri))
        ).all()
    )


def require_concept(session: Session, uri: str, kind: str, field: str) -> EscoConcept:
    """The concept, or a 422 naming `field` (an unknown URI is bad input, not a missing page)."""
    row = session.get(EscoConcept, uri)
    if row is None or row.kind != kind:
        raise field_error(field, f"not an ESCO {kind} URI in the catalogue; find one with GET /api/v1/esco/search")
    return row
