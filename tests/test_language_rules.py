"""The CEFR derivation rule and the Italian L2 milestones (pure)."""

import uuid
from datetime import UTC, date, datetime

from competenze.assessments.evidence import Method
from competenze.assessments.language.rules import LanguageRecord, italian_milestones, standings

GRID = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


def rec(
    levels,
    method=Method.counsellor_observation,
    on=date(2026, 3, 1),
    language="it",
    recorded=None,
    certificate=None,
    mother_tongue=False,
):
    ctype, clevel = certificate or (None, None)
    return LanguageRecord(
        id=uuid.uuid4(),
        language=language,
        mother_tongue=mother_tongue,
        levels=levels,
        method=method,
        assessed_on=on,
        recorded_at=recorded or datetime(2026, 3, 1, tzinfo=UTC),
        certificate_type=ctype,
        certificate_level=clevel,
    )


def grid(level):
    return dict.fromkeys(GRID, level)


def test_stronger_evidence_beats_newer_weaker_evidence():
    test = rec({"reading": "A2"}, Method.placement_test, on=date(2025, 1, 10))
    claim = rec({"reading": "B2"}, Method.self_declared, on=date(2026, 5, 1))
    result = standings([claim, test])["it"].skills["reading"]
    assert result.value == "A2"
    assert result.assessment_id == test.id


def test_newer_beats_older_within_the_same_strength_and_skills_are_independent():
    old = rec({"reading": "A1", "writing": "A1"}, on=date(2025, 1, 1))
    new = rec({"reading": "A2"}, on=date(2026, 1, 1))
    skills = standings([new, old])["it"].skills
    assert skills["reading"].value == "A2"
    assert skills["writing"].value == "A1"
    assert "listening" not in skills


def test_same_day_ties_go_to_the_last_recorded():
    first = rec({"reading": "A1"}, recorded=datetime(2026, 3, 1, 9, tzinfo=UTC))
    second = rec({"reading": "A2"}, recorded=datetime(2026, 3, 1, 10, tzinfo=UTC))
    assert standings([second, first])["it"].skills["reading"].value == "A2"


def test_mother_tongue_and_languages_are_kept_apart():
    result = standings([rec({}, language="ar", mother_tongue=True), rec(grid("A2"), language="fr")])
    assert result["ar"].mother_tongue
    assert not result["ar"].skills
    assert not result["fr"].mother_tongue
    assert result["fr"].skills["writing"].value == "A2"


def _by_code(statuses):
    return {s.code: s for s in statuses}


def test_milestones_with_a_gap_name_each_missing_skill():
    result = _by_code(italian_milestones([rec({**grid("A2"), "writing": "A1"}), rec({}, language="ar")]))
    permit = result["long_term_permit"]
    assert permit.status == "not_reached"
    assert permit.gap == {"writing": "A1"}
    citizenship = result["citizenship"]
    assert citizenship.required_level == "B1"
    assert citizenship.gap == {**grid("A2"), "writing": "A1"}


def test_never_assessed_skills_are_a_gap_with_no_level():
    result = _by_code(italian_milestones([rec({"listening": "B1"})]))
    assert result["long_term_permit"].gap == {s: None for s in GRID if s != "listening"}


def test_levels_reached_without_a_document_are_reached_not_formally_evidenced():
    result = _by_code(italian_milestones([rec(grid("B1"))]))
    assert result["long_term_permit"].status == "reached"
    assert result["citizenship"].status == "reached"
    assert result["citizenship"].evidence


def test_certificates_formally_evidence_the_milestones_they_cover():
    cils = rec(grid("B1"), Method.certificate, certificate=("CILS", "B1"))
    result = _by_code(italian_milestones([cils]))
    assert result["long_term_permit"].status == "formally_evidenced"
    assert result["citizenship"].status == "formally_evidenced"
    assert result["citizenship"].evidence == [cils.id]
    # A certificate of a body outside the CLIQ group does not count for citizenship.
    other = rec(grid("B1"), Method.certificate, certificate=("other", "B1"))
    result = _by_code(italian_milestones([other]))
    assert result["long_term_permit"].status == "formally_evidenced"
    assert result["citizenship"].status == "reached"


def test_an_a2_certificate_does_not_evidence_citizenship():
    result = _by_code(italian_milestones([rec(grid("A2"), Method.certificate, certificate=("CELI", "A2"))]))
    assert result["long_term_permit"].status == "formally_evidenced"
    assert result["citizenship"].status == "not_reached"
