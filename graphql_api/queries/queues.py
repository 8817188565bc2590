"""Root query of the staff's work queues: needs waiting for triage, for a match, or for a provider's answer."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.need import Need
from resolvers.queues import DEFAULT_HOURS, QueueScope, queue_page, queue_scope


async def _queue(name: str, where: QueueScope, first, after, last, before) -> Connection[Need]:
    page = await queue_page(name, where, page_args(first, after, last, before))
    return Connection.from_page(page, Need.from_model)


@strawberry.type(description="The work queues of centre staff, oldest need first in each (the one waiting longest "
                             "is on top); `totalCount` is each queue's length.")
class NeedQueues:
    where: strawberry.Private[QueueScope]

    @strawberry.field(description="SUBMITTED needs waiting to be triaged.")
    async def awaiting_triage(
        self, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Need]:
        return await _queue("awaiting_triage", self.where, first, after, last, before)

    @strawberry.field(description="TRIAGED or MATCHING needs waiting for a provider to be proposed.")
    async def awaiting_match(
        self, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Need]:
        return await _queue("awaiting_match", self.where, first, after, last, before)

    @strawberry.field(description="PROPOSED needs with a proposal the provider has not answered for longer than "
                                  "`unansweredHours`.")
    async def unanswered(
        self, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Need]:
        return await _queue("unanswered", self.where, first, after, last, before)


@strawberry.type
class QueueQuery:
    @strawberry.field(description="The staff's work queues in the communities they serve (or one of them).")
    async def need_queues(
        self, info: Info,
        community_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="Only this community (one you serve); omitted: every community you serve.")] = None,
        unanswered_hours: Annotated[int, strawberry.argument(
            description="A proposal is unanswered after this many hours (1 to 720).")] = DEFAULT_HOURS,
    ) -> NeedQueues:
        scope = await info.context.scope()
        where = queue_scope(scope, decode_id(community_id, "Area", "communityId"), unanswered_hours)
        return NeedQueues(where=where)
