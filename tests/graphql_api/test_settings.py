"""Configuration comes from the environment; production refuses unsafe defaults."""

import pytest

from graphql_api.settings import DEFAULT_DATABASE_URL, DEV_SECRET, Settings, SettingsError

STRONG = "x" * 48


def test_development_defaults_to_embedded_sqlite(monkeypatch):
    for name in ("LINLI_ENV", "DATABASE_URL", "REDIS_URL", "LINLI_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.database_url == DEFAULT_DATABASE_URL and settings.uses_sqlite
    assert settings.redis_url is None
    assert settings.load_demo_data is True


@pytest.mark.parametrize("secret", [None, DEV_SECRET, "short"])
def test_production_refuses_missing_default_or_weak_secret(monkeypatch, secret):
    monkeypatch.setenv("LINLI_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgres://linli@db:5432/linli")
    if secret is None:
        monkeypatch.delenv("LINLI_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("LINLI_SECRET_KEY", secret)
    with pytest.raises(SettingsError, match="LINLI_SECRET_KEY"):
        Settings.from_env()


def test_production_refuses_sqlite(monkeypatch):
    monkeypatch.setenv("LINLI_ENV", "production")
    monkeypatch.setenv("LINLI_SECRET_KEY", STRONG)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(SettingsError, match="PostgreSQL"):
        Settings.from_env()


def test_production_with_postgres_and_secret(monkeypatch):
    monkeypatch.setenv("LINLI_ENV", "production")
    monkeypatch.setenv("LINLI_SECRET_KEY", STRONG)
    monkeypatch.setenv("DATABASE_URL", "postgresql://linli:pw@db:5432/linli")
    settings = Settings.from_env()
    assert settings.database_url == "postgres://linli:pw@db:5432/linli"
    assert settings.load_demo_data is False
    connection = settings.tortoise_config()["connections"]["default"]
    url = connection if isinstance(connection, str) else None
    if url is None:
        assert connection["engine"] == "tortoise.backends.asyncpg"
        assert (connection["credentials"]["host"], connection["credentials"]["database"]) == ("db", "linli")
    else:
        assert url == settings.database_url


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("LINLI_ENV", "staging")
    with pytest.raises(SettingsError, match="LINLI_ENV"):
        Settings.from_env()
