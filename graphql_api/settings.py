"""One settings module, read once from the environment.

Every knob of Linli is an environment variable; nothing is read from files at run time. In
``LINLI_ENV=production`` the service refuses to start with a missing or default secret, and
with the embedded SQLite database (a production deployment uses PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

from models.enums import NotificationKind
from resolvers.account_cache import LISTENER_NAME

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "linli-development-secret-do-not-use-in-production"
WECHAT_API_BASE = "https://api.weixin.qq.com"
DEFAULT_DATABASE_URL = f"sqlite://{ROOT / 'data' / 'linli.sqlite3'}"
PERSISTED_DOCUMENTS = ROOT / "graphql_api" / "documents"


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


def _number(name: str, default: float, cast: type = int):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = cast(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, not {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may ask of the endpoint (the README's "Limits" table lists each with its error code)."""

    max_body_bytes: int = 64 * 1024
    max_tokens: int = 2000
    max_depth: int = 10
    max_aliases: int = 15
    max_input_list: int = 100
    max_cost: int = 5000
    validation_budget: int = 20_000
    rate_points: int = 50_000
    rate_window_seconds: int = 60
    execution_timeout_seconds: float = 10.0
    statement_timeout_ms: int = 5000

    @classmethod
    def from_env(cls) -> Limits:
        """Each limit from its ``LINLI_...`` variable (see ``LIMIT_VARIABLES``), with the defaults above."""
        defaults = cls()
        return cls(**{
            name: _number(variable, getattr(defaults, name), type(getattr(defaults, name)))
            for name, variable in LIMIT_VARIABLES.items()
        })


LIMIT_VARIABLES = {
    "max_body_bytes": "LINLI_MAX_BODY_BYTES",
    "max_tokens": "LINLI_MAX_TOKENS",
    "max_depth": "LINLI_MAX_DEPTH",
    "max_aliases": "LINLI_MAX_ALIASES",
    "max_input_list": "LINLI_MAX_INPUT_LIST",
    "max_cost": "LINLI_MAX_COST",
    "validation_budget": "LINLI_VALIDATION_BUDGET",
    "rate_points": "LINLI_RATE_LIMIT_POINTS",
    "rate_window_seconds": "LINLI_RATE_LIMIT_WINDOW",
    "execution_timeout_seconds": "LINLI_EXECUTION_TIMEOUT",
    "statement_timeout_ms": "LINLI_STATEMENT_TIMEOUT_MS",
}


@dataclass(frozen=True, slots=True)
class Notifications:
    """WeChat subscription messages: a template per kind and the pace of the background sender.

    The sender runs in every worker when WeChat is configured (``WECHAT_APPID`` and ``WECHAT_SECRET``) and
    ``LINLI_NOTIFICATION_SENDER`` is not off; the README's "Notifications" section lists the variables.
    """

    sender: bool = True
    templates: dict[str, str] = field(default_factory=dict)
    miniprogram_state: str = "formal"
    interval_seconds: float = 5.0
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    max_attempts: int = 8
    lease_seconds: float = 60.0
    reminder_interval_seconds: float = 600.0
    reminder_from_hour: int = 17

    @classmethod
    def from_env(cls) -> Notifications:
        """Each value from its variable, with the defaults above."""
        state = (os.environ.get("WECHAT_MINIPROGRAM_STATE") or "formal").strip().lower()
        if state not in {"developer", "trial", "formal"}:
            raise SettingsError(f"WECHAT_MINIPROGRAM_STATE must be developer, trial or formal, not {state!r}")
        hour = _number("LINLI_REMINDER_FROM_HOUR", 17)
        if hour > 23:
            raise SettingsError(f"LINLI_REMINDER_FROM_HOUR is an hour of the day (1-23), not {hour}")
        templates = {kind.value: os.environ[f"WECHAT_TEMPLATE_{kind.value}"].strip() for kind in NotificationKind
                     if (os.environ.get(f"WECHAT_TEMPLATE_{kind.value}") or "").strip()}
        return cls(
            sender=_flag("LINLI_NOTIFICATION_SENDER", default=True), templates=templates, miniprogram_state=state,
            interval_seconds=_number("LINLI_NOTIFICATION_INTERVAL_SECONDS", 5.0, float),
            backoff_seconds=_number("LINLI_NOTIFICATION_BACKOFF_SECONDS", 30.0, float),
            backoff_max_seconds=_number("LINLI_NOTIFICATION_BACKOFF_MAX_SECONDS", 3600.0, float),
            max_attempts=_number("LINLI_NOTIFICATION_MAX_ATTEMPTS", 8),
            lease_seconds=_number("LINLI_NOTIFICATION_LEASE_SECONDS", 60.0, float),
            reminder_interval_seconds=_number("LINLI_REMINDER_INTERVAL_SECONDS", 600.0, float),
            reminder_from_hour=hour,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Typed configuration of one Linli process."""

    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str = field(default=DEV_SECRET, repr=False)
    load_demo_data: bool = True
    max_page_size: int = 100
    log_level: str = "INFO"
    cache_namespace: str = "linli"
    wechat_appid: str | None = None
    wechat_secret: str | None = field(default=None, repr=False)
    wechat_api_base: str = WECHAT_API_BASE
    limits: Limits = field(default_factory=Limits)
    persisted_only: bool = False
    persisted_documents: Path = PERSISTED_DOCUMENTS
    expiry_interval_seconds: float = 300.0
    notifications: Notifications = field(default_factory=Notifications)
    database_replica_url: str | None = None
    public_cache: bool = True
    direct_path: bool = True  # queries in plain JSON bodies skip Strawberry's view (graphql_api.direct)
    bench: bool = False
    time_bank_cap_hours: int = 1500

    @property
    def production(self) -> bool:
        """True when running as a real deployment (strict checks apply)."""
        return self.env == "production"

    @property
    def wechat_enabled(self) -> bool:
        """True when the WeChat mini-program login is configured (both the AppID and the AppSecret)."""
        return bool(self.wechat_appid and self.wechat_secret)

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
            cache_namespace=(os.environ.get("LINLI_CACHE_NAMESPACE") or "").strip() or "linli",
            wechat_appid=os.environ.get("WECHAT_APPID") or None,
            wechat_secret=os.environ.get("WECHAT_SECRET") or None,
            wechat_api_base=(os.environ.get("WECHAT_API_BASE") or WECHAT_API_BASE).rstrip("/"),
            limits=Limits.from_env(),
            persisted_only=_flag("LINLI_PERSISTED_ONLY", default=False),
            persisted_documents=Path(os.environ.get("LINLI_PERSISTED_DOCUMENTS") or PERSISTED_DOCUMENTS),
            expiry_interval_seconds=_number("LINLI_EXPIRY_INTERVAL_SECONDS", 300.0, float),
            notifications=Notifications.from_env(),
            database_replica_url=_normalise_db_url(os.environ.get("DATABASE_REPLICA_URL") or "") or None,
            public_cache=_flag("LINLI_PUBLIC_CACHE", default=True),
            direct_path=_flag("LINLI_DIRECT_PATH", default=True),
            bench=_flag("LINLI_BENCH", default=False),
            time_bank_cap_hours=_number("LINLI_TIME_BANK_CAP_HOURS", 1500),
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
        if self.wechat_appid and not self.wechat_secret:
            raise SettingsError(
                "WECHAT_APPID is set, so WeChat login is enabled: set WECHAT_SECRET to the mini-program's "
                "AppSecret (WeChat console, Development > Development settings)."
            )
        if not self.wechat_api_base.startswith("https://"):
            raise SettingsError("LINLI_ENV=production needs WECHAT_API_BASE to be an https:// URL.")
        if self.uses_sqlite:
            raise SettingsError(
                "LINLI_ENV=production needs DATABASE_URL pointing at PostgreSQL "
                "(postgres://user:password@host:5432/linli); the embedded SQLite file is for development."
            )

    def tortoise_config(self, *, statement_timeout: bool = False) -> dict:
        """The Tortoise ORM configuration for this process.

        With ``statement_timeout`` (the serving app) PostgreSQL cancels any statement running longer than
        ``limits.statement_timeout_ms``; migrations and the command line run without it. The read replica
        is not part of it (:meth:`replica_connection`).
        """
        if self.uses_sqlite:
            Path(self.database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
        connections = {"default": self._connection(statement_timeout)}
        return {
            "connections": connections,
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

    def replica_connection(self) -> dict | None:
        """The connection of ``DATABASE_REPLICA_URL`` (PostgreSQL, with the statement timeout), or None.

        Heavy reads go there (:mod:`resolvers.replica`); it is kept out of :meth:`tortoise_config`, where a
        second connection would make Tortoise refuse transactions that do not name their connection.
        """
        if not self.database_replica_url or self.uses_sqlite:
            return None
        return self._connection(True, self.database_replica_url)  # type: ignore[return-value]

    def listen_connector(self) -> Callable[[], Awaitable[Any]] | None:
        """A function opening the connection that listens to account changes (:mod:`resolvers.account_cache`),
        or None on SQLite (no notifications there: accounts are read on every request)."""
        if self.uses_sqlite:
            return None
        credentials = expand_db_url(self.database_url)["credentials"]
        arguments = {name: credentials.get(name) for name in ("host", "port", "user", "password", "database", "ssl")}

        def connect() -> Awaitable[Any]:
            import asyncpg

            return asyncpg.connect(**{k: v for k, v in arguments.items() if v is not None}, timeout=10,
                                   server_settings={"application_name": LISTENER_NAME})

        return connect

    def _connection(self, statement_timeout: bool, url: str | None = None) -> str | dict:
        url = url or self.database_url
        if url.startswith("sqlite://"):
            return url
        connection = expand_db_url(url)
        connection["credentials"]["reset"] = keep_session
        server_settings = connection["credentials"].setdefault("server_settings", {})
        server_settings.update(SESSION_SETTINGS)
        if statement_timeout:
            server_settings["statement_timeout"] = str(self.limits.statement_timeout_ms)
        return connection


SESSION_SETTINGS = {
    "jit": "off",  # short statements: JIT compiling them costs more than it saves
    # asyncpg prepares every statement, and after five runs PostgreSQL may keep one generic plan for all
    # values: for the matching pre-filter and the need list (partial indexes chosen by the values) such a
    # plan was up to 20 times slower for some values. Planning each run costs far less than that.
    "plan_cache_mode": "force_custom_plan",
    # the API's statements are short and many run at once: starting a parallel plan's workers took ~5 ms (a
    # 2 ms statistics statement took 9 ms), and the workers take the cores other requests need. The console's
    # reports, long scans of a season of needs, ask for them again (resolvers.reports.sql).
    "max_parallel_workers_per_gather": "0",
}
"""The session settings of the app's PostgreSQL connections (``bench.explain`` explains with them too)."""


async def keep_session(connection: object) -> None:
    """asyncpg's pool ``reset``: nothing to undo when a connection goes back to the pool.

    Tortoise takes a pooled connection for every statement, and asyncpg's default reset sends
    ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` on every release: one more
    round trip per statement. Linli never takes advisory locks, opens cursors, listens, or changes a
    session setting (the statement timeout is a connection parameter), so there is nothing to reset;
    asyncpg still rolls back a transaction left open before it calls this.
    """


settings = Settings.from_env()

#: Used by the ``tortoise`` command line (``tortoise makemigrations`` / ``tortoise migrate``).
TORTOISE_ORM = settings.tortoise_config()
