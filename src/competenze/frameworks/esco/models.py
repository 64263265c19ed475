"""The ESCO catalogue tables: concepts, their labels in every loaded language, the words of
those labels (for prefix search), and occupation-skill relations (ESCO v1.2, DESIGN.md §6)."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

# Bytewise ("C") ordering on PostgreSQL, as SQLite's default BINARY collation already is, so
# that a prefix search is a range scan of the term index on both engines.
_TERM = String(100).with_variant(String(100, collation="C"), "postgresql")
URI = 200


class EscoConcept(SQLModel, table=True):
    __tablename__ = "esco_concept"

    uri: str = Field(sa_column=Column(String(URI), primary_key=True))
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # occupation | skill
    isco_group: str | None = Field(default=None, sa_column=Column(String(4)))
    code: str | None = Field(default=None, sa_column=Column(String(40)))  # ESCO occupation code
    skill_type: str | None = Field(default=None, sa_column=Column(String(30)))
    reuse_level: str | None = Field(default=None, sa_column=Column(String(30)))
    status: str | None = Field(default=None, sa_column=Column(String(20)))


class EscoLabel(SQLModel, table=True):
    __tablename__ = "esco_label"
    __table_args__ = (Index("ix_esco_label_concept_uri_lang", "concept_uri", "lang"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    concept_uri: str = Field(
        sa_column=Column(String(URI), ForeignKey("esco_concept.uri", ondelete="CASCADE"), nullable=False)
    )
    lang: str = Field(sa_column=Column(String(3), nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False))  # preferred | alt | hidden
    label: str = Field(sa_column=Column(String(500), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(String(4000)))


class EscoTerm(SQLModel, table=True):
    """One word of one label, folded (lower case, no accents): the search index.

    The label's language, its concept's kind and its rank (preferred labels first, then
    shorter labels) are copied here so that a search filters and ranks on this table alone:
    `term = word ORDER BY rank` is one index range, however common the word.
    """

    __tablename__ = "esco_term"
    __table_args__ = (Index("ix_esco_term_term_rank", "term", "rank"),)

    term: str = Field(sa_column=Column(_TERM, primary_key=True))
    label_id: int = Field(
        sa_column=Column(Integer, ForeignKey("esco_label.id", ondelete="CASCADE"), primary_key=True, index=True)
    )
    lang: str = Field(sa_column=Column(String(3), nullable=False))
    concept_kind: str = Field(sa_column=Column(String(10), nullable=False))
    rank: int = Field(sa_column=Column(Integer, nullable=False))


class EscoRelation(SQLModel, table=True):
    __tablename__ = "esco_relation"

    occupation_uri: str = Field(
        sa_column=Column(String(URI), ForeignKey("esco_concept.uri", ondelete="CASCADE"), primary_key=True)
    )
    skill_uri: str = Field(
        sa_column=Column(String(URI), ForeignKey("esco_concept.uri", ondelete="CASCADE"), primary_key=True, index=True)
    )
    relation_type: str = Field(sa_column=Column(String(10), nullable=False))  # essential | optional
