"""create_app(settings): the one place where the application is assembled."""

import gc
import logging
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from competenze.assessments.digital.router import router as digital_router
from competenze.assessments.experience.router import router as experience_router
from competenze.assessments.language.router import router as language_router
from competenze.auth import keys as signing_keys
from competenze.auth.keys import KeyRing
from competenze.auth.router import router as auth_router
from competenze.config import Settings, get_settings
from competenze.db import WalCheckpointer, make_engine
from competenze.dossiers.router import pull_router as dossier_pull_router
from competenze.dossiers.router import router as dossiers_router
from competenze.errors import install_error_handlers
from competenze.frameworks.router import router as frameworks_router
from competenze.hotpath import LoopConnection
from competenze.openapi import published
from competenze.organisations.models import Organisation
from competenze.organisations.router import router as organisations_router
from competenze.participants.router import router as participants_router
from competenze.plans.router import consent_router as consent_withdrawal_router
from competenze.plans.router import router as plans_router
from competenze.web.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SQLiteTurnMiddleware,
)
from competenze.web.pages import router as pages_router

log = logging.getLogger("competenze")

API_DESCRIPTION = (
    "Skills assessment and signed competence dossiers for Emilia-Romagna's integration "
    "programme (PLEIADI). Errors are RFC 9457 application/problem+json."
)


class StartupRefused(RuntimeError):
    """The configuration is unsafe for the chosen environment."""


def _refuse_unsafe_production(settings: Settings, engine) -> None:
    if settings.environment != "production":
        return
    try:
        with Session(engine) as session:
            demo = session.exec(select(Organisation.id).where(col(Organisation.is_demo)).limit(1)).first()
    except SQLAlchemyError as exc:
        raise StartupRefused(f"database not ready ({exc.__class__.__name__}); run `competenze migrate`") from None
    if demo is not None:
        raise StartupRefused(
            "this database holds the demo network (demo passwords and secrets); production refuses to start on it"
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    keys = KeyRing(settings.keys_dir, settings.signing_key_pem)
    keys.current  # fail fast when no signing key exists  # noqa: B018

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        _refuse_unsafe_production(settings, engine)
        checkpointer = None
        if settings.is_sqlite and engine.url.database not in (None, "", ":memory:"):
            checkpointer = WalCheckpointer(engine.url.database)
            checkpointer.start()
        # Everything built at start-up (routes, models, metadata, catalogues) lives as long as
        # the process: out of the collector's sight, full collections stop walking it again
        # and again under load.
        gc.collect()
        gc.freeze()
        yield
        if checkpointer is not None:
            checkpointer.stop()
        if app.state.loop_connection is not None:
            app.state.loop_connection.close()
        engine.dispose()

    docs = settings.show_docs
    app = FastAPI(
        title="competenze",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        debug=settings.debug,
        docs_url=None,
        redoc_url=None,  # /docs is web.pages.api_docs
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings, app.state.engine, app.state.keys = settings, engine, keys
    # On SQLite the hot path's transactions run in the event loop, on a connection of their own.
    app.state.loop_connection = LoopConnection(engine) if settings.is_sqlite else None

    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.is_sqlite:
        app.add_middleware(SQLiteTurnMiddleware)
    app.add_middleware(RequestContextMiddleware)  # outermost: every response has an id

    # Routing tries routes in order: the dossier pull first, because CPI systems pull all day,
    # its route placed on the app itself rather than behind include_router, whose matching
    # of an included router's routes was ~5 % of a pull (bench/dossiers.py).
    app.router.routes.extend(dossier_pull_router.routes)
    app.include_router(dossiers_router)
    app.include_router(auth_router)
    app.include_router(organisations_router)
    app.include_router(participants_router)
    app.include_router(consent_withdrawal_router)
    app.include_router(language_router)
    app.include_router(digital_router)
    app.include_router(experience_router)
    app.include_router(plans_router)
    app.include_router(frameworks_router)
    app.include_router(pages_router)
    # Swagger UI's own files (the fastapi-offline package ships them), then ours.
    app.mount(
        "/static/swagger", StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="swagger"
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static")

    built_openapi = app.openapi
    app.openapi = lambda: published(built_openapi())  # type: ignore[method-assign]

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """The process is up (no dependencies checked)."""
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """The database answers and a signing key is loaded: ready for traffic."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503, headers={"Retry-After": "5"}
            )
        return JSONResponse({"status": "ready"})

    return app


def openapi_document() -> dict:
    """The schema of an app built with neutral settings (so the file does not depend on
    the machine that exported it)."""
    with tempfile.TemporaryDirectory() as tmp:
        signing_keys.generate(Path(tmp) / "keys")
        app = create_app(
            Settings(
                database_url=f"sqlite:///{tmp}/schema.db",
                keys_dir=Path(tmp) / "keys",
                docs_enabled=True,
                environment="development",
            )
        )
        return app.openapi()
