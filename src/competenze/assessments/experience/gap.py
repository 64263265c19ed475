"""Skills gap for a target occupation: which of its essential ESCO skills the participant
has on record (with the strongest evidence for each) and which are missing. Pure."""

# pure core: plain data in and out; no web framework, database or JOSE (tests/test_boundaries.py)

from collections.abc import Iterable
from dataclasses import dataclass

from competenze.assessments.evidence import STRENGTH, Method


@dataclass(frozen=True)
class Gap:
    matched: dict[str, Method]  # skill URI -> strongest evidence on record
    missing: list[str]

    @property
    def coverage(self) -> float:
        total = len(self.matched) + len(self.missing)
        return round(len(self.matched) / total, 3) if total else 0.0


def strongest_evidence(claims: Iterable[tuple[str, Method]]) -> dict[str, Method]:
    """Per skill URI, the strongest way it is known (assessments.evidence.STRENGTH)."""
    strongest: dict[str, Method] = {}
    for uri, method in claims:
        if uri not in strongest or STRENGTH[method] > STRENGTH[strongest[uri]]:
            strongest[uri] = method
    return strongest


def skills_gap(essential: list[str], claims: Iterable[tuple[str, Method]]) -> Gap:
    strongest = strongest_evidence(claims)
    return Gap(
        matched={uri: strongest[uri] for uri in essential if uri in strongest},
        missing=[uri for uri in essential if uri not in strongest],
    )
