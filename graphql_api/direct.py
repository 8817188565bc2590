"""The direct path: a query sent by POST answered without Strawberry's view and ``schema.execute`` wrappers.

Strawberry's HTTP view and ``Schema.execute`` wrap every request in layers that a query of a known,
valid document does not need: a request adapter, a sub-response, an execution context, four extension
hook rounds (each an async context manager), the error pipeline. For a small query (one need with its
ten proposals) that was about a third of the server's CPU per request. The direct path does the same
steps in the same order with plain calls, for the requests where every step is the ordinary one:

- ``POST`` with a JSON body (``application/json``) that is one object with a ``query`` string, optional
  ``variables`` object and ``operationName`` string, no ``extensions`` (persisted queries take the long
  way), and an ``Accept`` asking for one JSON answer (not a multipart or event stream);
- the document parses within the token limits and validates (kept in :data:`graphql_api.document_cache.DOCUMENTS`,
  shared with the long way) and the operation it runs is a query;
- the caller's credentials are good, the document and variables are within :mod:`graphql_api.limits`, its
  cost within the ceiling (:mod:`graphql_api.cost`), and the persisted-only rule does not apply to the caller.

Anything else is decided before any point is charged and goes through Strawberry's view as before
(with the context already built, so credentials are read once), which produces the coded errors. On
the direct path the caller is charged as on the long way (one point on arrival, the rest of the cost before
execution): in one charge when the budget holds the whole cost (one round trip to Redis, not two), else the
arrival point alone, which is what the long way leaves charged then. Errors get the same codes and masking
(:class:`graphql_api.errors.CodedErrors`) and are logged by the schema as before, and the answer has the same
status, headers, media type and ``extensions.cost``. ``tests/graphql_api/test_direct_path.py`` sends the same
requests both ways and compares the whole HTTP answers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast, parse
from graphql.execution import execute
from graphql.validation import specified_rules
from graphql.validation.rules import overlapping_fields_can_be_merged as overlapping_fields
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.base import BaseSchema
from strawberry.schema.schema import validate_document
from strawberry.utils.await_maybe import await_maybe

from graphql_api.context import Context
from graphql_api.cost import operation_cost
from graphql_api.document_cache import DOCUMENTS, MAX_TEXT, document_key
from graphql_api.errors import CodedErrors
from graphql_api.limits import limit_errors
from graphql_api.persisted import RESTRICTED_ROLES, PersistedQueries
from graphql_api.rate_limit import RateLimiter, Verdict
from graphql_api.responses import JSON, finish_body
from graphql_api.settings import Settings
from resolvers.access import Role
from resolvers.errors import ErrorCode

VALIDATION_RULES = tuple(specified_rules)
"""Strawberry's default rules (``validate_document`` adds its own two), as the long way runs them."""

_MASK = CodedErrors()


@dataclass(frozen=True, slots=True)
class Call:
    """One operation read from a JSON body that may take the direct path."""

    query: str
    variables: dict | None
    operation_name: str | None


def wants_one_json_answer(headers: Any) -> bool:
    """``POST`` bodies of JSON, answered as one JSON document (no multipart or event-stream transport)."""
    content_type = headers.get("content-type") or ""
    accept = headers.get("accept") or ""
    return content_type.split(";", 1)[0].strip().lower() == JSON and "multipart" not in accept \
        and "event-stream" not in accept


def read_call(body: bytes) -> Call | None:
    """The body's operation, or None when the body is anything but the ordinary shape (the long way
    then answers it, with its error when the body is malformed)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict or data.get("extensions") is not None:
        return None
    query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
    if type(query) is not str or not 0 < len(query) <= MAX_TEXT:
        return None
    if (variables is not None and type(variables) is not dict) or (name is not None and type(name) is not str):
        return None
    return Call(query, variables, name)


def valid_query(schema: BaseSchema, call: Call, settings: Settings) -> DocumentNode | None:
    """The call's document when it parses, runs a query and validates; None sends the call the long way.

    The document and its validation are cached by the same key as the long way's (:mod:`graphql_api.document_cache`).
    A document whose validation fails is not cached, so the long way reports its errors afresh.
    """
    limits = settings.limits
    key = document_key(call.query, limits)
    entry = DOCUMENTS.get(key)
    if entry is None:
        try:
            document = parse(call.query, max_lexical_tokens=limits.max_tokens, max_comments=limits.max_tokens)
        except GraphQLError:
            return None
        DOCUMENTS.put(key, document, False)
        entry = (document, False)
    document, valid = entry
    operation = get_operation_ast(document, call.operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    if valid:
        return document
    return document if _validates(schema, document, call, settings, key) else None


def _validates(schema: BaseSchema, document: DocumentNode, call: Call, settings: Settings, key: tuple) -> bool:
    """Validate a document seen for the first time, after the shape limits (as the long way orders them)."""
    if any(True for _ in limit_errors(document, call.variables, settings.limits, introspection=True)):
        return False  # over a limit: the long way refuses it with its code (validation never runs)
    overlapping_fields.MAX_COMPLEXITY_BUDGET = settings.limits.validation_budget
    if validate_document(schema._schema, document, VALIDATION_RULES):
        return False
    DOCUMENTS.put(key, document, True)
    return True


@dataclass(slots=True)
class Admitted:
    """A call the direct path runs: its document and cost."""

    document: DocumentNode
    cost: int


def admit(schema: BaseSchema, document: DocumentNode, call: Call, context: Context,
          persisted: PersistedQueries) -> Admitted | None:
    """The call as the direct path runs it, or None when the caller or the limits need the long way."""
    viewer, settings = context.viewer, context.settings
    if viewer.auth_error or (persisted.only_known and viewer.role in RESTRICTED_ROLES):
        return None
    introspection = not settings.production or viewer.role is Role.CENTRE_ADMIN
    if any(True for _ in limit_errors(document, call.variables, settings.limits, introspection)):
        return None
    cost = operation_cost(schema._schema, document, call.operation_name, call.variables,
                          settings.max_page_size)
    if cost is None or cost > settings.limits.max_cost:
        return None
    return Admitted(document, cost)


async def run(schema: BaseSchema, limiter: RateLimiter, call: Call, admitted: Admitted,
              context: Context) -> tuple[dict, list[GraphQLError]]:
    """Charge, execute and mask, as the long way does; the response body and its errors."""
    viewer, limits = context.viewer, context.settings.limits
    verdict = await limiter.charge(viewer.rate_key, admitted.cost)  # the arrival point and the rest, in one charge
    if not verdict.allowed:  # refused and given back: charge as the long way does, its arrival point first
        arrival = await limiter.charge(viewer.rate_key, 1)
        if not arrival.allowed:
            errors = [arrival.error()]
            return _body(None, errors, None), errors
        verdict = Verdict(False, arrival.spent, arrival.budget, arrival.reset_after)
    try:
        async with asyncio.timeout(limits.execution_timeout_seconds):  # the long way's deadline covers the charge
            data, errors, report = await _execute(schema, verdict, call, admitted, context)
    except TimeoutError:  # answered as the long way does: no cost report, the error neither logged nor masked
        message = f"The operation took longer than {limits.execution_timeout_seconds:g} s and was cancelled."
        errors = [GraphQLError(message, extensions={"code": ErrorCode.TIMEOUT.value})]
        return _body(None, errors, None), errors
    if errors:
        schema._process_errors(errors, None)  # logged as the long way logs them, then masked
        errors = _MASK._process_errors(errors)
    return _body(data, errors, {"cost": report}), errors


async def _execute(schema: BaseSchema, verdict: Verdict, call: Call, admitted: Admitted,
                   context: Context) -> tuple[Any, list[GraphQLError] | None, dict]:
    """The operation run once its cost was charged (``verdict``), and the cost report."""
    report = {"requested": admitted.cost, "limit": context.settings.limits.max_cost, "budget": verdict.budget,
              "remaining": verdict.remaining, "resetAfter": verdict.reset_after}
    if not verdict.allowed:
        return None, [verdict.error()], report
    result = await await_maybe(execute(
        schema._schema, admitted.document, variable_values=call.variables, operation_name=call.operation_name,
        context_value=context, is_awaitable=optimized_is_awaitable, operation_extensions=None,
        executor_class=schema.execution_context_class,
    ))
    return result.data, result.errors, report


def _body(data: Any, errors: list[GraphQLError] | None, extensions: dict | None) -> dict:
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = [error.formatted for error in errors]
    if extensions:
        body["extensions"] = extensions
    return body


def answer(body: dict, errors: list[GraphQLError] | None, accept: str | None) -> tuple[bytes, int, str, dict]:
    """The HTTP answer of a result: its bytes, status, media type and extra headers (:mod:`graphql_api.responses`)."""
    verdict, media_type = finish_body(body, body["data"], errors, accept)
    return orjson.dumps(body), verdict.status_for(media_type), media_type, verdict.headers
