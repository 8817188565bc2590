"""Idempotency keys: a retried creating request returns what the first one created, and creates nothing.

:func:`once` runs a creating service under a caller's key:

1. A key already stored for this caller and operation is a retry: its stored result is re-read by id
   and returned (``IDEMPOTENCY_KEY_REUSED`` when the arguments differ from the first request's).
2. Otherwise one transaction inserts the key row *first*, runs the service (its own transaction nests
   inside) and stores the result's id. A crash leaves neither the key nor the creation; a failed
   request (a validation error) leaves nothing either, so it may be retried with the same key.
3. A concurrent duplicate blocks on the key's unique index until the first request commits (PostgreSQL;
   SQLite runs one transaction at a time), then fails to insert, rolls back, and replays step 1.

Keys belong to their caller (``account:<id>`` or ``apikey:<id>``) and to one operation; they are at
most 100 characters, and kept for :data:`KEEP_FOR` (the periodic job forgets older ones: a retry after a
week is a new request).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models import Enrollment, IdempotencyKey, Need, ServiceRecord
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode

M = TypeVar("M", bound=Model)
MAX_KEY = 100
KEEP_FOR = timedelta(days=7)
FIELD = "idempotencyKey"
#: What a stored result may name (re-read by id on every replay).
RESULT_MODELS: dict[str, type[Model]] = {m.__name__: m for m in (Need, Enrollment, ServiceRecord)}


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """One caller's keyed request of one operation, with the digest of its arguments."""

    owner: str
    operation: str
    key: str
    request_hash: str


def keyed_request(viewer: Viewer, operation: str, key: str | None, arguments: Any) -> IdempotentRequest | None:
    """The keyed request, or None when no key was sent; checks the key's length."""
    if key is None:
        return None
    text = key.strip()
    if not 1 <= len(text) <= MAX_KEY:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"`{FIELD}` has 1 to {MAX_KEY} characters.", FIELD)
    if viewer.account_id is not None:
        owner = f"account:{viewer.account_id}"
    elif viewer.api_key_id is not None:
        owner = f"apikey:{viewer.api_key_id}"
    else:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first: idempotency keys belong to a caller.", FIELD)
    return IdempotentRequest(owner, operation, text, request_digest(arguments))


def request_digest(arguments: Any) -> str:
    """SHA-256 of the arguments in a canonical JSON form (keys sorted; dates, enums and IDs as text)."""
    text = json.dumps(arguments, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


async def once(request: IdempotentRequest | None, create: Callable[[], Awaitable[M]]) -> M:
    """Run ``create`` at most once per keyed request (see the module's rules); without a key, just run it."""
    if request is None:
        return await create()
    replay = await _replay(request)
    if replay is not None:
        return replay
    try:
        async with in_transaction():
            row = await IdempotencyKey.create(owner=request.owner, operation=request.operation, key=request.key,
                                              request_hash=request.request_hash)
            created = await create()
            result = {"model": type(created).__name__, "id": created.pk}
            await IdempotencyKey.filter(id=row.id).update(response=result)
        return created
    except IntegrityError:
        replay = await _replay(request)
        if replay is None:
            raise
        return replay


async def _replay(request: IdempotentRequest) -> Model | None:
    """The stored result of an earlier request with this key, re-read; None when there is none."""
    stored = await IdempotencyKey.get_or_none(owner=request.owner, operation=request.operation, key=request.key)
    if stored is None:
        return None
    if stored.request_hash != request.request_hash:
        raise DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                          "This key was used for a different request: send a new key.", FIELD)
    model = RESULT_MODELS[stored.response["model"]]
    return await model.get(id=stored.response["id"])


async def forget_old_keys(now: datetime | None = None) -> int:
    """Delete the keys older than :data:`KEEP_FOR`; returns how many."""
    return await IdempotencyKey.filter(created_at__lt=(now or datetime.now(UTC)) - KEEP_FOR).delete()
