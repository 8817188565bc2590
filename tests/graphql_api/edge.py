"""The edge tests' client: an app with real limits, raw HTTP answers, and a check of every error code it sees.

Every answer read through :func:`codes` must carry only codes of the documented ``ErrorCode`` enum; the
codes seen are collected in ``SEEN`` (test_http.py checks the enum covers each one the edge emits).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette

from graphql_api.app import create_app
from graphql_api.context import Context
from graphql_api.http import LinliGraphQL
from graphql_api.settings import Limits, Settings
from resolvers.access import Viewer
from resolvers.errors import ErrorCode

DOCUMENTED = {code.value for code in ErrorCode}
SEEN: set[str] = set()
GRAPHQL_RESPONSE = "application/graphql-response+json"


def settings(**overrides: Any) -> Settings:
    """Test settings with the real default limits, except ``overrides`` (limit names or settings fields)."""
    limit_names = set(Limits.__dataclass_fields__)
    limits = Limits(**{k: v for k, v in overrides.items() if k in limit_names})
    return Settings(**{"env": "test", **{k: v for k, v in overrides.items() if k not in limit_names}}, limits=limits)


def production(**overrides: Any) -> Settings:
    """Production settings (the database URL is not used: tests bring their own database)."""
    return settings(env="production", secret_key="s" * 48, database_url="postgres://linli@db:5432/linli", **overrides)


def view_of(app: Starlette) -> LinliGraphQL:
    """The GraphQL view of an app."""
    return next(route.endpoint for route in app.routes if isinstance(getattr(route, "endpoint", None), LinliGraphQL))


def codes(response: httpx.Response) -> list[str]:
    """The ``extensions.code`` of every error of an answer; each must be documented."""
    found = [error.get("extensions", {}).get("code") for error in response.json().get("errors") or ()]
    undocumented = [code for code in found if code not in DOCUMENTED]
    assert not undocumented, f"undocumented codes {undocumented} in {response.text}"
    SEEN.update(found)
    return found


@dataclass
class Endpoint:
    """Sends raw GraphQL-over-HTTP requests to one app."""

    http: httpx.AsyncClient
    app: Starlette

    async def post(self, query: str | None, variables: dict | None = None, *, accept: str | None = None,
                   extensions: dict | None = None, operation_name: str | None = None) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if extensions is not None:
            body["extensions"] = extensions
        if operation_name is not None:
            body["operationName"] = operation_name
        return await self.http.post("/graphql", json=body, headers={"accept": accept} if accept else {})

    async def get(self, params: dict[str, str], accept: str | None = None) -> httpx.Response:
        return await self.http.get("/graphql", params=params, headers={"accept": accept} if accept else {})

    async def data(self, query: str, variables: dict | None = None) -> dict:
        """Post and assert a clean answer; return ``data``."""
        response = await self.post(query, variables)
        assert response.status_code == 200 and not codes(response), response.text
        return response.json()["data"]


def act_as(app: Starlette, viewer: Viewer) -> None:
    """Make every request to ``app`` come from ``viewer``."""
    view = view_of(app)

    async def context(request: Any, response: Any = None) -> Context:
        return Context(settings=view.settings, request=request, response=response, viewer=viewer)

    view.get_context = context  # type: ignore[method-assign]


@asynccontextmanager
async def endpoint(app_settings: Settings | None = None, viewer: Viewer | None = None,
                   client: tuple[str, int] = ("203.0.113.7", 40000)) -> AsyncIterator[Endpoint]:
    """A client of a fresh app (real limits by default), optionally acting as ``viewer``."""
    app = create_app(app_settings or settings(), manage_database=False)
    if viewer is not None:
        act_as(app, viewer)
    transport = httpx.ASGITransport(app=app, client=client)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://linli.test", timeout=30) as http:
            yield Endpoint(http, app)
    finally:
        await app.state.cache.close()
