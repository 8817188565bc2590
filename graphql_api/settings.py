"""One settings module, read once from the environment.

Every knob of Linli is an environment variable; nothing is read from files at run time. In
``LINLI_ENV=production`` the service refuses to start with a missing or default secret, and
with the embedded SQLite database (a production deployment uses PostgreSQL).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "linli-development-secret-do-not-use-in-production"
DEFAULT_DATABASE_URL = f"sqlite://{ROOT / 'data' / 'linli.sqlite3'}"


class SettingsError(RuntimeError):
    """The environment describes a configuration Linli refuses to run with."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _normalise_db_url(url: str) -> str:
    """Accept the common ``postgresql://`` spelling as well as Tortoise's ``postgres://``."""
    for prefix in ("postgresql+asyncpg://", "postgresql://"):
        if url.startswith(prefix):
            return "postgres://" + url[len(prefix):]
    return url


@dataclass(frozen=True, slots=True)
class Settings:
    """Typed configuration of one Linli process."""

    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str = DEV_SECRET
    load_demo_data: bool = True
    max_page_size: int = 100
    log_level: str = "INFO"
    cache_namespace: str = "linli"

    @property
    def production(self) -> bool:
        """True when running as a real deployment (strict checks apply)."""
        return self.env == "production"

    @property
    def uses_sqlite(self) -> bool:
        """True for the embedded default database."""
        return self.database_url.startswith("sqlite://")

    @classmethod
    def from_env(cls) -> Settings:
        """Read the process environment and validate it."""
        env = os.environ.get("LINLI_ENV", "development").strip().lower()
        if env not in {"development", "production", "test"}:
            raise SettingsError(f"LINLI_ENV must be development, production or test, not {env!r}")
        settings = cls(
            env=env,
            database_url=_normalise_db_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            redis_url=os.environ.get("REDIS_URL") or None,
            secret_key=os.environ.get("LINLI_SECRET_KEY") or DEV_SECRET,
            load_demo_data=_flag("LINLI_DEMO_DATA", default=env != "production"),
            log_level=os.environ.get("LINLI_LOG_LEVEL", "INFO").upper(),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse unsafe production configurations with a message that says what to do."""
        if not self.production:
            return
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            raise SettingsError(
                "LINLI_ENV=production needs LINLI_SECRET_KEY set to a random value of at least "
                "32 characters (for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if self.uses_sqlite:
            raise SettingsError(
                "LINLI_ENV=production needs DATABASE_URL pointing at PostgreSQL "
                "(postgres://user:password@host:5432/linli); the embedded SQLite file is for development."
            )

    def tortoise_config(self) -> dict:
        """The Tortoise ORM configuration for this process."""
        if self.uses_sqlite:
            Path(self.database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
        return {
            "connections": {"default": self.database_url},
            "apps": {
                "models": {
                    "models": ["models"],
                    "migrations": "models.migrations",
                    "default_connection": "default",
                }
            },
            "use_tz": True,
            "timezone": "Asia/Shanghai",
        }


settings = Settings.from_env()

#: Used by the ``tortoise`` command line (``tortoise makemigrations`` / ``tortoise migrate``).
TORTOISE_ORM = settings.tortoise_config()
