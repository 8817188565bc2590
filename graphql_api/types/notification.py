"""GraphQL type of the notification outbox (centre admins only): one WeChat message and its delivery."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import node_keys
from graphql_api.types.enums import NotificationKind, NotificationStatus
from models.enums import label
from resolvers.notification_outbox import visible_notifications


@strawberry.type(description="One WeChat subscription message to one account, and how its delivery went "
                             "(centre admins only). It carries no personal data of a resident.")
class Notification(relay.Node):
    id: relay.NodeID[int]
    kind: NotificationKind = strawberry.field(description="What the message tells.")
    status: NotificationStatus = strawberry.field(description="Where the message is on its way.")
    recipient_id: relay.GlobalID = strawberry.field(description="The account it is addressed to.")
    need_id: relay.GlobalID | None = strawberry.field(description="The need it is about.")
    template_id: str = strawberry.field(description="The WeChat subscription template used (empty if none).")
    page: str = strawberry.field(description="The mini-program page the message opens.")
    attempts: int = strawberry.field(description="Sends tried so far.")
    next_attempt_at: datetime = strawberry.field(
        description="When it is due for its next send (while PENDING) or its current send's lease ends (SENDING)."
    )
    last_error: str = strawberry.field(description="Why the last send failed or why it was skipped; empty if none.")
    sent_at: datetime | None = strawberry.field(description="When WeChat acknowledged it.")
    created_at: datetime = strawberry.field(description="When it was made from the change it reports.")

    @classmethod
    def from_model(cls, row: models.Notification) -> Notification:
        """Build from an ORM row."""
        return cls(
            id=row.id, kind=row.kind, status=row.status, recipient_id=relay.GlobalID("Account", str(row.recipient_id)),
            need_id=relay.GlobalID("Need", str(row.need_id)) if row.need_id else None, template_id=row.template_id,
            page=row.page, attempts=row.attempts, next_attempt_at=row.next_attempt_at, last_error=row.last_error,
            sent_at=row.sent_at, created_at=row.created_at,
        )

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="Chinese display label of `status`.")
    def status_label(self) -> str:
        return label(self.status)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        keys = node_keys(node_ids)
        rows = await visible_notifications(info.context.viewer, keys)
        return [cls.from_model(rows[key]) if key in rows else None for key in keys]
