"""GraphQL types of live updates: a need change pushed to a subscriber."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

import models
from graphql_api.context import Info
from graphql_api.types.enums import NeedStatus
from graphql_api.types.need import Need
from models.enums import label
from resolvers.live_events import NeedChange as Change


@strawberry.enum(description="What a pushed need change reports.")
class NeedChangeKind(Enum):
    CURRENT = strawberry.enum_value(
        "CURRENT", description="The need as it is when the subscription starts (the first message of `needChanged`).")
    FILED = strawberry.enum_value("FILED", description="The need was just filed.")
    STATUS_CHANGED = strawberry.enum_value("STATUS_CHANGED", description="The need moved to another status.")


@strawberry.type(description="A need was filed or changed status (or, first, how it stands). Refetch what you "
                             "show from `need`: it is read when the change is delivered, as you may see it.")
class NeedChange:
    kind: NeedChangeKind = strawberry.field(description="What this message reports.")
    status: NeedStatus = strawberry.field(description="The status the need reached with this change (it may have "
                                                      "moved on since: see `need.status`).")
    previous_status: NeedStatus | None = strawberry.field(
        description="The status it left; null for a new need and for the current state.")
    changed_at: datetime = strawberry.field(description="When the change was made.")
    need_id: strawberry.Private[int]

    @classmethod
    def from_change(cls, change: Change) -> NeedChange:
        """A change published by the services."""
        kind = NeedChangeKind.FILED if change.previous_status is None else NeedChangeKind.STATUS_CHANGED
        return cls(kind=kind, status=change.status, previous_status=change.previous_status,
                   changed_at=change.changed_at, need_id=change.need_id)

    @classmethod
    def current(cls, row: models.Need) -> NeedChange:
        """How the need stands now."""
        return cls(kind=NeedChangeKind.CURRENT, status=row.status, previous_status=None, changed_at=row.updated_at,
                   need_id=row.id)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @strawberry.field(description="The need now, as you may see it (null once it no longer exists).")
    async def need(self, info: Info) -> Need | None:
        row = await info.context.loaders.by_id(models.Need).load(self.need_id)
        return Need.from_model(row) if row is not None else None
