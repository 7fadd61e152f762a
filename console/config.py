"""Settings from CONSOLE_* environment variables.

Development defaults make `python3 run.py` work with nothing configured: the database and the
NiceGUI storage live under `var/`, and a storage secret is generated once and kept there so a
restart keeps sessions. Production refuses to start without a real secret.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
INSECURE_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev"})


class ConfigError(RuntimeError):
    """Raised when the console must not start with the given settings."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = ROOT / "var"
    database_url: str | None = None
    # The owner that migrations run as; the console itself may connect as a role with fewer rights (README).
    migration_database_url: str | None = None
    read_database_url: str | None = None
    port: int = Field(default=8080, ge=1, le=65535)
    host: str = "0.0.0.0"  # noqa: S104 - a staff console is reached from other machines
    storage_secret: str | None = None
    db_pool: Literal["queue", "null"] = "queue"  # tests use "null": no connection outlives its unit of work
    idle_timeout_minutes: int = Field(default=30, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    lockout_attempts: int = Field(default=5, ge=1)
    lockout_window_minutes: int = Field(default=15, ge=1)
    scheduler_seconds: int = Field(default=30, ge=0)  # 0 turns the scheduled-publishing job off
    records_key: str | None = None  # Fernet key for 2257 ID scans; development generates var/records.key
    # earlier records keys, comma-separated: still read (decrypt) until `records rekey` has re-encrypted everything
    records_old_keys: str | None = None
    records_retention_years: int = Field(default=7, ge=1, le=100)  # 28 CFR 75.4
    records_scan_max_mb: int = Field(default=15, ge=1, le=200)
    moderation_claim_minutes: int = Field(default=15, ge=1, le=24 * 60)  # how long a claimed case stays someone's
    moderation_intake_seconds: int = Field(default=2, ge=0)  # report rows picked up this often; 0 turns it off
    platform_token: str | None = None  # the platform's bearer token for POST /api/reports (unset: intake API off)
    report_rate_per_minute: int = Field(default=600, ge=1)  # POST /api/reports per client address
    compliance_sweep_hours: int = Field(default=24, ge=0)  # the 2257 sweep of every public video; 0 turns it off
    audit_checkpoint_path: Path | None = None  # default: data_dir/audit-checkpoints.jsonl
    refund_approval_cents: int = Field(default=5000, ge=0)  # refunds above this wait for a second finance person
    stripe_api_key: str | None = None  # unset: the labelled sandbox gateway serves billing
    stripe_api_base: str | None = None  # another Stripe server (tests: localstripe)
    stripe_webhook_secret: str | None = None  # unset: POST /stripe/webhook answers 503
    stripe_max_network_retries: int = Field(default=2, ge=0, le=10)
    stripe_timeout_seconds: int = Field(default=20, ge=1, le=120)
    billing_reconcile_seconds: int = Field(default=60, ge=0)  # refunds left submitting are reconciled; 0 turns it off
    ads_rollup_seconds: int = Field(default=300, ge=0)  # raw impressions/clicks rolled up this often; 0 turns it off
    ads_claim_minutes: int = Field(default=10, ge=1, le=24 * 60)  # how long an ad under review stays a reviewer's
    ads_ctr_alert_percent: float = Field(default=5.0, gt=0, le=100)  # a day's CTR above this is flagged
    ads_creative_max_mb: int = Field(default=20, ge=1, le=200)  # largest creative upload (video ads)
    insights_rollup_seconds: int = Field(default=600, ge=0)  # the insights rollup job; 0 turns it off
    audit_checkpoint_minutes: int = Field(default=5, ge=0)  # 0 turns the periodic checkpoint job off

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'console.db').as_posix()}"

    @property
    def effective_migration_database_url(self) -> str:
        """Where `migrate` (and serve's migration step) connect: the tables' owner; by default the same URL."""
        return self.migration_database_url or self.effective_database_url

    @property
    def checkpoint_path(self) -> Path:
        """The append-only file outside the database that anchors the audit chain's head (audit/checkpoints.py)."""
        return self.audit_checkpoint_path or self.data_dir / "audit-checkpoints.jsonl"

    @property
    def records_path(self) -> Path:
        """Encrypted ID scans: under the data dir, never under a served directory (/media is data_dir/media)."""
        return self.data_dir / "records"

    def effective_records_key(self) -> bytes:
        """The Fernet key for ID scans. Production refuses to run without CONSOLE_RECORDS_KEY."""
        from cryptography.fernet import Fernet

        if self.records_key:
            try:
                Fernet(self.records_key.encode())
            except ValueError as exc:
                raise ConfigError(
                    "CONSOLE_RECORDS_KEY is not a valid Fernet key (32 url-safe base64 bytes); generate one with "
                    "`python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
                ) from exc
            return self.records_key.encode()
        if self.is_production:
            raise ConfigError("CONSOLE_RECORDS_KEY is missing: 2257 ID scans must be encrypted with a managed key.")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "records.key"
        if not path.exists():
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        return path.read_bytes().strip()

    def effective_old_records_keys(self) -> list[bytes]:
        """CONSOLE_RECORDS_OLD_KEYS: keys that only decrypt, oldest last; each checked like the current key."""
        from cryptography.fernet import Fernet

        keys = [k.strip() for k in (self.records_old_keys or "").split(",") if k.strip()]
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key.encode())
            except ValueError as exc:
                raise ConfigError(
                    f"CONSOLE_RECORDS_OLD_KEYS: key {position} is not a valid Fernet key (32 url-safe base64 bytes)."
                ) from exc
        return [k.encode() for k in keys]

    @property
    def storage_path(self) -> Path:
        return self.data_dir / "nicegui"

    def effective_storage_secret(self) -> str:
        """The secret that signs session cookies; generated and kept under var/ in development."""
        if self.storage_secret and self.storage_secret not in INSECURE_SECRETS:
            return self.storage_secret
        if self.is_production:
            raise ConfigError(
                "CONSOLE_STORAGE_SECRET is missing or a default value; set a long random secret "
                "(for example `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "storage_secret"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
