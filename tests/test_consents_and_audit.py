"""Consents, the access log and the append-only, hash-chained audit trail."""

import subprocess
import sys
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from competenze.audit.chain import chained, event_hash
from competenze.audit.models import AuditEvent
from competenze.audit.service import verify_chain
from tests.factories import auth, count_rows, create_participant

BASE = "/api/v1/participants"


def _consent(client, headers, participant_id, org_id, purpose="dossier_sharing"):
    return client.post(
        f"{BASE}/{participant_id}/consents",
        headers=headers,
        json={"purpose": purpose, "recipient_organisation_id": str(org_id), "method": "paper"},
    )


def test_give_list_and_withdraw_consent(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    given = _consent(client, headers, p["id"], world.org_b.id)
    assert given.status_code == 201
    assert given.json()["active"] is True
    assert _consent(client, headers, p["id"], world.org_b.id).status_code == 409  # already active
    consent_id = given.json()["id"]
    withdrawn = client.post(f"{BASE}/{p['id']}/consents/{consent_id}/withdraw", headers=headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["active"] is False
    assert withdrawn.json()["withdrawn_at"]
    assert client.post(f"{BASE}/{p['id']}/consents/{consent_id}/withdraw", headers=headers).status_code == 409
    listed = client.get(f"{BASE}/{p['id']}/consents", headers=headers).json()
    assert [c["active"] for c in listed] == [False]
    # After withdrawal a new consent can be given again.
    assert _consent(client, headers, p["id"], world.org_b.id).status_code == 201


def test_consent_validation(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    own = _consent(client, headers, p["id"], world.org_a.id)
    assert own.status_code == 422
    assert "recipient_organisation_id" in own.json()["detail"]
    unknown = client.post(
        f"{BASE}/{p['id']}/consents",
        headers=headers,
        json={
            "purpose": "dossier_sharing",
            "recipient_organisation_id": "00000000-0000-0000-0000-000000000000",
            "method": "paper",
        },
    )
    assert unknown.status_code == 422
    future = client.post(
        f"{BASE}/{p['id']}/consents",
        headers=headers,
        json={
            "purpose": "referral",
            "recipient_organisation_id": str(world.org_b.id),
            "method": "in_person",
            "given_at": "2099-01-01T00:00:00Z",
        },
    )
    assert future.status_code == 422
    assert "future" in future.json()["detail"]
    bad_purpose = client.post(
        f"{BASE}/{p['id']}/consents",
        headers=headers,
        json={"purpose": "marketing", "recipient_organisation_id": str(world.org_b.id), "method": "paper"},
    )
    assert bad_purpose.status_code == 422


def test_every_access_is_audited_in_the_same_transaction(client, world, engine):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    etag = client.get(f"{BASE}/{p['id']}", headers=headers).headers["etag"]
    client.patch(f"{BASE}/{p['id']}", json={"residence_municipality": "Imola"}, headers={**headers, "If-Match": etag})
    client.get(BASE, headers=headers)
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.participant_id) == uuid.UUID(p["id"])).order_by(col(AuditEvent.seq))
        ).all()
    assert [e.action for e in events] == [
        "participant.create",
        "participant.read",
        "participant.update",
        "participant.list",
    ]
    assert all(
        e.actor_id == str(world.counsellor_a.id)
        and e.organisation_id == world.org_a.id
        and e.purpose == "case_management"
        and len(e.request_id) >= 8
        for e in events
    )
    # A request that fails writes no audit row (one transaction).
    before = count_rows(engine, AuditEvent)
    stale = client.patch(
        f"{BASE}/{p['id']}", json={"residence_municipality": "X"}, headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert count_rows(engine, AuditEvent) == before


def test_request_id_links_response_and_audit_event(client, world, engine):
    headers = {**auth(client, world.counsellor_a), "X-Request-ID": "support-ticket-12345"}
    response = client.post(
        BASE,
        json={
            "given_names": "A",
            "family_name": "B",
            "birth_date": "1990-01-01",
            "sex": "male",
            "country_of_birth": "AL",
        },
        headers=headers,
    )
    assert response.headers["x-request-id"] == "support-ticket-12345"
    assert count_rows(engine, AuditEvent, col(AuditEvent.request_id) == "support-ticket-12345") == 1


def test_access_log_shows_date_organisation_and_purpose(client, world):
    headers = auth(client, world.counsellor_a)
    p = create_participant(client, headers)
    client.get(f"{BASE}/{p['id']}", headers=auth(client, world.admin_a))
    log = client.get(f"{BASE}/{p['id']}/access-log", headers=headers)
    assert log.status_code == 200
    items = log.json()["items"]
    assert [(i["action"], i["purpose"]) for i in items] == [
        ("participant.read", "supervision"),
        ("participant.create", "case_management"),
    ]
    assert all(i["organisation_name"] == "Comune A" and i["occurred_at"].endswith("Z") for i in items)
    assert "actor_id" not in items[0]
    page = client.get(f"{BASE}/{p['id']}/access-log", params={"limit": 1}, headers=headers).json()
    assert len(page["items"]) == 1
    assert page["next_cursor"]
    rest = client.get(
        f"{BASE}/{p['id']}/access-log", params={"limit": 5, "cursor": page["next_cursor"]}, headers=headers
    ).json()
    assert rest["items"][0]["action"] != page["items"][0]["action"] or len(rest["items"]) >= 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET purpose = 'statistics'",
        "DELETE FROM audit_event",
    ],
)
def test_audit_table_is_append_only_in_the_database(client, world, engine, statement):
    create_participant(client, auth(client, world.counsellor_a))
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    assert count_rows(engine, AuditEvent) >= 1


def test_a_page_of_events_chains_exactly_as_events_one_by_one():
    # The dossier list appends one event per participant in one go; `audit verify` checks
    # them with event_hash one at a time, so both must agree byte for byte.
    fields = {
        "occurred_at": "2026-11-25T10:00:00+00:00",
        "actor_type": "client",
        "actor_id": "c",
        "organisation_id": None,
        "action": "dossier.list",
        "object_type": "dossier",
        "object_id": None,
        "participant_id": None,
        "purpose": "dossier_sharing",
        "request_id": "r" * 32,
    }
    participants = [uuid.uuid4() for _ in range(5)]
    prev = "0" * 64
    for participant, (link, digest) in zip(participants, chained(prev, fields, participants), strict=True):
        assert link == prev
        assert digest == event_hash(prev, {**fields, "participant_id": participant})
        prev = digest


def _disable_guard(conn, dialect):
    if dialect == "postgresql":
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
    else:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))


def test_tampering_is_detected_at_the_first_altered_row(client, world, engine, settings):
    headers = auth(client, world.counsellor_a)
    for i in range(3):
        create_participant(client, headers, given_names=f"Person{i}")
    with Session(engine) as session:
        checked, broken = verify_chain(session)
        assert checked == 3
        assert broken is None
        second = session.exec(select(AuditEvent.seq).order_by(col(AuditEvent.seq)).offset(1)).first()
    # Someone with database superpowers bypasses the trigger and edits one row.
    with engine.begin() as conn:
        _disable_guard(conn, engine.dialect.name)
        conn.execute(text("UPDATE audit_event SET purpose = 'statistics' WHERE seq = :seq"), {"seq": second})
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change"))
    result = subprocess.run(
        [sys.executable, "-m", "competenze.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        env=_cli_env(settings),
    )
    assert result.returncode == 1
    assert f"BROKEN at event {second}" in result.stdout
    assert "altered" in result.stdout


def _cli_env(settings):
    import os

    return {
        **os.environ,
        "COMPETENZE_DATABASE_URL": settings.database_url,
        "COMPETENZE_KEYS_DIR": str(settings.keys_dir),
    }
