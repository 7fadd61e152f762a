"""Settings: production refuses a default secret and hardens cookies; development keeps a generated secret."""

from __future__ import annotations

import pytest

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
