"""Turns a request's credentials into a :class:`~resolvers.access.Viewer`, and refuses bad ones.

Credentials, in headers only (mini-programs keep no cookies):

- ``Authorization: Bearer <access token>``: a signed-in account.
- ``X-Api-Key: <key>`` or ``Authorization: ApiKey <key>``: a partner organization's server.
- nothing: an anonymous caller, known by IP address.

Credentials that are presented but invalid (bad signature, expired, revoked, banned, unknown key) do
not silently fall back to anonymous: the viewer carries ``auth_error`` and :class:`RefuseBadCredentials`
answers the whole operation with one ``UNAUTHENTICATED`` error, readable from the JSON body. Only the
operations that exist to get new credentials (:data:`CREDENTIAL_FREE_FIELDS`) still run, anonymously,
so a client whose access token expired can call ``tokenRefresh`` without dropping its header first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, FieldNode, GraphQLError, get_operation_ast
from strawberry.extensions import SchemaExtension

from graphql_api.settings import Settings
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.viewers import viewer_for_access_token, viewer_for_api_key

CREDENTIAL_FREE_FIELDS = frozenset({"wechatLogin", "staffLogin", "tokenRefresh", "logout", "__typename"})


async def viewer_from_request(request: Any, settings: Settings) -> Viewer:
    """The caller of this request (anonymous with ``auth_error`` set when its credentials are bad)."""
    client = getattr(request, "client", None)
    client_ip = client.host if client else "unknown"
    headers = getattr(request, "headers", None) or {}
    scheme, _, credential = (headers.get("authorization") or "").strip().partition(" ")
    api_key = (headers.get("x-api-key") or "").strip()
    try:
        if scheme and api_key:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Send either an Authorization header or X-Api-Key, not both.")
        if scheme.lower() == "bearer":
            return await viewer_for_access_token(credential.strip(), settings.secret_key, client_ip)
        if scheme.lower() == "apikey":
            api_key = credential.strip()
        elif scheme:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Use `Authorization: Bearer <token>` or `ApiKey <key>`.")
        if api_key:
            return await viewer_for_api_key(api_key, client_ip)
    except DomainError as error:
        return Viewer(client_ip=client_ip, auth_error=error.message)
    return Viewer(client_ip=client_ip)


class RefuseBadCredentials(SchemaExtension):
    """Answers an operation sent with refused credentials with ``UNAUTHENTICATED`` instead of running it."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        viewer = getattr(context, "viewer", None)
        if viewer is not None and viewer.auth_error and not self._only_credential_free_fields():
            error = DomainError(ErrorCode.UNAUTHENTICATED, viewer.auth_error)
            self.execution_context.result = ExecutionResult(
                data=None, errors=[GraphQLError(error.message, original_error=error)]
            )
        yield

    def _only_credential_free_fields(self) -> bool:
        document = self.execution_context.graphql_document
        if document is None:
            return False
        operation = get_operation_ast(document, self.execution_context.operation_name)
        if operation is None:
            return False
        selections = operation.selection_set.selections
        return all(isinstance(s, FieldNode) and s.name.value in CREDENTIAL_FREE_FIELDS for s in selections)
