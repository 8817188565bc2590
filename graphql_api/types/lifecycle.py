"""GraphQL types of a need's history (its events) and the idempotency-key argument of creating mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.enums import NeedStatus
from models.enums import AccountRole, label
from resolvers.lifecycle import SYSTEM_ROLE, histories

IdempotencyKeyArgument = Annotated[str | None, strawberry.argument(
    description="A key of your choice (1 to 100 characters, e.g. a UUID) that makes a retry safe: sending the "
                "same request again with the same key returns the first result and creates nothing new; the "
                "same key with different arguments is refused with IDEMPOTENCY_KEY_REUSED.",
)]


@strawberry.type(description="One step in a need's history: who moved it, from which status to which, why and "
                             "when. Events are written with the change itself and can never be edited.")
class NeedEvent:
    from_status: NeedStatus | None = strawberry.field(description="Status before; null when the need was filed.")
    to_status: NeedStatus = strawberry.field(description="Status after.")
    actor_role: str = strawberry.field(description="Role of who did it (an `AccountRole` value), or SYSTEM for "
                                                   "the service's own jobs such as expiry.")
    reason: str = strawberry.field(description="Why, as given (empty when none was asked for).")
    created_at: datetime = strawberry.field(description="When it happened.")
    account_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.NeedEvent) -> NeedEvent:
        """Build from an ORM row."""
        return cls(from_status=row.from_status, to_status=row.to_status, actor_role=row.actor_role,
                   reason=row.reason, created_at=row.created_at, account_id=row.actor_account_id)

    @strawberry.field(description="Chinese display label of `fromStatus`.")
    def from_status_label(self) -> str | None:
        return label(self.from_status) if self.from_status else None

    @strawberry.field(description="Chinese display label of `toStatus`.")
    def to_status_label(self) -> str:
        return label(self.to_status)

    @strawberry.field(description="Chinese display label of `actorRole` (系统 for the system).")
    def actor_role_label(self) -> str:
        return "系统" if self.actor_role == SYSTEM_ROLE else label(AccountRole(self.actor_role))

    @strawberry.field(description="The account that did it: shown to centre staff only (null otherwise, and "
                                  "for the system).")
    async def actor_account_id(self, info: Info) -> relay.GlobalID | None:
        scope = await info.context.scope()
        if not scope.is_staff or self.account_id is None:
            return None
        return relay.GlobalID("Account", str(self.account_id))


async def need_history(info: Info, need_id: int, resident_id: int, community_id: int) -> list[NeedEvent]:
    """A need's events, oldest first, for the resident (or family) and staff serving its community."""
    scope = await info.context.scope()
    info.context.require(scope.owns(resident_id) or scope.staff_covers(community_id),
                         "Only the resident, their family or centre staff see a need's history.")
    events = await info.context.loaders.batch("need.history", histories).load(need_id)
    return [NeedEvent.from_model(event) for event in events]
