"""Turns a request's credentials into a :class:`~resolvers.access.Viewer` (identity work fills this in)."""

from __future__ import annotations

from typing import Any

from graphql_api.settings import Settings
from resolvers.access import Viewer


async def viewer_from_request(request: Any, settings: Settings) -> Viewer:
    """The caller of this request; anonymous until the identity layer reads tokens and API keys."""
    client = getattr(request, "client", None)
    return Viewer(client_ip=client.host if client else "unknown")
