"""Transition plans, steps, referrals, outcomes, history and the caseload, through the API."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from competenze.common.time import frozen
from competenze.frameworks.esco.importer import import_directory
from tests.factories import auth, create_participant
from tests.test_esco import FIXTURE, OCC, SKILL


@pytest.fixture
def case(client, world, db):
    import_directory(db, FIXTURE)
    db.commit()
    h = auth(client, world.counsellor_a)
    participant = create_participant(client, h)
    return client, h, f"/api/v1/participants/{participant['id']}"


def new_plan(client, h, base, **body):
    response = client.post(f"{base}/plans", headers=h, json=body)
    assert response.status_code == 201, response.text
    return response.headers["location"], response.headers["etag"]


def step(client, h, plan, etag, **body):
    response = client.post(f"{plan}/steps", headers={**h, "If-Match": etag}, json=body)
    assert response.status_code == 201, response.text
    return response.json(), response.headers["etag"]


def move(client, h, path, etag, **body):
    return client.post(f"{path}/transitions", headers={**h, "If-Match": etag}, json=body)


def test_a_plan_goes_from_draft_to_completed_and_only_one_is_open(case):
    client, h, base = case
    client.put(f"{base}/expectations", headers=h, json={"work_goals": "Fare la cuoca in un ristorante"})
    plan, etag = new_plan(
        client,
        h,
        base,
        appraisal="Esperienza in cucina in Marocco; italiano A2.",
        target_occupations=[OCC + "test-cook"],
        horizon="2027-12-31",
        review_dates=["2027-03-01", "2026-12-15"],
    )
    body = client.get(plan, headers=h).json()
    assert body["status"] == "draft"
    assert body["participant_goals"] == "Fare la cuoca in un ristorante"
    assert body["targets"][0]["essential_total"] == 2
    assert body["targets"][0]["coverage"] == 0.0
    assert body["review_dates"] == ["2026-12-15", "2027-03-01"]
    assert client.post(f"{base}/plans", headers=h, json={}).status_code == 409

    refused = move(client, h, plan, etag, action="agree", agreed_on="2026-11-20", method="in_person")
    assert refused.status_code == 409
    assert "at least one step" in refused.json()["detail"]
    assert move(client, h, plan, etag, action="agree").status_code == 422  # acceptance not recorded
    course, etag = step(
        client,
        h,
        plan,
        etag,
        kind="italian_course",
        title="Corso B1 al CPIA",
        target_level="B1",
        provider="CPIA Metropolitano di Bologna",
        due_date="2027-06-30",
    )
    haccp, etag = step(
        client, h, plan, etag, kind="vocational_training", title="Corso HACCP", depends_on=[course["steps"][0]["id"]]
    )
    agreed = move(client, h, plan, etag, action="agree", agreed_on="2026-11-20", method="in_person")
    assert agreed.status_code == 200
    assert agreed.json()["agreement_method"] == "in_person"
    etag = agreed.headers["etag"]
    active = move(client, h, plan, etag, action="activate")
    assert active.json()["status"] == "active"
    etag = active.headers["etag"]
    assert move(client, h, plan, etag, action="complete").status_code == 409

    steps = {s["title"]: s["id"] for s in active.json()["steps"]}
    waiting = move(client, h, f"{plan}/steps/{steps['Corso HACCP']}", etag, action="start")
    assert waiting.status_code == 409
    assert "waits for 1 other step" in waiting.json()["detail"]
    done = move(
        client,
        h,
        f"{plan}/steps/{steps['Corso B1 al CPIA']}",
        etag,
        action="complete",
        outcome="Superato il test finale",
    )
    etag = done.headers["etag"]
    dropped = move(client, h, f"{plan}/steps/{steps['Corso HACCP']}", etag, action="drop", outcome="Corso annullato")
    etag = dropped.headers["etag"]
    completed = move(client, h, plan, etag, action="complete", note="Obiettivi raggiunti")
    assert completed.status_code == 200
    assert completed.json()["closed_at"]
    etag = completed.headers["etag"]
    frozen_plan = client.patch(plan, headers={**h, "If-Match": etag}, json={"appraisal": "x"})
    assert frozen_plan.status_code == 409
    assert "closed plan" in frozen_plan.json()["detail"]
    listed = client.get(f"{base}/plans", headers=h).json()
    assert [p["status"] for p in listed] == ["completed"]
    new_plan(client, h, base)  # a new plan may start once the previous one is closed
    assert [p["status"] for p in client.get(f"{base}/plans", headers=h).json()] == ["draft", "completed"]


def test_plan_changes_need_the_current_etag(case):
    client, h, base = case
    plan, etag = new_plan(client, h, base)
    assert client.patch(plan, headers=h, json={"appraisal": "a"}).status_code == 428
    changed = client.patch(plan, headers={**h, "If-Match": etag}, json={"appraisal": "a"})
    assert changed.status_code == 200
    stale = client.post(f"{plan}/steps", headers={**h, "If-Match": etag}, json={"kind": "other", "title": "x"})
    assert stale.status_code == 412
    bad = client.patch(
        plan, headers={**h, "If-Match": changed.headers["etag"]}, json={"target_occupations": [OCC + "test-nothing"]}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "target_occupations[0]"


def test_history_says_who_changed_what_and_when(case, world):
    client, h, base = case
    plan, etag = new_plan(client, h, base, horizon="2027-06-30")
    changed = client.patch(plan, headers={**h, "If-Match": etag}, json={"horizon": "2027-12-31"})
    body, etag = step(client, h, plan, changed.headers["etag"], kind="job_search_support", title="Iscrizione al CPI")
    step_id = body["steps"][0]["id"]
    client.patch(f"{plan}/steps/{step_id}", headers={**h, "If-Match": etag}, json={"due_date": "2027-01-15"})
    revisions = client.get(f"{plan}/history", headers=h).json()
    assert [r["action"] for r in revisions] == ["plan.create", "plan.update", "step.create", "step.update"]
    assert revisions[1]["changes"] == {"horizon": ["2027-06-30", "2027-12-31"]}
    assert revisions[3]["changes"] == {"due_date": [None, "2027-01-15"]}
    assert revisions[3]["step_id"] == step_id
    assert all(r["actor_id"] == str(world.counsellor_a.id) for r in revisions)


def test_overdue_steps_are_flagged_by_the_clock(case, world):
    client, h, base = case
    plan, etag = new_plan(client, h, base)
    step(client, h, plan, etag, kind="driving_licence", title="Conversione patente", due_date="2026-12-01")
    # Signing in inside the frozen clock: tokens are checked against the same clock.
    with frozen(datetime(2026, 11, 30, 12, tzinfo=UTC)):
        assert client.get(plan, headers=auth(client, world.counsellor_a)).json()["overdue_steps"] == 0
    with frozen(datetime(2026, 12, 2, 8, tzinfo=UTC)):
        body = client.get(plan, headers=auth(client, world.counsellor_a)).json()
        assert body["overdue_steps"] == 1
        assert body["steps"][0]["overdue"] is True


def _consent(client, h, base, org_id, purpose="referral"):
    response = client.post(
        f"{base}/consents",
        headers=h,
        json={"purpose": purpose, "recipient_organisation_id": str(org_id), "method": "paper"},
    )
    assert response.status_code == 201
    return response.json()["id"]


def _referred_step(client, h, base, **step_body):
    plan, etag = new_plan(client, h, base)
    body, etag = step(
        client, h, plan, etag, **(step_body or {"kind": "italian_course", "title": "Corso A2", "target_level": "A2"})
    )
    return plan, etag, body["steps"][0]["id"]


def test_referral_needs_consent_and_gives_limited_visibility_while_accepted(case, world):
    client, h, base = case
    hb = auth(client, world.counsellor_b)
    plan, etag, step_id = _referred_step(client, h, base)
    refused = client.post(
        f"{plan}/steps/{step_id}/referrals", headers=h, json={"to_organisation_id": str(world.org_b.id)}
    )
    assert refused.status_code == 409
    assert "consent" in refused.json()["detail"]
    assert refused.json()["missing_consent"]["purpose"] == "referral"
    _consent(client, h, base, world.org_b.id, purpose="dossier_sharing")  # the wrong purpose does not count
    assert (
        client.post(
            f"{plan}/steps/{step_id}/referrals", headers=h, json={"to_organisation_id": str(world.org_b.id)}
        ).status_code
        == 409
    )
    consent_id = _consent(client, h, base, world.org_b.id)
    referral = client.post(
        f"{plan}/steps/{step_id}/referrals",
        headers=h,
        json={"to_organisation_id": str(world.org_b.id), "note": "Livello attuale A1"},
    ).json()
    assert referral["status"] == "pending"

    incoming = client.get("/api/v1/referrals", headers=hb).json()
    assert [r["id"] for r in incoming] == [referral["id"]]
    assert incoming[0]["participant_name"] is None
    assert client.get(base, headers=hb).status_code == 404  # pending: not yet
    accepted = client.post(f"/api/v1/referrals/{referral['id']}/transitions", headers=hb, json={"action": "accept"})
    assert accepted.status_code == 200
    assert accepted.json()["participant_name"] == "Amina El Idrissi"
    for path in ("", "/languages", "/digital", "/education", "/work-experience", "/skills"):
        assert client.get(base + path, headers=hb).status_code == 200, path
    profile = client.get(base, headers=hb).json()
    assert "permit_type" not in profile
    assert "support_needs" not in profile
    for path in ("/consents", "/access-log", "/plans", "/literacy", "/language-assessments"):
        assert client.get(base + path, headers=hb).status_code == 404, path
    assert (
        client.patch(base, headers={**hb, "If-Match": '"1"'}, json={"residence_municipality": "X"}).status_code == 404
    )
    names = [p["family_name"] for p in client.get("/api/v1/participants", headers=hb).json()["items"]]
    assert names == ["El Idrissi"]

    # Withdrawing the consent ends the referral and the visibility at once.
    assert client.post(f"{base}/consents/{consent_id}/withdraw", headers=h).status_code == 200
    assert client.get(base, headers=hb).status_code == 404
    assert client.get(f"/api/v1/referrals/{referral['id']}", headers=hb).json()["status"] == "ended"
    log = client.get(f"{base}/access-log", headers=h).json()["items"]
    assert {"organisation_name": "Comune B", "purpose": "referral"}.items() <= next(
        e for e in log if e["action"] == "participant.read"
    ).items()
    assert any(e["action"] == "referral.ended" for e in log)


def test_after_the_consent_is_withdrawn_the_receiving_organisation_no_longer_sees_who_it_was(case, world):
    client, h, base = case
    hb = auth(client, world.counsellor_b)
    plan, etag, step_id = _referred_step(
        client, h, base, kind="italian_course", title="Corso A2 per Amina", target_level="A2"
    )
    consent_id = _consent(client, h, base, world.org_b.id)
    referral = client.post(
        f"{plan}/steps/{step_id}/referrals",
        headers=h,
        json={"to_organisation_id": str(world.org_b.id), "note": "Amina ha due figli piccoli"},
    ).json()
    client.post(f"/api/v1/referrals/{referral['id']}/transitions", headers=hb, json={"action": "accept"})
    assert client.get("/api/v1/referrals", headers=hb).json()[0]["participant_name"] == "Amina El Idrissi"
    client.post(f"{base}/consents/{consent_id}/withdraw", headers=h)
    log_before = client.get(f"{base}/access-log", headers=h).json()["items"]

    for seen in (
        client.get("/api/v1/referrals", headers=hb).json()[0],
        client.get(f"/api/v1/referrals/{referral['id']}", headers=hb).json(),
    ):
        assert seen["status"] == "ended"
        assert seen["id"] == referral["id"]
        assert seen["created_at"] == referral["created_at"]
        assert seen["from_organisation_name"] == "Comune A"
        for hidden in (
            "participant_id",
            "participant_name",
            "plan_id",
            "step_id",
            "step_kind",
            "step_title",
            "step_due_date",
            "step_status",
            "note",
            "response_note",
        ):
            assert seen[hidden] is None, hidden
        assert "Amina" not in str(seen)
        assert "El Idrissi" not in str(seen)
    # The referring organisation, which follows the person, still sees everything.
    own = client.get("/api/v1/referrals", headers=h, params={"direction": "outgoing"}).json()[0]
    assert own["participant_id"] == referral["participant_id"]
    assert own["note"] == "Amina ha due figli piccoli"
    # Reading redacted referrals read nothing of hers: her access log gains no entry for it.
    log_after = client.get(f"{base}/access-log", headers=h).json()["items"]
    by_b = [e for e in log_after if e["organisation_name"] == "Comune B"]
    assert by_b == [e for e in log_before if e["organisation_name"] == "Comune B"]


def test_a_referred_participant_is_found_by_one_probe_however_many_are_referred(engine, world):
    """Loading one participant for an organisation they were referred to asks about that
    participant only, by index, and never lists every referral to the organisation (SQLite
    built that list for every request: 5 ms each with 5,000 referrals). The database's own
    plan; on PostgreSQL, with scans priced out, an index exists for every step."""
    from competenze.access.visibility import visible_participant_query
    from competenze.auth.principals import Principal
    from competenze.hotpath import Prepared

    principal = Principal(kind="user", id=world.counsellor_b.id, organisation_id=world.org_b.id, role="counsellor")
    query = Prepared(visible_participant_query(principal, uuid.uuid4(), via_referral=True))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = query.plan(connection)
    if engine.dialect.name == "sqlite":
        assert "LIST SUBQUERY" not in plan, plan
        assert "SCAN" not in plan, plan
        assert all(
            "(participant_id=?" in line for line in plan.splitlines() if "referral" in line or "consent" in line
        ), plan
    else:
        assert "Seq Scan" not in plan, plan


@pytest.mark.parametrize("how", ["decline", "withdraw", "complete"])
def test_visibility_ends_when_the_referral_is_declined_withdrawn_or_completed(case, world, how):
    client, h, base = case
    hb = auth(client, world.counsellor_b)
    plan, etag, step_id = _referred_step(client, h, base)
    _consent(client, h, base, world.org_b.id)
    referral = client.post(
        f"{plan}/steps/{step_id}/referrals", headers=h, json={"to_organisation_id": str(world.org_b.id)}
    ).json()
    path = f"/api/v1/referrals/{referral['id']}/transitions"
    if how == "decline":
        assert client.post(path, headers=hb, json={"action": "decline"}).status_code == 422  # no reason
        assert client.post(path, headers=hb, json={"action": "decline", "note": "Corso pieno"}).status_code == 200
    else:
        assert client.post(path, headers=hb, json={"action": "accept"}).status_code == 200
        assert client.get(base, headers=hb).status_code == 200
        if how == "withdraw":
            assert client.post(path, headers=hb, json={"action": "withdraw"}).status_code == 403
            assert client.post(path, headers=h, json={"action": "withdraw"}).status_code == 200
        else:
            assert client.post(path, headers=h, json={"action": "complete"}).status_code == 403
            assert (
                client.post(path, headers=hb, json={"action": "complete", "note": "Frequenza regolare"}).status_code
                == 200
            )
    assert client.get(base, headers=hb).status_code == 404
    assert client.get(f"/api/v1/referrals/{referral['id']}", headers=hb).status_code == 200  # the record stays


def test_completing_a_referred_course_records_the_language_level_from_the_plan_step(case, world):
    client, h, base = case
    hb = auth(client, world.counsellor_b)
    plan, etag, step_id = _referred_step(client, h, base)
    _consent(client, h, base, world.org_b.id)
    referral = client.post(
        f"{plan}/steps/{step_id}/referrals", headers=h, json={"to_organisation_id": str(world.org_b.id)}
    ).json()
    path = f"/api/v1/referrals/{referral['id']}/transitions"
    client.post(path, headers=hb, json={"action": "accept"})
    done = client.post(
        path,
        headers=hb,
        json={
            "action": "complete",
            "completed_on": "2026-11-20",
            "result": {
                "language": {
                    "certificate": {
                        "type": "CILS",
                        "exam": "CILS A2 Integrazione in Italia",
                        "level": "A2",
                        "date": "2026-11-18",
                    }
                }
            },
        },
    )
    assert done.status_code == 200, done.text
    assessment = client.get(f"{base}/language-assessments", headers=h).json()[0]
    assert assessment["source_step_id"] == step_id
    assert assessment["method"] == "certificate"
    assert assessment["organisation_id"] == str(world.org_b.id)
    milestones = {
        m["code"]: m["status"] for m in client.get(f"{base}/languages", headers=h).json()["italian_milestones"]
    }
    assert milestones["long_term_permit"] == "formally_evidenced"
    plan_body = client.get(plan, headers=h).json()
    assert plan_body["steps"][0]["status"] == "done"
    assert plan_body["steps"][0]["referral"]["status"] == "completed"
    assert plan_body["steps"][0]["responsible_organisation_id"] == str(world.org_b.id)


def test_recognition_and_certification_outcomes_update_the_education_and_skills(case):
    client, h, base = case
    education = client.post(
        f"{base}/education",
        headers=h,
        json={"isced_level": 6, "title": "Licence en chimie", "country": "MA", "documents": "available"},
    ).json()
    plan, etag = new_plan(client, h, base)
    body, etag = step(
        client,
        h,
        plan,
        etag,
        kind="qualification_recognition",
        title="Dichiarazione di comparabilità",
        education_id=education["id"],
    )
    recognition = body["steps"][0]["id"]
    body, etag = step(
        client,
        h,
        plan,
        etag,
        kind="vocational_training",
        title="Aiuto cuoco",
        qualification="Operatore della ristorazione",
    )
    training = body["steps"][1]["id"]
    wrong = move(
        client, h, f"{plan}/steps/{recognition}", etag, action="complete", result={"digital_levels": {"1.1": 3}}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "result.digital_levels"
    done = move(
        client,
        h,
        f"{plan}/steps/{recognition}",
        etag,
        action="complete",
        result={"recognition_status": "comparability_statement"},
    )
    assert done.status_code == 200
    record = client.get(f"{base}/education", headers=h).json()
    assert record[0]["recognition_status"] == "comparability_statement"
    assert record[0]["source_step_id"] == recognition
    done = move(
        client,
        h,
        f"{plan}/steps/{training}",
        done.headers["etag"],
        action="complete",
        result={
            "qualification": {"title": "Qualifica di Operatore della ristorazione", "isced_level": 3, "eqf_level": 3},
            "certified_skills": [SKILL + "test-hygiene"],
        },
    )
    assert done.status_code == 200
    titles = {e["title"]: e for e in client.get(f"{base}/education", headers=h).json()}
    assert titles["Qualifica di Operatore della ristorazione"]["country"] == "IT"
    skills = client.get(f"{base}/skills", headers=h).json()
    assert skills[0]["skill_uri"] == SKILL + "test-hygiene"
    assert skills[0]["method"] == "certificate"
    assert skills[0]["source_step_id"] == training


CERT = {"type": "CILS", "level": "B1", "date": "2026-06-01"}
BAD_RESULTS = [  # (step kind, result, the field the 422 names)
    (
        "italian_course",
        {"language": {"certificate": {**CERT, "exam": "CILS UNO - B1 Cittadinanza"}}},
        "result.language.certificate.exam",
    ),
    (
        "italian_course",
        {"language": {"certificate": {**CERT, "exam": "CILS UNO - B1", "level": "A2"}}},
        "result.language.certificate.level",
    ),
    ("italian_course", {"language": {"certificate": {**CERT, "type": "CELI"}}}, "result.language.certificate.exam"),
    (
        "italian_course",
        {"language": {"certificate": {**CERT, "exam": "CILS UNO - B1", "date": "2099-01-01"}}},
        "result.language.certificate.date",
    ),
    ("italian_course", {"language": {"levels": {"listening": "Z9"}}}, "result.language.levels.listening"),
    ("italian_course", {"language": {"levels": {"juggling": "A1"}}}, "result.language.levels.juggling"),
    ("italian_course", {"language": {}}, "result.language.levels"),
    ("digital_skills_course", {"digital_levels": {"1.1": 9}}, "result.digital_levels.1.1"),
    ("digital_skills_course", {"digital_levels": {"9.9": 3}}, "result.digital_levels.9.9"),
    ("digital_skills_course", {"digital_levels": {"1.1": "3"}}, "result.digital_levels.1.1"),
    ("qualification_recognition", {"recognition_status": "approved"}, "result.recognition_status"),
    ("vocational_training", {"qualification": {"title": "", "isced_level": 3}}, "result.qualification.title"),
    (
        "vocational_training",
        {"qualification": {"title": "Qualifica", "isced_level": 9}},
        "result.qualification.isced_level",
    ),
    (
        "vocational_training",
        {"qualification": {"title": "Qualifica\u202e", "isced_level": 3}},
        "result.qualification.title",
    ),
    ("vocational_training", {"certified_skills": ["http://example.org/not-esco"]}, "result.certified_skills[0]"),
    ("internship", {"certified_skills": [SKILL + "test-hygiene", 7]}, "result.certified_skills[1]"),
]


@pytest.mark.parametrize(("kind", "result", "field"), BAD_RESULTS, ids=[f"{k}:{f}" for k, _, f in BAD_RESULTS])
@pytest.mark.parametrize("through", ["step", "referral"])
def test_every_kind_of_step_result_with_bad_nested_values_is_a_422_and_writes_nothing(
    case, world, kind, result, field, through
):
    client, h, base = case
    education = client.post(
        f"{base}/education",
        headers=h,
        json={"isced_level": 6, "title": "Licence", "country": "MA", "documents": "available"},
    ).json()
    plan, etag = new_plan(client, h, base)
    extra = {"education_id": education["id"]} if kind == "qualification_recognition" else {}
    body, etag = step(client, h, plan, etag, kind=kind, title="Passo", **extra)
    step_path = f"{plan}/steps/{body['steps'][0]['id']}"
    before = {
        path: client.get(f"{base}/{path}", headers=h).json()
        for path in ("language-assessments", "digital-assessments", "education", "skills")
    }
    if through == "step":
        response = move(client, h, step_path, etag, action="complete", result=result)
    else:
        _consent(client, h, base, world.org_b.id)
        referral = client.post(f"{step_path}/referrals", headers=h, json={"to_organisation_id": str(world.org_b.id)})
        hb = auth(client, world.counsellor_b)
        path = f"/api/v1/referrals/{referral.json()['id']}/transitions"
        assert client.post(path, headers=hb, json={"action": "accept"}).status_code == 200
        response = client.post(path, headers=hb, json={"action": "complete", "result": result})
        assert client.get(f"/api/v1/referrals/{referral.json()['id']}", headers=hb).json()["status"] == "accepted"
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field, response.json()
    assert client.get(plan, headers=h).json()["steps"][0]["status"] == "planned"
    assert before == {path: client.get(f"{base}/{path}", headers=h).json() for path in before}


def test_caseload_orders_by_attention_and_lists_incoming_referrals(client, world, db):
    h = auth(client, world.counsellor_a)
    people = {
        name: create_participant(client, h, given_names=name, family_name="Test") for name in ("Ada", "Bea", "Cai")
    }
    for name, due in (("Ada", "2026-12-20"), ("Bea", "2026-10-01"), ("Cai", None)):
        if due is None:
            continue
        plan, etag = new_plan(client, h, f"/api/v1/participants/{people[name]['id']}")
        step(client, h, plan, etag, kind="job_search_support", title=f"Passo di {name}", due_date=due)
    with frozen(datetime(2026, 11, 25, 9, tzinfo=UTC)):
        h = auth(client, world.counsellor_a)
        response = client.get("/api/v1/caseload", headers=h)
        assert response.status_code == 200, response.text
        rows = response.json()["items"]
        assert [r["given_names"] for r in rows] == ["Bea", "Ada", "Cai"]
        assert rows[0]["overdue_steps"] == 1
        assert rows[0]["next_step_title"] == "Passo di Bea"
        assert rows[2]["plan_status"] is None
        by_name = client.get("/api/v1/caseload", params={"sort": "name", "limit": 2}, headers=h).json()
        assert [r["given_names"] for r in by_name["items"]] == ["Ada", "Bea"]
        rest = client.get(
            "/api/v1/caseload", params={"sort": "name", "cursor": by_name["next_cursor"]}, headers=h
        ).json()
        assert [r["given_names"] for r in rest["items"]] == ["Cai"]
        assert rest["next_cursor"] is None
    other = client.get("/api/v1/caseload", headers=auth(client, world.counsellor_a2)).json()
    assert other["items"] == []
    assert client.get(
        "/api/v1/caseload", params={"counsellor_id": str(world.counsellor_a.id)}, headers=auth(client, world.admin_a)
    ).json()["items"]
