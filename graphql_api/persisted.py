"""Persisted queries: Apollo's automatic persisted queries (APQ) and the known documents shipped with Linli.

A client (a mini-program) sends ``extensions: {persistedQuery: {version: 1, sha256Hash}}``:

- with the hash alone, Linli runs the document it knows under that hash, or answers
  ``PERSISTED_QUERY_NOT_FOUND`` (message ``PersistedQueryNotFound``, HTTP 200, as Apollo clients expect);
  the client then sends the hash again together with the query;
- with the hash and the query, Linli checks that the hash is the query's SHA-256 (``PERSISTED_QUERY_INVALID``
  otherwise), runs the query and, when it was a valid operation, remembers it in the shared cache
  (Redis when configured) for ``PERSISTED_TTL`` seconds.

The ``*.graphql`` files of ``graphql_api/documents`` (``LINLI_PERSISTED_DOCUMENTS``) are known from the
start, each under the SHA-256 of its exact text. With ``LINLI_PERSISTED_ONLY`` anonymous callers and
partners may run known documents only, by hash or by text (``PERSISTED_QUERY_REQUIRED`` otherwise), and
cannot register new ones; signed-in people and staff still can.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiocache.base import BaseCache
from graphql import GraphQLError

from graphql_api.settings import Settings
from resolvers.access import Role, Viewer
from resolvers.errors import ErrorCode

PERSISTED_TTL = 7 * 24 * 3600
RESTRICTED_ROLES = frozenset({Role.ANONYMOUS, Role.PARTNER})
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def sha256(text: str) -> str:
    """The hex SHA-256 of a document's text, as APQ clients compute it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PersistedQueryError(Exception):
    """A persisted-query request Linli refuses, with its code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_graphql(self) -> GraphQLError:
        """The error as it goes to the client."""
        return GraphQLError(self.message, extensions={"code": self.code.value})


NOT_FOUND = PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")
REQUIRED = PersistedQueryError(
    ErrorCode.PERSISTED_QUERY_REQUIRED, "Only known documents may be run by this caller; send a persisted query."
)


@dataclass(frozen=True, slots=True)
class Lookup:
    """The document to run and, for a new APQ registration, the hash to remember it under afterwards."""

    query: str | None
    register: str | None = None


def load_documents(directory: Path) -> dict[str, str]:
    """The known documents: every ``*.graphql`` file of ``directory`` by the SHA-256 of its text."""
    if not directory.is_dir():
        return {}
    texts = (path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.graphql")))
    return {sha256(text): text for text in texts}


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The ``sha256Hash`` of an APQ request (None without ``persistedQuery``); malformed ones are refused."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_INVALID, "Only persistedQuery version 1 is supported.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest.lower()):
        raise PersistedQueryError(
            ErrorCode.PERSISTED_QUERY_INVALID, "`sha256Hash` must be the 64 hex digits of the query's SHA-256."
        )
    return digest.lower()


class PersistedQueries:
    """The known documents of one app and the APQ registrations in its shared cache."""

    def __init__(self, cache: BaseCache, settings: Settings) -> None:
        self.cache = cache
        self.only_known = settings.persisted_only
        self.known = load_documents(settings.persisted_documents)

    async def resolve(self, query: str | None, extensions: dict[str, Any] | None, viewer: Viewer) -> Lookup:
        """The document this request runs; raises :class:`PersistedQueryError` when it may not run one."""
        restricted = self.only_known and viewer.role in RESTRICTED_ROLES
        digest = requested_hash(extensions)
        if digest is None:
            if restricted and query is not None and await self.find(sha256(query)) is None:
                raise REQUIRED
            return Lookup(query)
        if query is None:
            text = await self.find(digest)
            if text is None:
                raise NOT_FOUND
            return Lookup(text)
        if sha256(query) != digest:
            raise PersistedQueryError(ErrorCode.PERSISTED_QUERY_INVALID, "`sha256Hash` is not the query's SHA-256.")
        if await self.find(digest) is not None:
            return Lookup(query)
        if restricted:
            raise REQUIRED
        return Lookup(query, register=digest)

    async def find(self, digest: str) -> str | None:
        """The text of a known or registered document."""
        return self.known.get(digest) or await self.cache.get(f"apq:{digest}")

    async def remember(self, digest: str, query: str) -> None:
        """Register a document that ran as a valid operation."""
        await self.cache.set(f"apq:{digest}", query, ttl=PERSISTED_TTL)
