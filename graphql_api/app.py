"""The ASGI application: Starlette routes, the GraphQL endpoint and the database lifespan."""

from __future__ import annotations

import contextlib
import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.contrib.starlette import RegisterTortoise

from graphql_api.bench_stats import Counted, Counters, count_statements, stats_route
from graphql_api.cache import build_cache
from graphql_api.downloads import download_routes
from graphql_api.gc_tuning import tune_garbage_collector
from graphql_api.http import LinliGraphQL
from graphql_api.notification_jobs import notification_sender
from graphql_api.schema import schema
from graphql_api.settings import Settings
from resolvers import need_totals
from resolvers.account_cache import listening
from resolvers.expiry import expiry_job
from resolvers.live_events import publishing
from resolvers.replica import close_replica, use_replica

log = logging.getLogger("linli")


def account_changes(settings: Settings) -> contextlib.AbstractAsyncContextManager:
    """Keep the accounts this worker read until PostgreSQL announces a change (:mod:`resolvers.account_cache`;
    nothing kept on SQLite)."""
    connect = settings.listen_connector()
    return listening(connect) if connect is not None else contextlib.nullcontext()


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """Build the app; with ``manage_database`` the lifespan opens and closes the ORM connections.

    Migrations are not run here: ``linli serve`` applies them once before the workers start. With the database,
    the lifespan also runs the expiry job every ``settings.expiry_interval_seconds`` (:mod:`resolvers.expiry`)
    and, when WeChat is configured, the notification sender (:mod:`resolvers.notification_sender`).
    Unsafe settings (e.g. production with the default secret key) raise ``SettingsError`` here too.
    """
    settings.validate()
    use_replica(settings.replica_connection())  # heavy listings on DATABASE_REPLICA_URL (resolvers.replica)
    cache = build_cache(settings)
    graphql = LinliGraphQL(settings, schema, cache)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if manage_database:
            async with RegisterTortoise(app, config=settings.tortoise_config(statement_timeout=True)):
                tune_garbage_collector()  # graphql_api.gc_tuning: a third of the CPU of nested answers
                await need_totals.detect()  # the tallies' totals (migration 0006), found before the first request
                async with publishing(graphql.need_feed), expiry_job(settings.expiry_interval_seconds), \
                        notification_sender(settings, cache), account_changes(settings):
                    yield
        else:
            yield
        await cache.close()
        await close_replica()
        await graphql.need_feed.close()
        if graphql.public_cache is not None:
            await graphql.public_cache.close()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    endpoint: ASGIApp = graphql
    extra: list = []
    if settings.bench:  # LINLI_BENCH=1: statement and request counters for bench.run, never in a deployment
        counters = Counters()
        count_statements(counters)
        endpoint, extra = Counted(graphql, counters), [stats_route(counters)]
    routes = [Route("/graphql", endpoint, methods=["GET", "POST"]), Route("/healthz", health),
              WebSocketRoute("/graphql", graphql)]  # subscriptions (graphql_api.websocket)
    routes += download_routes(settings, graphql.limiter)  # CSV reports, HSDS open data (graphql_api.downloads)
    app = LinliApp(routes=[*routes, *extra], lifespan=lifespan)
    app.graphql_endpoint = endpoint
    app.state.cache = cache
    return app


class LinliApp(Starlette):
    """Starlette, with ``POST /graphql`` handed straight to the GraphQL endpoint.

    The endpoint answers every failure itself (a coded GraphQL error body, see :mod:`graphql_api.http`), so
    Starlette's error middlewares and router add nothing to the requests that matter most but their time;
    everything else (GET, WebSockets, downloads, a ``root_path`` behind a proxy, the lifespan) goes through
    Starlette as before.
    """

    graphql_endpoint: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.graphql_endpoint is not None and scope["type"] == "http" and scope["method"] == "POST" \
                and scope["path"] == "/graphql" and not scope.get("root_path"):
            scope["app"] = self  # as Starlette sets it (request.app, the shared cache)
            await self.graphql_endpoint(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
