"""Root query of the notification outbox: centre admins see what was sent, what waits and what failed."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, page_args
from graphql_api.types.enums import NotificationStatus
from graphql_api.types.notification import Notification
from resolvers.notification_outbox import list_notifications


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="WeChat notifications, newest first, e.g. the FAILED ones to follow up "
                                  "(centre admin only).")
    async def notifications(
        self,
        info: Info,
        status: Annotated[NotificationStatus | None, strawberry.argument(description="Only this status.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Notification]:
        page = await list_notifications(info.context.viewer, status, page_args(first, after, last, before))
        return Connection.from_page(page, Notification.from_model)
