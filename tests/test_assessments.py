"""Language, digital, education, work, skills and sheets through the API, as a counsellor would."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from competenze.assessments.digital.models import DigitalAssessment
from competenze.assessments.experience.models import Education, SkillClaim, WorkExperience
from competenze.assessments.language.models import LanguageAssessment
from competenze.audit.models import AuditEvent
from competenze.frameworks.catalogue import questionnaire
from competenze.frameworks.esco.importer import import_directory
from tests.factories import auth, count_rows, create_participant
from tests.test_esco import FIXTURE, OCC, SKILL
from tests.test_pdf import text_of

GRID = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")


@pytest.fixture
def case(client, world, db):
    import_directory(db, FIXTURE)
    db.commit()
    headers = auth(client, world.counsellor_a)
    participant = create_participant(client, headers)
    return client, headers, f"/api/v1/participants/{participant['id']}"


def test_language_assessments_build_the_current_profile_and_milestones(case):
    client, h, base = case
    claim = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "self_declared", "levels": dict.fromkeys(GRID, "B1")},
    )
    assert claim.status_code == 201, claim.text
    test = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={
            "language": "it",
            "method": "placement_test",
            "instrument": "Test di ingresso CPIA",
            "assessed_on": "2026-09-15",
            "levels": {**dict.fromkeys(GRID, "A2"), "writing": "A1"},
        },
    )
    assert test.status_code == 201
    assert (
        client.post(
            f"{base}/language-assessments",
            headers=h,
            json={"language": "ar", "method": "self_declared", "mother_tongue": True},
        ).status_code
        == 201
    )
    profile = client.get(f"{base}/languages", headers=h).json()
    italian = next(lang for lang in profile["languages"] if lang["language"] == "it")
    # The placement test outweighs the (newer) self-declaration.
    assert italian["skills"]["reading"] == {
        "level": "A2",
        "assessment_id": test.json()["id"],
        "method": "placement_test",
        "assessed_on": "2026-09-15",
        "source": "Test di ingresso CPIA",
    }
    # ... and the newer self-declaration shows beside it, as the latest level assessed.
    assert italian["latest"]["reading"] == {
        "level": "B1",
        "assessment_id": claim.json()["id"],
        "method": "self_declared",
        "assessed_on": claim.json()["assessed_on"],
        "source": None,
    }
    assert profile["languages"][0]["language"] == "ar"
    assert profile["languages"][0]["mother_tongue"]
    milestones = {m["code"]: m for m in profile["italian_milestones"]}
    assert milestones["long_term_permit"]["status"] == "not_reached"
    assert milestones["long_term_permit"]["gap"] == {"writing": "A1"}

    cert = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={
            "language": "it",
            "method": "certificate",
            "assessed_on": "2026-10-20",
            "certificate": {
                "type": "CILS",
                "exam": "CILS A2 Integrazione in Italia",
                "level": "A2",
                "date": "2026-10-20",
            },
        },
    )
    assert cert.status_code == 201
    assert cert.json()["levels"] == dict.fromkeys(GRID, "A2")
    milestones = {m["code"]: m for m in client.get(f"{base}/languages", headers=h).json()["italian_milestones"]}
    assert milestones["long_term_permit"]["status"] == "formally_evidenced"
    assert milestones["long_term_permit"]["evidence"] == [cert.json()["id"]]
    assert milestones["citizenship"]["status"] == "not_reached"
    history = client.get(f"{base}/language-assessments", headers=h).json()
    assert len(history) == 4
    assert history[0]["language"] == "ar"


def test_progress_after_an_old_certificate_shows_as_the_latest_level_everywhere(case, world):
    """An A2 certificate from 2014 is the strongest evidence, so A2 stays the evidenced level;
    a counsellor's B1 observation from 2026 shows beside it, with its source and date, in the
    profile, the dossier's JSON, its Europass XML and its PDF."""
    client, h, base = case
    old = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={
            "language": "it",
            "method": "certificate",
            "assessed_on": "2014-05-20",
            "certificate": {
                "type": "CILS",
                "exam": "CILS A2 Integrazione in Italia",
                "level": "A2",
                "date": "2014-05-20",
            },
        },
    )
    assert old.status_code == 201, old.text
    seen = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={
            "language": "it",
            "method": "counsellor_observation",
            "assessed_on": "2026-11-10",
            "levels": dict.fromkeys(GRID, "B1"),
        },
    )
    assert seen.status_code == 201
    assert seen.json()["assessor_name"] == "Test User"
    italian = next(x for x in client.get(f"{base}/languages", headers=h).json()["languages"] if x["language"] == "it")
    assert italian["skills"]["listening"]["level"] == "A2"
    assert italian["skills"]["listening"]["source"] == "CILS A2 Integrazione in Italia"
    assert italian["latest"]["listening"] == {
        "level": "B1",
        "assessment_id": seen.json()["id"],
        "method": "counsellor_observation",
        "assessed_on": "2026-11-10",
        "source": "Test User",
    }
    dossier = client.post(f"{base}/dossiers", headers=h, json={"profile": "cpi", "language": "uk"}).json()
    pulled = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=h).json()
    levels = next(x for x in pulled["credentialSubject"]["languages"] if x["language"] == "it")["levels"]
    assert levels["writing"]["level"] == "A2"
    assert levels["writing"]["latest"] == {
        "level": "B1",
        "method": "counsellor_observation",
        "assessedOn": "2026-11-10",
        "source": "Test User",
    }
    xml = client.get(f"/api/v1/dossiers/{dossier['id']}", headers={**h, "Accept": "application/xml"}).text
    assert (
        "scrittura A2 (certificato, CILS A2 Integrazione in Italia, 2014-05-20), ultima valutazione B1 "
        "(osservazione dell'operatore, Test User, 2026-11-10)"
    ) in xml
    pdf = text_of(client.get(f"/api/v1/dossiers/{dossier['id']}", headers={**h, "Accept": "application/pdf"}).content)
    said = " ".join(pdf.split())
    assert (
        "ultima valutazione: B1, osservazione di un orientatore, 10/11/2026 · остання оцінка: B1, спостереження "
        "консультанта, 10/11/2026 (Test User)"
    ) in said


def test_a_correction_supersedes_and_the_history_keeps_both(case, engine):
    client, h, base = case
    wrong = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "placement_test", "instrument": "Test CPIA", "levels": {"reading": "C2"}},
    ).json()
    fixed = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "self_declared", "levels": {"reading": "A1"}, "supersedes_id": wrong["id"]},
    )
    assert fixed.status_code == 201
    reading = next(
        lang for lang in client.get(f"{base}/languages", headers=h).json()["languages"] if lang["language"] == "it"
    )["skills"]["reading"]
    assert reading["level"] == "A1"  # the replaced test no longer counts, strong as it was
    assert len(client.get(f"{base}/language-assessments", headers=h).json()) == 2
    twice = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "self_declared", "levels": {"reading": "A2"}, "supersedes_id": wrong["id"]},
    )
    assert twice.status_code == 409
    other_language = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={
            "language": "fr",
            "method": "self_declared",
            "levels": {"reading": "A2"},
            "supersedes_id": fixed.json()["id"],
        },
    )
    assert other_language.status_code == 422
    assert other_language.json()["errors"][0]["field"] == "supersedes_id"


def test_assessment_rows_cannot_be_updated_in_the_database(case, engine):
    client, h, base = case
    client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "self_declared", "levels": {"reading": "A1"}},
    )
    with pytest.raises(DBAPIError, match="immutable"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE language_assessment SET reading = 'C2'"))


TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "language-assessments",
            {"language": "it", "method": "self_declared", "levels": {"reading": "B3"}},
            "levels.reading",
        ),
        (
            "language-assessments",
            {"language": "xx", "method": "self_declared", "levels": {"reading": "A1"}},
            "language",
        ),
        (
            "language-assessments",
            {"language": "it", "method": "self_declared", "levels": {"reading": "A1"}, "assessed_on": TOMORROW},
            "assessed_on",
        ),
        (
            "language-assessments",
            {"language": "it", "method": "self_declared", "levels": {"cooking": "A1"}},
            "levels.cooking",
        ),
        (
            "language-assessments",
            {"language": "ar", "method": "self_declared", "mother_tongue": True, "levels": {"reading": "A1"}},
            "levels",
        ),
        (
            "language-assessments",
            {
                "language": "fr",
                "method": "certificate",
                "certificate": {"type": "CILS", "level": "B1", "date": "2025-01-01"},
            },
            "certificate.type",
        ),
        (
            "language-assessments",
            {
                "language": "it",
                "method": "certificate",
                "certificate": {"type": "CELI", "exam": "CELI 3", "level": "B1", "date": "2025-01-01"},
            },
            "certificate.level",
        ),
        ("language-assessments", {"language": "it", "method": "self_declared"}, "levels"),
        # Evidence names itself: the test used, the exam taken, the certificate held.
        (
            "language-assessments",
            {"language": "it", "method": "placement_test", "levels": {"reading": "A2"}},
            "instrument",
        ),
        (
            "language-assessments",
            {
                "language": "it",
                "method": "certificate",
                "certificate": {"type": "PLIDA", "level": "B1", "date": "2025-01-01"},
            },
            "certificate.exam",
        ),
        (
            "language-assessments",
            {
                "language": "fr",
                "method": "certificate",
                "certificate": {"type": "other", "level": "B1", "date": "2025-01-01"},
            },
            "certificate.exam",
        ),
        ("digital-assessments", {"method": "placement_test", "levels": {"1.1": 3}}, "instrument"),
        ("skills", {"method": "certificate", "skill_uri": SKILL + "test-knife"}, "instrument"),
        ("digital-assessments", {"method": "counsellor_observation", "levels": {"1.1": 9}}, "levels.1.1"),
        ("digital-assessments", {"method": "counsellor_observation", "levels": {"6.1": 3}}, "levels.6.1"),
        ("digital-assessments", {"method": "self_assessment", "answers": {"1.1-a": 2}}, "answers"),
        (
            "digital-assessments",
            {"method": "counsellor_observation", "answers": {"1.1-a": 2, "1.1-b": 1, "1.1-c": 0}},
            "method",
        ),
        ("skills", {"method": "self_declared", "skill_uri": SKILL + "test-nonexistent"}, "skill_uri"),
        (
            "work-experience",
            {
                "occupation_uri": OCC + "test-nonexistent",
                "country": "MA",
                "started_on": "2015-01-01",
                "arrangement": "informal",
            },
            "occupation_uri",
        ),
        (
            "work-experience",
            {"title": "muratore", "country": "MA", "started_on": TOMORROW, "arrangement": "formal"},
            "started_on",
        ),
        ("education", {"isced_level": 9, "title": "Diploma", "country": "MA", "documents": "none"}, "isced_level"),
        (
            "education",
            {"isced_level": 3, "title": "Diploma", "country": "MA", "documents": "none", "end_year": 2099},
            "end_year",
        ),
    ],
)
def test_invalid_levels_and_codes_are_422_naming_the_field_and_nothing_is_written(case, engine, path, body, field):
    client, h, base = case
    before = {
        m: count_rows(engine, m) for m in (LanguageAssessment, DigitalAssessment, SkillClaim, WorkExperience, Education)
    }
    response = client.post(f"{base}/{path}", headers=h, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert {m: count_rows(engine, m) for m in before} == before


def test_digital_questionnaire_is_scored_and_profiled_per_area(case):
    client, h, base = case
    answers = {
        item.id: 2 if item.tier != "advanced" else 0
        for item in questionnaire().items
        if item.competence.startswith(("1.", "2."))
    }
    sheet = client.post(
        f"{base}/digital-assessments", headers=h, json={"method": "self_assessment", "answers": answers}
    )
    assert sheet.status_code == 201, sheet.text
    assert sheet.json()["levels"]["1.1"] == 3
    assert sheet.json()["answers"] == answers
    observed = client.post(
        f"{base}/digital-assessments",
        headers=h,
        json={"method": "counsellor_observation", "levels": {"1.1": 5, "4.1": 1}},
    )
    assert observed.status_code == 201
    profile = client.get(f"{base}/digital", headers=h).json()
    assert profile["competences"]["1.1"]["level"] == 5
    assert profile["competences"]["1.1"]["band"] == "advanced"
    assert profile["competences"]["1.2"]["method"] == "self_assessment"
    areas = {a["area"]: a for a in profile["areas"]}
    assert areas["1"] == {**areas["1"], "level": 3, "europass": "B", "assessed": 3, "total": 3}
    assert areas["4"]["level"] == 1
    assert areas["4"]["europass"] == "A"
    assert areas["4"]["assessed"] == 1
    assert areas["5"]["level"] is None
    assert areas["5"]["europass"] is None


def test_education_changes_need_if_match(case):
    client, h, base = case
    created = client.post(
        f"{base}/education",
        headers=h,
        json={
            "isced_level": 6,
            "eqf_level": 6,
            "title": "Licence en droit",
            "institution": "Université Mohammed V",
            "country": "MA",
            "start_year": 2006,
            "end_year": 2009,
            "documents": "partial",
        },
    )
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    path = created.headers["location"]
    assert client.patch(path, headers=h, json={"recognition_status": "requested"}).status_code == 428
    assert (
        client.patch(path, headers={**h, "If-Match": '"7"'}, json={"recognition_status": "requested"}).status_code
        == 412
    )
    changed = client.patch(
        path, headers={**h, "If-Match": '"1"'}, json={"recognition_status": "comparability_statement"}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["recognition_status"] == "comparability_statement"
    bad = client.patch(path, headers={**h, "If-Match": '"2"'}, json={"start_year": 2015})
    assert bad.status_code == 422
    assert "end_year" in bad.json()["detail"]
    assert client.delete(path, headers={**h, "If-Match": '"2"'}).status_code == 204
    assert client.get(f"{base}/education", headers=h).json() == []


def test_work_experience_with_an_esco_occupation_shows_its_labels(case):
    client, h, base = case
    created = client.post(
        f"{base}/work-experience",
        headers=h,
        json={
            "occupation_uri": OCC + "test-cook",
            "employer": "Restaurant Al Fassia",
            "country": "MA",
            "started_on": "2012-04-01",
            "ended_on": "2016-08-31",
            "sector": "I",
            "arrangement": "informal",
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["occupation_label"] == {"en": "cook", "it": "cuoco/cuoca"}
    path = created.headers["location"]
    inverted = client.patch(path, headers={**h, "If-Match": '"1"'}, json={"ended_on": "2010-01-01"})
    assert inverted.status_code == 422


def test_skills_and_the_gap_to_a_target_occupation(case):
    client, h, base = case
    for uri, method in (
        (SKILL + "test-knife", "counsellor_observation"),
        (SKILL + "test-knife", "self_declared"),
        (SKILL + "test-forklift", "certificate"),
    ):
        evidence = {"instrument": "Patentino del carrellista"} if method == "certificate" else {}
        assert (
            client.post(f"{base}/skills", headers=h, json={"skill_uri": uri, "method": method, **evidence}).status_code
            == 201
        )
    gap = client.get(f"{base}/skills-gap", params={"occupation": OCC + "test-cook"}, headers=h).json()
    assert gap["essential_total"] == 2
    assert gap["coverage"] == 0.5
    assert gap["matched"] == [
        {
            "uri": SKILL + "test-knife",
            "method": "counsellor_observation",
            "label": {
                "en": "use knives for food preparation",
                "it": "utilizzare coltelli per la preparazione degli alimenti",
            },
        }
    ]
    assert [m["uri"] for m in gap["missing"]] == [SKILL + "test-hygiene"]
    unknown = client.get(f"{base}/skills-gap", params={"occupation": OCC + "nope"}, headers=h)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "query.occupation"


def test_sheets_start_empty_then_change_with_if_match(case):
    client, h, base = case
    empty = client.get(f"{base}/literacy", headers=h)
    assert empty.status_code == 200
    assert empty.headers["etag"] == '"0"'
    assert empty.json()["updated_at"] is None
    body = {
        "latin_reading_self": "partly",
        "latin_reading_observed": "no",
        "laslliam_level": 2,
        "numeracy_self": "everyday",
        "years_of_schooling": 4,
    }
    first = client.put(f"{base}/literacy", headers=h, json=body)
    assert first.status_code == 200
    assert first.headers["etag"] == '"1"'
    assert client.put(f"{base}/literacy", headers=h, json=body).status_code == 428
    second = client.put(f"{base}/literacy", headers={**h, "If-Match": '"1"'}, json={**body, "laslliam_level": 3})
    assert second.status_code == 200
    assert second.json()["data"]["laslliam_level"] == 3
    assert client.put(f"{base}/literacy", headers={**h, "If-Match": '"1"'}, json=body).status_code == 412
    licences = client.put(
        f"{base}/driving-licences",
        headers=h,
        json={"licences": [{"category": "B", "country": "MA", "status_in_italy": "convertible"}]},
    )
    assert licences.status_code == 200
    assert licences.json()["data"]["licences"][0]["category"] == "B"
    goals = client.put(
        f"{base}/expectations",
        headers=h,
        json={"work_goals": "Lavorare in cucina", "desired_occupations": [OCC + "nope"]},
    )
    assert goals.status_code == 422
    assert goals.json()["errors"][0]["field"] == "desired_occupations[0]"
    goals = client.put(
        f"{base}/expectations",
        headers=h,
        json={
            "work_goals": "Lavorare in cucina",
            "desired_occupations": [OCC + "test-cook"],
            "availability": ["shifts"],
        },
    )
    assert goals.status_code == 200


def test_every_read_and_write_is_audited_for_the_participant(case, engine):
    client, h, base = case
    participant_id = base.rsplit("/", 1)[1]
    before = count_rows(engine, AuditEvent)
    client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "self_declared", "levels": {"reading": "A1"}},
    )
    client.get(f"{base}/languages", headers=h)
    client.get(f"{base}/digital", headers=h)
    client.get(f"{base}/literacy", headers=h)
    assert count_rows(engine, AuditEvent) == before + 4
    log = client.get(f"{base}/access-log", headers=h).json()["items"]
    assert {
        "language_assessment.create",
        "language_assessment.profile",
        "digital_assessment.profile",
        "literacy.read",
    } <= {e["action"] for e in log}
    assert participant_id


def test_closed_records_take_no_new_assessments(case):
    client, h, base = case
    etag = client.get(base, headers=h).headers["etag"]
    assert (
        client.post(f"{base}/close", headers={**h, "If-Match": etag}, json={"reason": "moved_away"}).status_code == 200
    )
    response = client.post(
        f"{base}/language-assessments",
        headers=h,
        json={"language": "it", "method": "self_declared", "levels": {"reading": "A1"}},
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert client.get(f"{base}/languages", headers=h).status_code == 200


def test_idempotency_key_replays_an_assessment_instead_of_recording_it_twice(case, engine):
    client, h, base = case
    body = {"language": "it", "method": "self_declared", "levels": {"reading": "A1"}}
    first = client.post(f"{base}/language-assessments", headers={**h, "Idempotency-Key": "k-1"}, json=body)
    again = client.post(f"{base}/language-assessments", headers={**h, "Idempotency-Key": "k-1"}, json=body)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert count_rows(engine, LanguageAssessment) == 1
