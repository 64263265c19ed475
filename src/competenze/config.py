"""Settings from the environment (prefix COMPETENZE_), validated once at start-up."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPETENZE_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    debug: bool = False
    database_url: str = "sqlite:///var/competenze.db"
    keys_dir: Path = Path("var/keys")
    # A PEM-encoded EC P-256 private key; when set it is the signing key and keys_dir is
    # only read for retired keys. Lets a container get its key from a secret store.
    signing_key_pem: str | None = Field(default=None, repr=False)
    issuer: str = "http://127.0.0.1:8000"
    # Addresses of the reverse proxies whose X-Forwarded-For we believe; the client address
    # drives per-IP sign-in throttling, so it must not be spoofable by anyone else.
    forwarded_allow_ips: str = "127.0.0.1"
    audience: str = "competenze-api"
    access_token_minutes: int = Field(default=10, ge=1, le=15)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    # None means: enabled in development, hidden in production (issue 2, point 4).
    docs_enabled: bool | None = None
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=10 * 1024 * 1024)
    # Sign-in throttling (auth/throttle.py): failures per account and address, per address,
    # and the account-wide count past which every attempt waits a bounded, growing delay.
    login_max_failures_per_account_address: int = Field(default=5, ge=1)
    login_max_failures_per_ip: int = Field(default=20, ge=1)
    login_account_delay_after: int = Field(default=10, ge=1, le=100)
    login_account_max_delay_seconds: int = Field(default=60, ge=1, le=900)
    login_window_seconds: int = Field(default=900, ge=10)
    # Dossiers: how long a new dossier is valid (0: no validUntil), how often one machine
    # client may call the dossier API, and how often one address may open /verify pages.
    dossier_validity_days: int = Field(default=730, ge=0, le=3650)
    client_requests_per_minute: int = Field(default=1200, ge=1)
    verify_requests_per_minute: int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def _production_is_strict(self) -> "Settings":
        # Fail fast: a production process must never run with debug on or a plain-http
        # issuer, because tokens and dossiers name the issuer and outsiders trust it.
        if self.environment == "production":
            if self.debug:
                raise ValueError("COMPETENZE_DEBUG must be false in production")
            if not self.issuer.startswith("https://"):
                raise ValueError("COMPETENZE_ISSUER must be an https:// URL in production")
        return self

    @property
    def show_docs(self) -> bool:
        if self.docs_enabled is None:
            return self.environment != "production"
        return self.docs_enabled

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
