"""``linli`` command line: serve, migrate, load demo data, create the first admin, write the schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from getpass import getpass

from tortoise import Tortoise
from tortoise.migrations.api import migrate

from graphql_api.settings import Settings, SettingsError

log = logging.getLogger("linli")


async def apply_migrations(settings: Settings) -> None:
    """Bring the database schema up to the latest checked-in migration."""
    try:
        await migrate(config=settings.tortoise_config())
    finally:
        await Tortoise.close_connections()


async def seed_if_empty(settings: Settings) -> None:
    """Load the demo subdistrict into an empty database (no-op when any area exists)."""
    from models import Area
    from resolvers.demo import load_demo_data

    await Tortoise.init(config=settings.tortoise_config())
    try:
        if await Area.exists():
            log.info("Database already holds data; demo data not loaded.")
            return
        summary = await load_demo_data()
        log.info("Loaded demo data: %s", ", ".join(f"{n} {what}" for what, n in summary.items()))
        if not settings.production:
            from resolvers.demo_accounts import load_demo_accounts

            _announce(await load_demo_accounts())
    finally:
        await Tortoise.close_connections()


def _announce(demo) -> None:
    """Tell the developer how to sign in to the demo (passwords only when generated for them)."""
    if demo is None:
        return
    password = demo.password if demo.password_generated else "(LINLI_DEMO_PASSWORD)"
    log.warning("Demo accounts %s, password %s; partner API key %s", ", ".join(demo.usernames), password,
                demo.api_key)


async def create_admin(username: str, password: str):
    """Create a centre admin account (the ORM must be initialised); raises DomainError on bad input."""
    from resolvers.accounts import create_centre_admin

    return await create_centre_admin(username, password)


def admin_create(settings: Settings, username: str) -> None:
    """``linli admin-create``: the password comes from LINLI_ADMIN_PASSWORD or is asked for twice."""
    from resolvers.errors import DomainError

    password = os.environ.get("LINLI_ADMIN_PASSWORD") or getpass("Password (at least 12 characters): ")
    if "LINLI_ADMIN_PASSWORD" not in os.environ and getpass("Repeat the password: ") != password:
        sys.exit("linli: the passwords differ.")
    asyncio.run(apply_migrations(settings))

    async def run() -> None:
        await Tortoise.init(config=settings.tortoise_config())
        try:
            account = await create_admin(username, password)
        finally:
            await Tortoise.close_connections()
        print(f"Created centre admin {account.username!r} (account {account.id}).")

    try:
        asyncio.run(run())
    except DomainError as error:
        sys.exit("linli: " + "; ".join(e.message for e in error.errors))


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Migrate, load demo data on first run, then start uvicorn."""
    import uvicorn

    if workers > 1 and not settings.redis_url:
        sys.exit("linli: several workers share rate budgets, persisted queries and the public read cache only "
                 "through Redis: set REDIS_URL, or run one worker.")
    log.info("Applying migrations to %s", settings.database_url.split("@")[-1])
    asyncio.run(apply_migrations(settings))
    if settings.load_demo_data:
        asyncio.run(seed_if_empty(settings))
    log.info("GraphiQL at http://%s:%d/graphql", host, port)
    uvicorn.run("graphql_api.main:app", host=host, port=port, workers=workers, log_level="info")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``linli`` command."""
    parser = argparse.ArgumentParser(prog="linli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="migrate, load demo data on first run, serve GraphQL")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=1)
    sub.add_parser("migrate", help="apply the checked-in migrations")
    sub.add_parser("seed", help="load the demo data into an empty database")
    sub.add_parser("schema", help="write schema.graphql from the code")
    admin = sub.add_parser("admin-create", help="create a centre admin (password from LINLI_ADMIN_PASSWORD or asked)")
    admin.add_argument("--username", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        sys.exit(f"linli: {exc}")
    if args.command == "serve":
        serve(settings, args.host, args.port, args.workers)
    elif args.command == "migrate":
        asyncio.run(apply_migrations(settings))
    elif args.command == "seed":
        asyncio.run(apply_migrations(settings))
        asyncio.run(seed_if_empty(settings))
    elif args.command == "admin-create":
        admin_create(settings, args.username)
    elif args.command == "schema":
        from graphql_api.schema import main as write_schema

        write_schema()


if __name__ == "__main__":
    main()
