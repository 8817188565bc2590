"""The typed per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from graphql_api.loaders import Loaders
from graphql_api.settings import Settings
from resolvers.access import ANONYMOUS, Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.scope import Scope, load_scope, static_scope


@dataclass
class Context:
    """What a resolver may use: the settings, the request, this request's loaders and its caller.

    ``public_cache`` is the app's :class:`~graphql_api.public_cache.PublicCache` (None when it is off).
    """

    settings: Settings
    request: Any = None
    response: Any = None
    loaders: Loaders = field(default_factory=Loaders)
    viewer: Viewer = ANONYMOUS
    public_cache: Any = None
    _scope: asyncio.Task | None = None
    _known: Scope | None = None

    async def scope(self) -> Scope:
        """What this request's viewer may see, loaded once (concurrent resolvers share the load; a scope that
        needs no statement is known at once, :func:`~resolvers.scope.static_scope`)."""
        if self._known is not None:
            return self._known
        if self._scope is None:
            self._known = static_scope(self.viewer)
            if self._known is not None:
                return self._known
            self._scope = asyncio.ensure_future(load_scope(self.viewer))
        return await self._scope

    def require(self, allowed: bool, message: str = "You may not see or do this.") -> None:
        """Raise FORBIDDEN (or UNAUTHENTICATED for an anonymous caller) unless ``allowed``."""
        if allowed:
            return
        if not self.viewer.authenticated:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first.")
        raise DomainError(ErrorCode.FORBIDDEN, message)

    @property
    def cache(self) -> Any:
        """The process's shared cache (aiocache, built by the app's lifespan), or None outside an app."""
        app = getattr(self.request, "app", None)
        return getattr(getattr(app, "state", None), "cache", None)

    @property
    def user_agent(self) -> str:
        """The caller's User-Agent header, cut to 120 characters (kept with refresh tokens)."""
        headers = getattr(self.request, "headers", None) or {}
        return (headers.get("user-agent") or "")[:120]


Info = StrawberryInfo[Context, None]
