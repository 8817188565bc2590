"""How a GraphQL outcome becomes an HTTP answer (GraphQL over HTTP, https://graphql.github.io/graphql-over-http/).

- Media type: ``application/graphql-response+json`` when the client's ``Accept`` prefers it (or lists it
  no lower than ``application/json``), else ``application/json``, the long-standing default.
- Status under ``application/graphql-response+json``: a request error (the document does not parse or
  validate, the variables do not fit, a limit or a persisted-query rule refused it) answers 400 and has
  no ``data`` entry; an unexpected failure before execution answers 500; executed operations answer 200.
- Status under ``application/json``: 200 for every GraphQL answer, as legacy clients expect.
- Under both: ``RATE_LIMITED`` answers 429 with ``Retry-After``; ``PERSISTED_QUERY_NOT_FOUND`` answers 200,
  as Apollo's APQ clients expect before they resend the query; transport errors (a malformed body, a
  mutation over GET, a body above the limit, a batch) answer their 4xx status with a coded error body.
- No "Did you mean ...?" suggestion is ever sent: they would reveal the schema when introspection is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import GraphQLError

from resolvers.errors import ErrorCode

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)


class EdgeError(Exception):
    """A request refused at the transport: answered with ``status`` and one coded error."""

    def __init__(
        self, status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None, **extensions: str
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extensions = extensions

    def body(self) -> dict:
        """The GraphQL response body of this error."""
        return {"errors": [{"message": self.message, "extensions": {"code": self.code.value, **self.extensions}}]}


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def negotiate(accept: str | None) -> str:
    """The media type to answer with, from the ``Accept`` header."""
    graphql_response, json = -1.0, -1.0
    for part in (accept or "").split(","):
        media, _, parameters = part.partition(";")
        media, quality = media.strip().lower(), _quality(parameters)
        if media == GRAPHQL_RESPONSE:
            graphql_response = max(graphql_response, quality)
        elif media in {JSON, "application/*", "*/*"}:
            json = max(json, quality)
    return GRAPHQL_RESPONSE if graphql_response > 0 and graphql_response >= json else JSON


def without_suggestions(message: str) -> str:
    """A validation message without graphql-core's "Did you mean ...?" hint."""
    return SUGGESTION.sub("", message)


def _codes(errors: list[GraphQLError]) -> set[str]:
    return {str((error.extensions or {}).get("code")) for error in errors}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The HTTP status of a GraphQL result under each media type, and whether ``data`` is dropped."""

    status: int = 200
    legacy_status: int = 200
    request_error: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    def status_for(self, media_type: str) -> int:
        """The status under the negotiated media type."""
        return self.status if media_type == GRAPHQL_RESPONSE else self.legacy_status


def outcome(data: object, errors: list[GraphQLError] | None) -> Outcome:
    """Classify a GraphQL result (its ``data`` and errors) into the HTTP answer it gets."""
    errors = errors or []
    codes = _codes(errors)
    if ErrorCode.RATE_LIMITED.value in codes:
        limited = next(e for e in errors if (e.extensions or {}).get("code") == ErrorCode.RATE_LIMITED.value)
        return Outcome(429, 429, True, {"Retry-After": str(limited.extensions["retryAfter"])})
    if data is not None or not errors or any(error.path for error in errors):
        return Outcome()
    if ErrorCode.TIMEOUT.value in codes:
        return Outcome()
    if ErrorCode.PERSISTED_QUERY_NOT_FOUND.value in codes:
        return Outcome(200, 200, True, {"Cache-Control": "private, no-cache, must-revalidate"})
    if ErrorCode.INTERNAL.value in codes:
        return Outcome(500, 200, True)
    return Outcome(400, 200, True)


def finish_body(body: dict, data: object, errors: list[GraphQLError] | None, accept: str | None) -> tuple[Outcome, str]:
    """Make a GraphQL response ``body`` (``data``, formatted ``errors``, ``extensions``) what is sent: no suggestion
    in an error message, and no ``data`` entry for a request error under ``application/graphql-response+json``.
    Returns the result's :class:`Outcome` and the negotiated media type (the long way and the direct path both)."""
    for error in body.get("errors") or ():
        error["message"] = without_suggestions(error["message"])
    verdict, media_type = outcome(data, errors), negotiate(accept)
    if verdict.request_error and media_type == GRAPHQL_RESPONSE:
        body.pop("data", None)
    return verdict, media_type
