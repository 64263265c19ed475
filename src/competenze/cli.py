"""The `competenze` command: operate the service from a shell or a script."""

import argparse
import json
import sys
from pathlib import Path

from sqlmodel import Session


def _settings():
    from competenze.config import get_settings

    return get_settings()


def _session() -> Session:
    from competenze.db import make_engine

    return Session(make_engine(_settings().database_url), expire_on_commit=False)


def _fail(message: str) -> int:
    print(f"competenze: {message}", file=sys.stderr)
    return 2


def cmd_serve(args) -> int:
    import uvicorn

    from competenze.main import create_app

    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        proxy_headers=True,
        forwarded_allow_ips=_settings().forwarded_allow_ips,
        log_level="info",
    )
    return 0


def cmd_migrate(_args) -> int:
    from competenze.migrate import upgrade

    upgrade(_settings().database_url)
    print("database is at the latest schema")
    return 0


def cmd_demo(args) -> int:
    from competenze.demo.seed import seed

    settings = _settings()
    with _session() as session:
        credentials = seed(session, Path(settings.keys_dir).parent, settings)
        session.commit()
    if args.json:
        print(json.dumps(credentials, ensure_ascii=False))
        return 0
    print("Demo network ready. Sign in with any of these (demo only):")
    for user in credentials["users"]:
        print(f"  {user['role']:<15} {user['email']:<42} {user['password']}  ({user['organisation']['name']})")
    for client in credentials["clients"]:
        print(
            f"  machine client  client_id={client['client_id']} client_secret={client['client_secret']}"
            f"  scopes={' '.join(client['scopes'])}"
        )
    return 0


def cmd_orgs_create(args) -> int:
    from competenze.organisations.schemas import OrganisationCreate
    from competenze.organisations.service import create_organisation

    data = OrganisationCreate(name=args.name, kind=args.kind, province_code=args.province)
    with _session() as session:
        org = create_organisation(session, data)
        session.commit()
        print(org.id)
    return 0


def cmd_orgs_list(_args) -> int:
    from competenze.organisations.service import list_organisations

    with _session() as session:
        for org in list_organisations(session):
            print(f"{org.id}  {org.kind:<16} {org.name}")
    return 0


def cmd_users_create(args) -> int:
    import uuid

    from competenze.organisations.schemas import UserCreate
    from competenze.organisations.service import create_user

    if not args.password_stdin:
        return _fail("pass the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\n")
    data = UserCreate(
        email=args.email,
        display_name=args.name or args.email,
        role=args.role,
        password=password,
        organisation_id=uuid.UUID(args.org),
    )
    with _session() as session:
        user = create_user(session, data, actor=None, ctx=None)
        session.commit()
        print(user.id)
    return 0


def cmd_clients_create(args) -> int:
    import uuid

    from competenze.organisations.service import create_client

    with _session() as session:
        client, secret = create_client(
            session, organisation_id=uuid.UUID(args.org), name=args.name or "API client", scopes=args.scope
        )
        session.commit()
    print(
        json.dumps(
            {
                "client_id": client.client_id,
                "client_secret": secret,
                "scopes": client.scopes.split(),
                "organisation_id": str(client.organisation_id),
            }
        )
    )
    return 0


def cmd_keys(args) -> int:
    from competenze.auth import keys

    directory = Path(_settings().keys_dir)
    if args.action == "generate":
        key = keys.generate(directory, if_missing=args.if_missing)
        print(f"generated {key.kid}" if key else "a current key already exists")
    elif args.action == "rotate":
        key = keys.rotate(directory)
        print(f"rotated: {key.kid} is now current; earlier keys are retired and still verify")
    else:
        for key in keys.load(directory, _settings().signing_key_pem):
            print(f"{key.kid}  {key.status:<8} {key.created_at}")
    return 0


def cmd_esco_import(args) -> int:
    import time

    from competenze.frameworks.esco.importer import builtin_directory, import_directory

    directory = Path(args.directory) if args.directory else builtin_directory()
    started = time.monotonic()
    with _session() as session:
        report = import_directory(session, directory)
        session.commit()
    summary = report.as_dict()
    print(
        json.dumps(summary)
        if args.json
        else f"imported {directory}: languages {', '.join(summary['languages'])}; the catalogue holds "
        f"{report.occupations} occupations and {report.skills} skills; {report.labels} labels and "
        f"{report.relations} relations written, {report.skipped} rows skipped "
        f"({time.monotonic() - started:.1f} s)"
    )
    return 0


def cmd_audit_verify(_args) -> int:
    from competenze.audit.service import verify_chain

    with _session() as session:
        checked, broken = verify_chain(session)
    if broken is None:
        print(f"audit chain intact: {checked} events verified")
        return 0
    print(f"audit chain BROKEN at event {broken.seq}: {broken.reason}")
    return 1


def cmd_openapi_export(args) -> int:
    from competenze.main import openapi_document
    from competenze.openapi import export

    path = export(Path(args.output), openapi_document())
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="competenze", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the web service")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="bring the database to the latest schema").set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="seed the demo network (idempotent)")
    p.add_argument("--json", action="store_true", help="print the credentials as one JSON object")
    p.set_defaults(func=cmd_demo)

    orgs = sub.add_parser("orgs", help="organisations").add_subparsers(dest="action", required=True)
    p = orgs.add_parser("create", help="create an organisation; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument(
        "--kind", required=True, choices=["region", "municipality", "cpi", "cti", "third_sector", "training_agency"]
    )
    p.add_argument("--province", default=None, help="province code, e.g. BO")
    p.set_defaults(func=cmd_orgs_create)
    orgs.add_parser("list", help="list organisations").set_defaults(func=cmd_orgs_list)

    users = sub.add_parser("users", help="staff accounts").add_subparsers(dest="action", required=True)
    p = users.add_parser("create", help="create a staff account; prints its id")
    p.add_argument("--org", required=True, help="organisation id")
    p.add_argument("--role", required=True, choices=["counsellor", "org_admin", "region_analyst", "admin"])
    p.add_argument("--email", required=True)
    p.add_argument("--name", default=None, help="display name (defaults to the email)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_users_create)

    clients = sub.add_parser("clients", help="machine clients").add_subparsers(dest="action", required=True)
    p = clients.add_parser("create", help="create a machine client; prints client_id and secret as JSON")
    p.add_argument("--org", required=True, help="organisation id")
    p.add_argument("--scope", action="append", required=True, help="repeatable, e.g. dossiers:read")
    p.add_argument("--name", default=None)
    p.set_defaults(func=cmd_clients_create)

    p = sub.add_parser("keys", help="signing keys")
    p.add_argument("action", choices=["generate", "rotate", "list"])
    p.add_argument("--if-missing", action="store_true", help="generate only when no current key exists")
    p.set_defaults(func=cmd_keys)

    esco = sub.add_parser("esco", help="ESCO catalogue").add_subparsers(dest="action", required=True)
    p = esco.add_parser("import", help="load official ESCO v1.2 CSV files (idempotent)")
    p.add_argument(
        "directory",
        nargs="?",
        default=None,
        help="folder with occupations_<lang>.csv, skills_<lang>.csv, occupationSkillRelations.csv "
        "(default: the curated subset shipped with the service)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_esco_import)

    audit = sub.add_parser("audit", help="audit log").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="check the hash chain; reports the first tampered row").set_defaults(
        func=cmd_audit_verify
    )

    openapi = sub.add_parser("openapi", help="OpenAPI document").add_subparsers(dest="action", required=True)
    p = openapi.add_parser("export", help="write openapi/openapi.json")
    p.add_argument("--output", default="openapi/openapi.json")
    p.set_defaults(func=cmd_openapi_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    from competenze.auth.keys import KeySetError
    from competenze.errors import AppError
    from competenze.frameworks.esco.importer import EscoImportError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AppError as exc:
        return _fail(exc.detail)
    except ValidationError as exc:
        return _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    except (KeySetError, EscoImportError, ValueError) as exc:
        return _fail(str(exc))
    except OperationalError as exc:
        return _fail(f"database error ({exc.orig}); is COMPETENZE_DATABASE_URL right and has `competenze migrate` run?")


if __name__ == "__main__":
    sys.exit(main())
