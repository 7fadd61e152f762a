"""Settings: production refuses a default secret and hardens cookies; development keeps a generated secret."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from console.config import ConfigError, Settings


def test_production_refuses_missing_or_default_secret(tmp_path) -> None:
    for secret in (None, "", "change-me", "secret"):
        settings = Settings(environment="production", storage_secret=secret, data_dir=tmp_path)
        with pytest.raises(ConfigError):
            settings.effective_storage_secret()


def test_development_generates_and_keeps_a_secret(tmp_path) -> None:
    first = Settings(environment="development", storage_secret=None, data_dir=tmp_path).effective_storage_secret()
    second = Settings(environment="development", storage_secret=None, data_dir=tmp_path).effective_storage_secret()
    assert first == second and len(first) >= 40
    assert (tmp_path / "storage_secret").stat().st_mode & 0o077 == 0


def test_production_cookies_are_https_only_and_lax(monkeypatch, tmp_path) -> None:
    from console import config, web

    monkeypatch.setenv("CONSOLE_ENVIRONMENT", "production")
    monkeypatch.setenv("CONSOLE_STORAGE_SECRET", "x" * 48)
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", Fernet.generate_key().decode())
    config.get_settings.cache_clear()
    options = web.run_options()
    assert options["session_middleware_kwargs"]["https_only"] is True
    assert options["session_middleware_kwargs"]["same_site"] == "lax"
    assert options["storage_secret"] == "x" * 48


def test_serve_refuses_to_start_in_production_without_secret(monkeypatch, capsys) -> None:
    from console import cli, config

    monkeypatch.setenv("CONSOLE_ENVIRONMENT", "production")
    monkeypatch.delenv("CONSOLE_STORAGE_SECRET", raising=False)
    config.get_settings.cache_clear()
    assert cli.main(["serve"]) == 2
    assert "CONSOLE_STORAGE_SECRET" in capsys.readouterr().err


def test_sqlite_is_the_default_database(tmp_path) -> None:
    settings = Settings(database_url=None, data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'console.db'}"


def test_production_refuses_to_run_without_a_valid_records_key(monkeypatch, tmp_path) -> None:
    """2257 ID scans must be encrypted with a managed key in production: no key or a malformed key stops start-up."""
    from console import config, web

    for key in (None, "not-a-fernet-key"):
        settings = Settings(environment="production", records_key=key, data_dir=tmp_path)
        with pytest.raises(ConfigError):
            settings.effective_records_key()
    assert not (tmp_path / "records.key").exists()
    monkeypatch.setenv("CONSOLE_ENVIRONMENT", "production")
    monkeypatch.setenv("CONSOLE_STORAGE_SECRET", "x" * 48)
    monkeypatch.delenv("CONSOLE_RECORDS_KEY", raising=False)
    config.get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="CONSOLE_RECORDS_KEY"):
            web.run_options()
    finally:
        config.get_settings.cache_clear()


def test_development_generates_and_keeps_a_private_records_key(tmp_path) -> None:
    first = Settings(environment="development", data_dir=tmp_path).effective_records_key()
    second = Settings(environment="development", data_dir=tmp_path).effective_records_key()
    assert first == second
    Fernet(first)  # a usable key
    assert (tmp_path / "records.key").stat().st_mode & 0o077 == 0
    given = Fernet.generate_key()
    assert (
        Settings(environment="production", records_key=given.decode(), data_dir=tmp_path).effective_records_key()
        == given
    )
