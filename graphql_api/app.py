"""The ASGI application: Starlette routes, the GraphQL endpoint and the database lifespan."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise

from graphql_api.auth import viewer_from_request
from graphql_api.cache import build_cache
from graphql_api.context import Context
from graphql_api.schema import schema
from graphql_api.settings import Settings

log = logging.getLogger("linli")


class LinliGraphQL(GraphQL):
    """Strawberry's ASGI endpoint with Linli's typed context."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(schema, graphql_ide="graphiql" if not settings.production else None, **kwargs)
        self.settings = settings

    async def get_context(self, request: Any, response: Any = None) -> Context:
        viewer = await viewer_from_request(request, self.settings)
        return Context(settings=self.settings, request=request, response=response, viewer=viewer)


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """Build the app; with ``manage_database`` the lifespan opens and closes the ORM connections.

    Migrations are not run here: ``linli serve`` applies them once before the workers start.
    """
    graphql = LinliGraphQL(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.cache = build_cache(settings)
        if manage_database:
            async with RegisterTortoise(app, config=settings.tortoise_config()):
                yield
        else:
            yield
        await app.state.cache.close()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", health),
        ],
        lifespan=lifespan,
    )
