"""Root queries of the time bank: one holder's account, the pool, and the accounts staff may list."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, decode_id, page_args
from graphql_api.types.enums import TimeBankAccountKind
from graphql_api.types.time_bank import TimeBankAccount
from resolvers.pagination import paginate
from resolvers.time_bank import account_queryset, holder_account


@strawberry.type
class TimeBankQuery:
    @strawberry.field(description="A holder's time-bank account: a professional's or a resident's (without either, "
                                  "your own: as a professional, else as a resident). Null until its first entry, "
                                  "or when you may not see it (the holder, a resident's family, centre staff).")
    async def time_bank_account(
        self, info: Info,
        professional_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="The professional holding it.")] = None,
        resident_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="The resident holding it.")] = None,
    ) -> TimeBankAccount | None:
        row = await holder_account(
            await info.context.scope(), professional_id=decode_id(professional_id, "Professional", "professionalId"),
            resident_id=decode_id(resident_id, "Resident", "residentId"))
        return TimeBankAccount.from_model(row) if row else None

    @strawberry.field(description="The pool that serves priority elders (互助池), for centre staff; null before its "
                                  "first entry.")
    async def time_bank_pool(self, info: Info) -> TimeBankAccount | None:
        scope = await info.context.scope()
        info.context.require(scope.is_staff, "Only centre staff see the pool.")
        row = await holder_account(scope, pool=True)
        return TimeBankAccount.from_model(row) if row else None

    @strawberry.field(description="Time-bank accounts, highest balance first (centre staff; residents' accounts only "
                                  "in the communities they serve).")
    async def time_bank_accounts(
        self, info: Info,
        kind: Annotated[TimeBankAccountKind | None, strawberry.argument(description="Only this kind.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[TimeBankAccount]:
        args = page_args(first, after, last, before)
        page = await paginate(account_queryset(await info.context.scope(), kind), args)
        return Connection.from_page(page, TimeBankAccount.from_model)
