"""How errors leave the API: expected ones with ``extensions.code``, unexpected ones masked.

An unexpected exception is logged with its traceback under a correlation id; the client sees only
``INTERNAL`` and that id, never a traceback, SQL or class name.
"""

from __future__ import annotations

import logging
import uuid

from asyncpg.exceptions import QueryCanceledError
from graphql.error import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.exceptions import InvalidOperationTypeError

from resolvers.errors import DomainError, ErrorCode

log = logging.getLogger("linli.errors")
_KNOWN_CODES = frozenset(code.value for code in ErrorCode)


class CodedErrors(MaskErrors):
    """Adds ``extensions.code`` to every error and masks the unexpected ones."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._process_one(error) for error in errors]

    def _process_one(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            extensions = {"code": original.code.value}
            if original.field:
                extensions["field"] = original.field
            return self._rebuild(error, original.message, extensions)
        if _statement_timed_out(original):
            log.warning("A statement ran past the PostgreSQL statement_timeout at %s", error.path)
            message = "A database statement ran too long and was cancelled."
            return self._rebuild(error, message, {"code": ErrorCode.TIMEOUT.value})
        if isinstance(original, StrawberryInputCoercionError):  # e.g. a malformed global ID argument
            code = ErrorCode.INVALID_ID if isinstance(original, GlobalIDValueError) else ErrorCode.INVALID
            return self._rebuild(error, error.message, {"code": code.value})
        if isinstance(original, InvalidOperationTypeError):  # a query or mutation sent over the WebSocket
            message = "Only subscriptions run over a WebSocket: send queries and mutations with HTTP."
            return self._rebuild(error, message, {"code": ErrorCode.METHOD_NOT_ALLOWED.value})
        if isinstance(original, GraphQLError) and (original.extensions or {}).get("code") in _KNOWN_CODES:
            return self._rebuild(error, original.message, dict(original.extensions))
        if original is None or (not error.path and error.nodes):
            # No exception behind it, or a value of the document or its variables refused before execution
            # (an unknown enum value, a malformed date): the client's mistake, not ours.
            code = (error.extensions or {}).get("code") or ErrorCode.GRAPHQL_VALIDATION_FAILED.value
            return self._rebuild(error, error.message, {**(error.extensions or {}), "code": code})
        correlation_id = uuid.uuid4().hex
        log.error("Unexpected error %s at %s", correlation_id, error.path, exc_info=original)
        return self._rebuild(
            error,
            f"Unexpected error; quote correlation id {correlation_id} when reporting it.",
            {"code": ErrorCode.INTERNAL.value, "correlationId": correlation_id},
        )

    @staticmethod
    def _rebuild(error: GraphQLError, message: str, extensions: dict) -> GraphQLError:
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


def _statement_timed_out(error: BaseException | None) -> bool:
    """True when PostgreSQL cancelled a statement (``statement_timeout``), raised as is or wrapped by Tortoise."""
    return isinstance(error, QueryCanceledError) or isinstance(getattr(error, "__cause__", None), QueryCanceledError)
