"""The root subscription type: live need changes over ``graphql-transport-ws`` (:mod:`graphql_api.websocket`).

Who may follow what is :mod:`resolvers.live_events`; it is checked when the subscription starts (a refusal
is the operation's ``error`` message with ``FORBIDDEN``) and again before every change delivered, each time
with the token re-checked and the viewer's reach reloaded (a refusal then ends the subscription with an error
in a ``next`` message, then ``complete``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import decode_id
from graphql_api.types.live import NeedChange
from resolvers.errors import DomainError, ErrorCode
from resolvers.live_events import NeedChange as Change
from resolvers.live_events import area_channels, need_channels
from resolvers.scope import Scope

Allowed = Callable[[Scope, Change, models.Need], bool]


@strawberry.type(description="Live updates, over a WebSocket with the graphql-transport-ws protocol; the access "
                             "token goes in the `connection_init` payload as `authorization: Bearer <token>`.")
class Subscription:
    @strawberry.subscription(description="One need's changes: first how it stands now (`CURRENT`), then every "
                                         "status change. For its resident, their household or guardian, the "
                                         "provider of a live match, staff serving its community and centre "
                                         "admins; completes when the need is gone.")
    async def need_changed(
        self, info: Info, need_id: Annotated[relay.GlobalID, strawberry.argument(description="The need to follow.")],
    ) -> AsyncGenerator[NeedChange, None]:
        pk = decode_id(need_id, "Need", "needId")
        await info.context.refresh()
        channels = await need_channels(await info.context.scope(), pk)
        return _deliveries(info, channels, lambda scope, _, row: scope.sees_need(row), current=pk)

    @strawberry.subscription(description="New needs and status changes in a community, or in every community you "
                                         "serve when `communityId` is omitted (centre staff and centre admins).")
    async def needs_in_area(
        self, info: Info,
        community_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="The community (or subdistrict) to follow; all of yours when omitted.")] = None,
    ) -> AsyncGenerator[NeedChange, None]:
        area = decode_id(community_id, "Area", "communityId")
        await info.context.refresh()
        channels = await area_channels(await info.context.scope(), area)
        return _deliveries(info, channels, lambda scope, change, _: scope.staff_covers(change.community_id))


async def _deliveries(info: Info, channels: list[str], allowed: Allowed,
                      current: int | None = None) -> AsyncIterator[NeedChange]:
    """The changes on ``channels`` the viewer may still see (after ``current``'s state, when given)."""
    context = info.context
    async with context.need_feed.follow(channels) as changes:
        if current is not None:
            row = await context.loaders.by_id(models.Need).load(current)
            if row is None:
                return
            yield NeedChange.current(row)
        async for change in changes:
            await context.refresh()
            row = await context.loaders.by_id(models.Need).load(change.need_id)
            if row is None:
                if current is not None:
                    return
                continue
            if not allowed(await context.scope(), change, row):
                raise DomainError(ErrorCode.FORBIDDEN, "You may no longer follow this need.")
            yield NeedChange.from_change(change)
