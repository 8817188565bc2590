"""Parse and validate each distinct document once per process, not once per request.

Clients send the same few documents over and over (a mini-program has a fixed set), and graphql-core's
validation is the costliest step before execution (about a quarter of a small query's time). The cache
keeps, by document text and the limits that shape parsing and validation, the parsed document and the
fact that it validated. Only successes are kept: a document that fails to parse or to validate is
parsed and validated again on every request, so its errors are always built fresh (and the shape
limits keep their own codes and messages). The limits of :mod:`graphql_api.limits` and the cost of
:mod:`graphql_api.cost` still run on every request (they depend on the variables and the caller);
this extension comes after them, so a document they refuse never reaches the cache.

Memory is bounded: at most ``MAX_DOCUMENTS`` documents of at most ``MAX_TEXT`` characters each.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

from graphql_api.limits import settings_of
from graphql_api.settings import Limits

MAX_DOCUMENTS = 256
MAX_TEXT = 16 * 1024


class DocumentLru:
    """Parsed, validated documents by key, least recently used dropped first."""

    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, tuple[DocumentNode, bool]] = OrderedDict()

    def get(self, key: tuple) -> tuple[DocumentNode, bool] | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple, document: DocumentNode, valid: bool) -> None:
        self.entries[key] = (document, valid)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


DOCUMENTS = DocumentLru()


def document_key(query: str, limits: Limits) -> tuple:
    """The key of ``query`` parsed with the token limits :class:`~graphql_api.limits.DocumentLimits` sets
    (the same key :class:`DocumentCache` computes from the parse options, used by :mod:`graphql_api.direct`)."""
    return query, (("max_comments", limits.max_tokens), ("max_lexical_tokens", limits.max_tokens)), \
        limits.validation_budget


class DocumentCache(SchemaExtension):
    """Reuses the parsed document and the validation verdict of a document seen before."""

    key: tuple | None = None
    validated_here = False

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query and context.graphql_document is None and len(query) <= MAX_TEXT:
            limits = settings_of(context.context).limits
            self.key = (query, tuple(sorted(context.parse_options.items())), limits.validation_budget)
            entry = DOCUMENTS.get(self.key)
            if entry is None:
                try:
                    DOCUMENTS.put(self.key, parse(query, **context.parse_options), False)
                except GraphQLError:
                    self.key = None  # Strawberry parses it again and reports the error as usual
                entry = DOCUMENTS.get(self.key) if self.key else None
            if entry is not None:
                context.graphql_document = entry[0]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = DOCUMENTS.get(self.key) if self.key else None
        if entry is not None and entry[1] and context.pre_execution_errors is None:
            context.pre_execution_errors = []  # validated before: Strawberry skips validation
        elif entry is not None and context.pre_execution_errors is None:
            self.validated_here = True
        yield
        if self.validated_here and context.pre_execution_errors == [] and entry is not None:
            DOCUMENTS.put(self.key, entry[0], True)  # type: ignore[arg-type]
