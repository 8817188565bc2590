"""Subscriptions over a WebSocket: the ``graphql-transport-ws`` protocol, signed in at ``connection_init``.

A client opens ``ws(s)://.../graphql`` with the sub-protocol ``graphql-transport-ws`` and sends
``{"type": "connection_init", "payload": {"authorization": "Bearer <access token>"}}`` (headers of the
upgrade request are not read: mini-programs and browsers cannot always set them). A missing, bad,
expired or revoked token, or a partner's API key (partners never see needs), closes the connection with
4403 Forbidden. Only subscriptions run over the socket (queries and mutations go over HTTP, where the
request rules apply); each goes through the same document limits and cost as over HTTP, at most
:data:`MAX_SUBSCRIPTIONS` at once per connection, and the ``connection_init`` must come within
:data:`INIT_TIMEOUT` (else 4408).

A connection lives longer than an access token (15 minutes): before each change it delivers, the token
is checked again (its expiry, a ban, a revocation), and the viewer's reach reloaded. A refused token
ends the subscription with ``UNAUTHENTICATED``: the client signs in again (``tokenRefresh``) and opens a
new connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.base import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from graphql_api.context import Context
from graphql_api.loaders import Loaders
from graphql_api.public_cache import PublicReads
from resolvers.errors import DomainError
from resolvers.viewers import viewer_for_access_token

MAX_SUBSCRIPTIONS = 20
INIT_TIMEOUT = timedelta(seconds=10)


@dataclass
class ConnectionContext(Context):
    """The context of one WebSocket connection, shared by its subscriptions.

    ``connection_params`` is the ``connection_init`` payload (set by Strawberry); ``access_token`` the token
    it carried; ``need_feed`` the :mod:`resolvers.live_feeds` feed the subscriptions follow.
    """

    connection_params: dict | None = None
    access_token: str = ""
    need_feed: Any = None

    async def refresh(self) -> None:
        """Before a delivery: check the token again (raises UNAUTHENTICATED), then fresh loaders and reach."""
        self.viewer = await viewer_for_access_token(self.access_token, self.settings.secret_key, self.viewer.client_ip)
        self.loaders = Loaders(PublicReads(self.public_cache) if self.public_cache is not None else None)
        self._scope = self._known = None


async def accept_connection(context: ConnectionContext) -> UnsetType:
    """Sign the connection in with the ``connection_init`` token, or refuse it (4403)."""
    params = context.connection_params or {}
    credential = params.get("authorization") or params.get("Authorization")
    scheme, _, token = (credential if isinstance(credential, str) else "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
    try:
        context.viewer = await viewer_for_access_token(token, context.settings.secret_key, context.viewer.client_ip)
    except DomainError:
        raise ConnectionRejectionError({"code": "UNAUTHENTICATED"}) from None
    context.access_token = token
    return UNSET


class SubscriptionsOnly:
    """The schema as the socket sees it: ``stream`` runs subscriptions only (others get METHOD_NOT_ALLOWED)."""

    def __init__(self, schema: BaseSchema) -> None:
        self.schema = schema

    async def stream(self, query: str | None, **kwargs: Any) -> Any:
        return await self.schema.stream(query, allowed_operation_types=(OperationType.SUBSCRIPTION,), **kwargs)


class SubscriptionsOnlyHandler(BaseGraphQLTransportWSHandler):
    """Strawberry's ``graphql-transport-ws`` handler on :class:`SubscriptionsOnly`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["schema"] = SubscriptionsOnly(kwargs["schema"])
        super().__init__(**kwargs)
