"""The GraphQL endpoint: Strawberry's ASGI view with Linli's transport rules (see :mod:`graphql_api.responses`).

Per request, in order: the body is capped (413 past ``limits.max_body_bytes``, checked on
``Content-Length`` and again while the body streams in, before it is read in full); a JSON array is
refused (``BATCHING_NOT_SUPPORTED``: one operation per request); the caller's rate budget is charged one
point; a persisted query is resolved (:mod:`graphql_api.persisted`); the operation runs under
``limits.execution_timeout_seconds`` (``TIMEOUT``), through the schema's extensions that enforce the
document limits and the cost (:mod:`graphql_api.limits`, :mod:`graphql_api.cost`). GraphiQL is served
outside production only. Each HTTP request publishes the need changes it committed (:func:`publishing`
in :mod:`resolvers.live_events`). A WebSocket carries subscriptions only (``graphql-transport-ws``, signed in
at ``connection_init``: :mod:`graphql_api.websocket`); queries and mutations sent over it are refused.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graphql_api import direct
from graphql_api.auth import viewer_from_request
from graphql_api.context import Context
from graphql_api.loaders import Loaders
from graphql_api.persisted import PersistedQueries, PersistedQueryError
from graphql_api.public_cache import PublicCache, PublicReads
from graphql_api.rate_limit import LIMITER_SCOPE_KEY, RateLimiter
from graphql_api.responses import JSON, EdgeError, finish_body, negotiate, outcome
from graphql_api.settings import Settings
from graphql_api.websocket import (
    INIT_TIMEOUT,
    MAX_SUBSCRIPTIONS,
    ConnectionContext,
    SubscriptionsOnlyHandler,
    accept_connection,
)
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.live_events import publishing
from resolvers.live_feeds import build_feed

log = logging.getLogger("linli.http")

STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED, 413: ErrorCode.REQUEST_TOO_LARGE,
}
DOMAIN_STATUSES = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403}


class LinliGraphQL(GraphQL):
    """Strawberry's ASGI endpoint with Linli's typed context, limits, budgets and persisted queries.

    ``need_feed`` carries live need changes (:mod:`resolvers.live_feeds`: Redis pub/sub with ``REDIS_URL``).
    """

    graphql_transport_ws_handler_class = SubscriptionsOnlyHandler

    def __init__(self, settings: Settings, schema: BaseSchema, cache: Any) -> None:
        super().__init__(schema, graphql_ide=None if settings.production else "graphiql",
                         subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                         connection_init_wait_timeout=INIT_TIMEOUT, max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
                         allowed_origins=("*",))  # no cookies: a page elsewhere holds no credential of ours
        self.settings = settings
        self.limiter = RateLimiter(cache, settings.limits)
        self.persisted = PersistedQueries(cache, settings)
        self.public_cache = PublicCache(settings) if settings.public_cache else None
        self.need_feed = build_feed(settings.redis_url, settings.cache_namespace)
        self.direct = settings.direct_path

    async def get_context(self, request: Any, response: Any = None) -> Context:
        public = PublicReads(self.public_cache) if self.public_cache is not None else None
        if isinstance(request, WebSocket):  # signed in by on_ws_connect, from the connection_init payload
            client = request.client.host if request.client else "unknown"
            return ConnectionContext(settings=self.settings, request=request, response=response,
                                     viewer=Viewer(client_ip=client), loaders=Loaders(public),
                                     public_cache=self.public_cache, need_feed=self.need_feed)
        viewer = await viewer_from_request(request, self.settings)
        return Context(settings=self.settings, request=request, response=response, viewer=viewer,
                       loaders=Loaders(public), public_cache=self.public_cache)

    async def on_ws_connect(self, context: ConnectionContext) -> Any:
        return await accept_connection(context)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[LIMITER_SCOPE_KEY] = self.limiter
        if scope["type"] == "websocket":
            await self.run(WebSocket(scope, receive, send))
            return
        request = Request(scope, self._capped(receive))
        try:
            self._check_content_length(request)
            async with publishing(self.need_feed):
                response = await self._serve(request)
        except Exception as error:  # every failure leaves as a coded GraphQL error body
            response = self.error_response(request, self._edge_error(error))
        await response(scope, receive, send)

    async def _serve(self, request: Request) -> Response:
        """A query in an ordinary JSON body takes the direct path (:mod:`graphql_api.direct`); anything else,
        and any call the direct path does not admit, Strawberry's view."""
        if not self.direct or request.method != "POST" or not direct.wants_one_json_answer(request.headers):
            return await self.run(request)
        call = direct.read_call(await request.body())  # Starlette keeps the body for the view
        document = direct.valid_query(self.schema, call, self.settings) if call is not None else None
        if document is None:
            return await self.run(request)
        context = await self.get_context(request)
        admitted = direct.admit(self.schema, document, call, context, self.persisted)
        if admitted is None:
            return await self.run(request, context=context)
        body, errors = await direct.run(self.schema, self.limiter, call, admitted, context)
        content, status, media_type, headers = direct.answer(body, errors, request.headers.get("accept"))
        return Response(content, status_code=status, headers=headers, media_type=media_type)

    def _too_large(self) -> EdgeError:
        limit = self.settings.limits.max_body_bytes
        return EdgeError(413, ErrorCode.REQUEST_TOO_LARGE, f"The request body is above {limit} bytes.")

    def _check_content_length(self, request: Request) -> None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.limits.max_body_bytes:
            raise self._too_large()

    def _capped(self, receive: Receive) -> Receive:
        """``receive`` that refuses the body once more than the limit has streamed in (chunked bodies too)."""
        received = 0

        async def capped() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.settings.limits.max_body_bytes:
                    raise self._too_large()
            return message

        return capped

    @staticmethod
    def _edge_error(error: Exception) -> EdgeError:
        if isinstance(error, EdgeError):
            return error
        if isinstance(error, HTTPException):
            code = STATUS_CODES.get(error.status_code, ErrorCode.BAD_REQUEST)
            return EdgeError(error.status_code, code, error.reason)
        if isinstance(error, DomainError):
            return EdgeError(DOMAIN_STATUSES.get(error.code, 400), error.code, error.message)
        correlation_id = uuid.uuid4().hex
        log.error("Unexpected error %s in the HTTP view", correlation_id, exc_info=error)
        message = f"Unexpected error; quote correlation id {correlation_id} when reporting it."
        return EdgeError(500, ErrorCode.INTERNAL, message, correlationId=correlation_id)

    def error_response(self, request: Request, error: EdgeError) -> Response:
        """A transport error as a GraphQL body with ``extensions.code``."""
        return Response(self.encode_json(error.body()), status_code=error.status, headers=error.headers,
                        media_type=negotiate(request.headers.get("accept")))

    def should_render_graphql_ide(self, request: Any) -> bool:
        return super().should_render_graphql_ide(request) and not request.query_params.get("extensions")

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)  # several times faster than the standard library's json

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)  # raises a JSONDecodeError (400) past 1024 levels of nesting too

    def _validate_batch_request(self, request_data: list, protocol: Any) -> None:
        raise EdgeError(400, ErrorCode.BATCHING_NOT_SUPPORTED, "Batching is not supported: send one operation "
                        "per request (a JSON object, not an array).")

    async def execute_single(
        self, request: Request, request_adapter: Any, sub_response: Response, context: Context,
        root_value: Any, request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        _check_request_data(request_data)
        result = await self._answer(request_adapter.method, context, root_value, request_data)
        answer = outcome(result.data, result.errors)
        media_type = negotiate(request.headers.get("accept"))
        sub_response.media_type = media_type
        sub_response.status_code = answer.status_for(media_type)
        sub_response.headers.update(answer.headers)
        return result

    async def _answer(
        self, method: str, context: Context, root_value: Any, request_data: GraphQLRequestData
    ) -> ExecutionResult:
        verdict = await self.limiter.charge(context.viewer.rate_key, 1)
        if not verdict.allowed:
            return ExecutionResult(data=None, errors=[verdict.error()])
        try:
            lookup = await self.persisted.resolve(request_data.query, request_data.extensions, context.viewer)
        except PersistedQueryError as error:
            return ExecutionResult(data=None, errors=[error.as_graphql()])
        result = await self._execute(method, lookup.query, context, root_value, request_data)
        if lookup.register and lookup.query and not outcome(result.data, result.errors).request_error:
            await self.persisted.remember(lookup.register, lookup.query)
        return result

    async def _execute(
        self, method: str, query: str | None, context: Context, root_value: Any, request_data: GraphQLRequestData
    ) -> ExecutionResult:
        try:
            async with asyncio.timeout(self.settings.limits.execution_timeout_seconds):
                return await self.schema.execute(
                    query, root_value=root_value, variable_values=request_data.variables, context_value=context,
                    operation_name=request_data.operation_name, operation_extensions=request_data.extensions,
                    allowed_operation_types=OperationType.from_http(method) - {OperationType.SUBSCRIPTION},
                )
        except TimeoutError:
            seconds = self.settings.limits.execution_timeout_seconds
            message = f"The operation took longer than {seconds:g} s and was cancelled."
            timeout = GraphQLError(message, extensions={"code": ErrorCode.TIMEOUT.value})
            return ExecutionResult(data=None, errors=[timeout])
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise EdgeError(400, ErrorCode.BAD_REQUEST, "Subscriptions run over a WebSocket (graphql-transport-ws "
                                "on this path), not over HTTP.") from error
            raise EdgeError(405, ErrorCode.METHOD_NOT_ALLOWED, "Mutations must be sent with POST; GET is for "
                            "queries only.", {"Allow": "POST"}) from error
        except CannotGetOperationTypeError as error:
            raise EdgeError(400, ErrorCode.GRAPHQL_VALIDATION_FAILED, error.as_http_error_reason()) from error
        except MissingQueryError as error:
            raise EdgeError(400, ErrorCode.BAD_REQUEST, "No GraphQL query found in the request.") from error

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        finish_body(response, result.data, result.errors, request.headers.get("accept"))  # type: ignore[arg-type]
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = Response(
            self.encode_json(response_data), status_code=sub_response.status_code or 200,
            media_type=sub_response.media_type or JSON,
        )
        response.headers.raw.extend(
            (name, value) for name, value in sub_response.headers.raw if name.lower() != b"content-type"
        )
        return response


def _check_request_data(request_data: GraphQLRequestData) -> None:
    """Refuse the request shapes Strawberry lets through on GET: variables, extensions, operation name."""
    for name, value, kind in (("variables", request_data.variables, dict),
                              ("extensions", request_data.extensions, dict),
                              ("operationName", request_data.operation_name, str)):
        if value is not None and not isinstance(value, kind):
            expected = "an object" if kind is dict else "a string"
            raise EdgeError(400, ErrorCode.BAD_REQUEST, f"`{name}` must be {expected} or null.")
