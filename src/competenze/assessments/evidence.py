"""Which assessment counts now: the documented rule shared by languages and digital skills.

For one thing measured (a language skill, a DigComp competence) the current value comes from
the strongest evidence; among equally strong evidence, the newest assessment (by the date it
was made, then by when it was recorded). An assessment explicitly replaced by a later one
(a correction) no longer counts at all. Pure: plain data in, plain data out.
"""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar


class Method(StrEnum):
    """How a competence was established, weakest first (DESIGN.md §4 provenance)."""

    self_declared = "self_declared"
    self_assessment = "self_assessment"  # the built-in DigComp questionnaire
    counsellor_observation = "counsellor_observation"
    placement_test = "placement_test"
    certificate = "certificate"


# Self-declaration and the questionnaire are both the person's own view: equally strong,
# so the newer one wins. A counsellor's observation is weaker than a test, which is weaker
# than a certificate issued by an examining body.
STRENGTH = {
    Method.self_declared: 1,
    Method.self_assessment: 1,
    Method.counsellor_observation: 2,
    Method.placement_test: 3,
    Method.certificate: 4,
}

V = TypeVar("V")


@dataclass(frozen=True)
class Observation(Generic[V]):
    """One assessment's value for one thing measured."""

    assessment_id: object
    value: V
    method: Method
    assessed_on: date
    recorded_at: datetime


def current(observations: Iterable[Observation[V]]) -> Observation[V] | None:
    """The observation that counts: strongest method, then newest, then last recorded."""
    return max(observations, default=None, key=lambda o: (STRENGTH[o.method], o.assessed_on, o.recorded_at))


def live(assessments: Iterable, *, id_of=lambda a: a.id, supersedes_of=lambda a: a.supersedes_id) -> list:
    """Drop assessments that a later one explicitly replaced."""
    items = list(assessments)
    replaced = {supersedes_of(a) for a in items if supersedes_of(a) is not None}
    return [a for a in items if id_of(a) not in replaced]
