"""``linli`` command line: serve, migrate, load demo data, write the schema, check migrations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

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
    finally:
        await Tortoise.close_connections()


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Migrate, load demo data on first run, then start uvicorn."""
    import uvicorn

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
    elif args.command == "schema":
        from graphql_api.schema import main as write_schema

        write_schema()


if __name__ == "__main__":
    main()
