"""The ASGI application: Starlette routes, the GraphQL endpoint and the database lifespan."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise

from graphql_api.cache import build_cache
from graphql_api.http import LinliGraphQL
from graphql_api.schema import schema
from graphql_api.settings import Settings

log = logging.getLogger("linli")


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """Build the app; with ``manage_database`` the lifespan opens and closes the ORM connections.

    Migrations are not run here: ``linli serve`` applies them once before the workers start.
    Unsafe settings (e.g. production with the default secret key) raise ``SettingsError`` here too.
    """
    settings.validate()
    cache = build_cache(settings)
    graphql = LinliGraphQL(settings, schema, cache)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if manage_database:
            async with RegisterTortoise(app, config=settings.tortoise_config(statement_timeout=True)):
                yield
        else:
            yield
        await cache.close()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", health),
        ],
        lifespan=lifespan,
    )
    app.state.cache = cache
    return app
