"""GraphQL types of the elder-care time bank (养老服务时间银行): accounts, ledger entries and family ties.

Amounts are hours (``Decimal``, two places) beside the exact whole minutes the ledger keeps; there is
no cash value anywhere. An account is seen by its holder (and a resident holder's family) and by centre
staff; the pool by staff only (:mod:`resolvers.time_bank_access`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.types.common import After, Before, Connection, First, Last, node_keys, page_args
from graphql_api.types.enums import FamilyRelation, TimeBankAccountKind, TimeBankEntryKind
from graphql_api.types.need import Need
from graphql_api.types.resident import Resident, load_resident
from graphql_api.types.service_record import ServiceRecord
from models.enums import label
from resolvers.identifiers import mask_name
from resolvers.pagination import PageArgs, Relation, paginate_children
from resolvers.time_bank import visible_accounts
from resolvers.time_bank_access import may_receive
from resolvers.time_bank_ledger import TimeBankRules, to_hours

if TYPE_CHECKING:
    from graphql_api.types.professional import Professional

ENTRIES = Relation(models.TimeBankEntry, "account_id", order="c.id DESC")
TIES = Relation(models.FamilyTie, "account_id")


def rules_of(info: Info) -> TimeBankRules:
    """The time-bank rules of this deployment (``LINLI_TIME_BANK_CAP_HOURS``)."""
    return TimeBankRules.of_hours(info.context.settings.time_bank_cap_hours)


async def load_account(info: Info, account_id: int) -> TimeBankAccount:
    """An account through the request's loader (the caller has checked the viewer may see it)."""
    return TimeBankAccount.from_model(await info.context.loaders.by_id(models.TimeBankAccount).load(account_id))


def _pages(info: Info, name: str, relation: Relation, args: PageArgs):
    return info.context.loaders.batch(f"{name}:{args}", lambda ids: paginate_children(relation, ids, args))


async def _holder_name(info: Info, account: models.TimeBankAccount) -> str:
    if account.professional_id is not None:
        return (await info.context.loaders.by_id(models.Professional).load(account.professional_id)).name
    if account.resident_id is not None:
        return mask_name((await info.context.loaders.by_id(models.Resident).load(account.resident_id)).name)
    return "互助池"


@strawberry.type(description="A time-bank account: a professional's (hours earned by serving), a resident's "
                             "(hours received and spent), or the pool that serves priority elders.")
class TimeBankAccount(relay.Node):
    id: relay.NodeID[int]
    kind: TimeBankAccountKind = strawberry.field(description="Personal account or the pool.")
    balance_minutes: int = strawberry.field(description="Balance in whole minutes: the sum of the ledger, never "
                                                        "below zero.")
    created_at: datetime = strawberry.field(description="When the account was opened (on first use).")
    professional_id: strawberry.Private[int | None]
    resident_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.TimeBankAccount) -> TimeBankAccount:
        """Build from an ORM row."""
        return cls(id=row.id, kind=row.kind, balance_minutes=row.balance_minutes, created_at=row.created_at,
                   professional_id=row.professional_id, resident_id=row.resident_id)

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="Balance in hours (two decimals).")
    def balance_hours(self) -> Decimal:
        return to_hours(self.balance_minutes)

    @strawberry.field(description="The cap on a personal balance in hours; credits above it go to the pool. "
                                  "Null for the pool.")
    def cap_hours(self, info: Info) -> Decimal | None:
        if self.kind == TimeBankAccountKind.POOL:
            return None
        return to_hours(rules_of(info).cap_minutes)

    @strawberry.field(description="The professional holding the account, if any.")
    async def professional(
        self, info: Info
    ) -> Annotated[Professional, strawberry.lazy("graphql_api.types.professional")] | None:
        if self.professional_id is None:
            return None
        from graphql_api.types.professional import load_professional

        return await load_professional(info, self.professional_id)

    @strawberry.field(description="The resident holding the account, if any (minimized view).")
    async def resident(self, info: Info) -> Resident | None:
        return await load_resident(info, self.resident_id) if self.resident_id is not None else None

    @strawberry.field(description="The ledger, newest entry first. Entries are never edited or deleted.")
    async def entries(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[TimeBankEntry]:
        page = await _pages(info, "time_bank.entries", ENTRIES, page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, TimeBankEntry.from_model)

    @strawberry.field(description="Residents staff verified as the holder's relatives (or the holder themself), "
                                  "to whom hours may be transferred.")
    async def family_ties(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[FamilyTie]:
        page = await _pages(info, "time_bank.ties", TIES, page_args(first, after, last, before)).load(self.id)
        return Connection.from_page(page, FamilyTie.from_model)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.TimeBankAccount).load_many(node_keys(node_ids))
        visible = await visible_accounts(await info.context.scope(), list(rows))
        return [cls.from_model(r) if r else None for r in visible]


@strawberry.type(description="One line of the time-bank ledger, in hours and exact minutes (credits positive, "
                             "debits negative), with the balance after it. Never edited or deleted.")
class TimeBankEntry(relay.Node):
    id: relay.NodeID[int]
    kind: TimeBankEntryKind = strawberry.field(description="What the entry records.")
    minutes: int = strawberry.field(description="Whole minutes: positive for a credit, negative for a debit.")
    balance_after_minutes: int = strawberry.field(description="The account's balance in minutes after this entry.")
    note: str = strawberry.field(description="A note given with a transfer or donation.")
    created_at: datetime = strawberry.field(description="When the entry was written.")
    account_id: strawberry.Private[int]
    counterpart_id: strawberry.Private[int | None]
    service_record_id: strawberry.Private[int | None]
    need_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, row: models.TimeBankEntry) -> TimeBankEntry:
        """Build from an ORM row."""
        return cls(id=row.id, kind=row.kind, minutes=row.minutes, balance_after_minutes=row.balance_after,
                   note=row.note, created_at=row.created_at, account_id=row.account_id,
                   counterpart_id=row.counterpart_id, service_record_id=row.service_record_id, need_id=row.need_id)

    @strawberry.field(description="Chinese display label of `kind`.")
    def kind_label(self) -> str:
        return label(self.kind)

    @strawberry.field(description="The amount in hours (two decimals; negative for a debit).")
    def hours(self) -> Decimal:
        return to_hours(self.minutes)

    @strawberry.field(description="The balance after this entry, in hours.")
    def balance_after_hours(self) -> Decimal:
        return to_hours(self.balance_after_minutes)

    @strawberry.field(description="The account this entry belongs to.")
    async def account(self, info: Info) -> TimeBankAccount:
        return await load_account(info, self.account_id)

    @strawberry.field(description="Who is on the other side of a transfer, donation or excess: a professional's "
                                  "name, a resident's masked name (王**) or 互助池; null otherwise.")
    async def counterpart_name(self, info: Info) -> str | None:
        if self.counterpart_id is None:
            return None
        return await _holder_name(info, await info.context.loaders.by_id(models.TimeBankAccount).load(
            self.counterpart_id))

    @strawberry.field(description="The confirmed service a deposit came from (null if you may not see it).")
    async def service_record(self, info: Info) -> ServiceRecord | None:
        if self.service_record_id is None:
            return None
        found = await ServiceRecord.resolve_nodes(info=info, node_ids=[str(self.service_record_id)])
        return found[0]

    @strawberry.field(description="The need a spend paid for (null if you may not see it).")
    async def need(self, info: Info) -> Need | None:
        if self.need_id is None:
            return None
        return (await Need.resolve_nodes(info=info, node_ids=[str(self.need_id)]))[0]

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.TimeBankEntry).load_many(node_keys(node_ids))
        accounts = await info.context.loaders.by_id(models.TimeBankAccount).load_many([r.account_id for r in rows if r])
        visible = {a.id for a in await visible_accounts(await info.context.scope(), list(accounts)) if a}
        return [cls.from_model(r) if r and r.account_id in visible else None for r in rows]


@strawberry.type(description="A resident staff verified as a time-bank holder's spouse or direct relative, or "
                             "as the holder themself (亲属关系, checked against 户口本 or 结婚证).")
class FamilyTie(relay.Node):
    id: relay.NodeID[int]
    relation: FamilyRelation = strawberry.field(description="How the resident is related to the holder.")
    note: str = strawberry.field(description="Which document staff checked.")
    created_at: datetime = strawberry.field(description="When staff recorded the tie.")
    account_id: strawberry.Private[int]
    relative_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, row: models.FamilyTie) -> FamilyTie:
        """Build from an ORM row."""
        return cls(id=row.id, relation=row.relation, note=row.note, created_at=row.created_at,
                   account_id=row.account_id, relative_id=row.relative_id)

    @strawberry.field(description="Chinese display label of `relation`.")
    def relation_label(self) -> str:
        return label(self.relation)

    @strawberry.field(description="The relative (minimized view).")
    async def relative(self, info: Info) -> Resident:
        return await load_resident(info, self.relative_id)

    @strawberry.field(description="Whether hours may go to this relative today: the holder, a spouse, or a direct "
                                  "relative aged 60 or more.")
    async def may_receive(self, info: Info) -> bool:
        return may_receive(self.relation, await info.context.loaders.by_id(models.Resident).load(self.relative_id))

    @strawberry.field(description="The holder's account.")
    async def account(self, info: Info) -> TimeBankAccount:
        return await load_account(info, self.account_id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loaders.by_id(models.FamilyTie).load_many(node_keys(node_ids))
        accounts = await info.context.loaders.by_id(models.TimeBankAccount).load_many([r.account_id for r in rows if r])
        visible = {a.id for a in await visible_accounts(await info.context.scope(), list(accounts)) if a}
        return [cls.from_model(r) if r and r.account_id in visible else None for r in rows]
