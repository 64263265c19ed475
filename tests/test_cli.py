"""The `competenze` command, run as an operator would run it."""

import json
import os
import stat
import subprocess
import sys

from fastapi.testclient import TestClient

from competenze.main import create_app
from competenze.organisations.models import Organisation, User
from competenze.participants.models import Participant
from tests.factories import count_rows


def run(settings, *args, stdin: str | None = None, keys_dir=None):
    env = {
        **os.environ,
        "COMPETENZE_DATABASE_URL": settings.database_url,
        "COMPETENZE_KEYS_DIR": str(keys_dir or settings.keys_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "competenze.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_operator_creates_org_user_and_client_then_they_sign_in(settings, client):
    org = run(settings, "orgs", "create", "--name", "Comune di Parma", "--kind", "municipality", "--province", "PR")
    assert org.returncode == 0, org.stderr
    org_id = org.stdout.strip()
    user = run(
        settings,
        "users",
        "create",
        "--org",
        org_id,
        "--role",
        "counsellor",
        "--email",
        "Op@Parma.example",
        "--password-stdin",
        stdin="a sensible passphrase\n",
    )
    assert user.returncode == 0, user.stderr
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "op@parma.example", "password": "a sensible passphrase"},
    )
    assert token.status_code == 200
    created = run(settings, "clients", "create", "--org", org_id, "--scope", "dossiers:read")
    assert created.returncode == 0, created.stderr
    credentials = json.loads(created.stdout)
    assert credentials["scopes"] == ["dossiers:read"]
    assert credentials["organisation_id"] == org_id
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", **{k: credentials[k] for k in ("client_id", "client_secret")}},
    )
    assert token.status_code == 200


def test_cli_errors_are_one_clear_line(settings):
    weak = run(settings, "orgs", "create", "--name", "X", "--kind", "galaxy")
    assert weak.returncode == 2
    assert "invalid choice" in weak.stderr
    org_id = run(settings, "orgs", "create", "--name", "Comune di Carpi", "--kind", "municipality").stdout.strip()
    common = run(
        settings,
        "users",
        "create",
        "--org",
        org_id,
        "--role",
        "counsellor",
        "--email",
        "a@carpi.example",
        "--password-stdin",
        stdin="password123\n",
    )
    assert common.returncode == 2
    assert "most common" in common.stderr
    assert "Traceback" not in common.stderr
    scope = run(settings, "clients", "create", "--org", org_id, "--scope", "everything")
    assert scope.returncode == 2
    assert "dossiers:read" in scope.stderr
    duplicate = run(settings, "orgs", "create", "--name", "Comune di Carpi", "--kind", "municipality")
    assert duplicate.returncode == 2
    assert "already exists" in duplicate.stderr


def test_keys_generate_rotate_list_and_retired_keys_still_verify(settings, tmp_path):
    keys_dir = tmp_path / "keys"
    assert run(settings, "keys", "generate", keys_dir=keys_dir).returncode == 0
    again = run(settings, "keys", "generate", keys_dir=keys_dir)
    assert again.returncode == 2
    assert "rotate" in again.stderr
    assert run(settings, "keys", "generate", "--if-missing", keys_dir=keys_dir).returncode == 0
    pems = list(keys_dir.glob("*.pem"))
    assert len(pems) == 1
    assert stat.S_IMODE(pems[0].stat().st_mode) == 0o600

    app = create_app(settings.model_copy(update={"keys_dir": keys_dir}))
    old_kid = app.state.keys.current.kid
    with TestClient(app) as client:
        from sqlmodel import Session

        from tests.factories import make_org, make_user

        with Session(app.state.engine, expire_on_commit=False) as session:
            user = make_user(session, make_org(session))
        from tests.factories import token_for

        old_token = token_for(client, user.email)["access_token"]
        rotated = run(settings, "keys", "rotate", keys_dir=keys_dir)
        assert rotated.returncode == 0
        listing = run(settings, "keys", "list", keys_dir=keys_dir).stdout
        assert f"{old_kid}  retired" in listing
        assert listing.count("current") == 1
        app.state.keys.RELOAD_EVERY_SECONDS = 0  # pick up the rotation now
        new_token = token_for(client, user.email)["access_token"]
        for token in (old_token, new_token):
            assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert app.state.keys.current.kid != old_kid


def test_demo_is_idempotent_and_prints_credentials_as_json(settings, engine, tmp_path):
    first = run(settings, "demo", "--json")
    assert first.returncode == 0, first.stderr
    second = run(settings, "demo", "--json")
    assert json.loads(first.stdout) == json.loads(second.stdout)
    data = json.loads(first.stdout)
    assert {u["role"] for u in data["users"]} == {"counsellor", "org_admin", "region_analyst", "admin"}
    assert all(set(u) == {"email", "password", "role", "organisation"} for u in data["users"])
    assert set(data["users"][0]["organisation"]) == {"id", "name", "kind"}
    assert data["clients"][0]["scopes"] == ["dossiers:read"]
    assert data["clients"][0]["organisation"]["kind"] == "cpi"
    assert count_rows(engine, Organisation) == 6
    assert count_rows(engine, User) == 9
    assert count_rows(engine, Participant) == 20
    # The printed credentials work, and see the organisation's participants.
    counsellor = next(u for u in data["users"] if u["email"].startswith("counsellor.bologna"))
    with TestClient(create_app(settings)) as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": counsellor["email"], "password": counsellor["password"]},
        ).json()
        listed = client.get("/api/v1/participants", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert len(listed.json()["items"]) == 6
    assert "intact" in run(settings, "audit", "verify").stdout


def test_demo_has_competences_of_every_kind_and_plans_and_referrals_in_every_state(settings, engine):
    from sqlmodel import Session, func, select

    from competenze.assessments.digital.models import DigitalAssessment
    from competenze.assessments.experience.models import Education, ParticipantSheet, SkillClaim, WorkExperience
    from competenze.assessments.language.models import LanguageAssessment
    from competenze.plans.models import Referral, TransitionPlan
    from competenze.plans.rules import PlanStatus, ReferralStatus

    assert run(settings, "demo").returncode == 0
    with Session(engine) as session:
        for model in (LanguageAssessment, DigitalAssessment, Education, WorkExperience, SkillClaim, ParticipantSheet):
            covered = session.exec(select(func.count(func.distinct(model.participant_id)))).one()
            assert covered == 20, model.__tablename__
        methods = set(session.exec(select(LanguageAssessment.method)).all())
        assert methods == {"self_declared", "counsellor_observation", "placement_test", "certificate"}
        assert set(session.exec(select(DigitalAssessment.method)).all()) >= {
            "self_assessment",
            "counsellor_observation",
        }
        assert set(session.exec(select(TransitionPlan.status)).all()) == set(PlanStatus)
        referrals = session.exec(select(Referral)).all()
        assert {r.status for r in referrals} == set(ReferralStatus)
        assert all(r.from_organisation_id != r.to_organisation_id for r in referrals)


def test_migrate_and_openapi_export(settings, tmp_path):
    assert run(settings, "migrate").returncode == 0
    out = tmp_path / "openapi.json"
    assert run(settings, "openapi", "export", "--output", str(out)).returncode == 0
    assert json.loads(out.read_text())["info"]["title"] == "competenze"
