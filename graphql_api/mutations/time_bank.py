"""Mutations of the time bank: verified family ties, transfers to relatives and donations to the pool.

Deposits are not a mutation: a confirmed elder-care service deposits its hours (``needFeedback``,
``serviceRecordConfirm``); spending is paying for a need when it is closed (``needFeedback`` or
``needClose`` with ``timeBankAccountId``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, user_errors
from graphql_api.types.enums import FamilyRelation
from graphql_api.types.time_bank import FamilyTie, TimeBankAccount, TimeBankEntry, rules_of
from resolvers import time_bank
from resolvers.errors import DomainError

AccountId = Annotated[relay.GlobalID, strawberry.argument(description="The account the hours leave (a personal one).")]
Hours = Annotated[Decimal, strawberry.argument(description="Hours, above 0, a whole number of minutes (e.g. 1.5).")]
Note = Annotated[str | None, strawberry.argument(description="A note kept in the ledger (at most 200 characters).")]


@strawberry.input(description="A resident staff verified (户口本, 结婚证) as a time-bank holder's relative; name the "
                              "holder by `professionalId` or `residentId`.")
class FamilyTieInput:
    professional_id: relay.GlobalID | None = strawberry.field(default=None, description="A professional holder.")
    resident_id: relay.GlobalID | None = strawberry.field(default=None, description="A resident holder.")
    relative_id: relay.GlobalID = strawberry.field(description="The relative (a resident).")
    relation: FamilyRelation = strawberry.field(description="How the relative is related to the holder (SELF: a "
                                                            "professional's own resident record).")
    note: str | None = strawberry.field(default=None, description="Which document was checked (at most 200).")


@strawberry.type(description="Result of recording a family tie.")
class FamilyTiePayload:
    family_tie: FamilyTie | None = strawberry.field(description="The tie; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")


@strawberry.type(description="Result of a transfer or a donation.")
class TimeBankOperationPayload:
    entry: TimeBankEntry | None = strawberry.field(description="The debit entry of the source account; null on errors.")
    account: TimeBankAccount | None = strawberry.field(description="The source account after it; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input (e.g. INSUFFICIENT_BALANCE, "
                                                           "NOT_ELIGIBLE_RELATIVE); empty on success.")


def _operation(result: time_bank.Operation) -> TimeBankOperationPayload:
    return TimeBankOperationPayload(entry=TimeBankEntry.from_model(result.entry),
                                    account=TimeBankAccount.from_model(result.account), errors=[])


def _failed(error: DomainError) -> TimeBankOperationPayload:
    return TimeBankOperationPayload(entry=None, account=None, errors=user_errors(error))


@strawberry.type
class TimeBankMutation:
    @strawberry.mutation(description="Record a resident as a holder's spouse, direct relative or own resident record "
                                     "(centre staff serving the relative's community, after checking documents).")
    async def time_bank_relative_add(
        self, info: Info, input: Annotated[FamilyTieInput, strawberry.argument(description="The tie.")]
    ) -> FamilyTiePayload:
        try:
            row = await time_bank.add_relative(
                await info.context.scope(),
                professional_id=decode_id(input.professional_id, "Professional", "professionalId"),
                resident_id=decode_id(input.resident_id, "Resident", "residentId"),
                relative_id=decode_id(input.relative_id, "Resident", "relativeId"),
                relation=input.relation, note=input.note)
        except DomainError as error:
            return FamilyTiePayload(family_tie=None, errors=user_errors(error))
        return FamilyTiePayload(family_tie=FamilyTie.from_model(row), errors=[])

    @strawberry.mutation(description="Transfer hours to the holder's verified spouse or direct relative aged 60+ (the "
                                     "holder, or centre staff at the desk). Never below zero; hours above the "
                                     "receiver's cap go to the pool.")
    async def time_bank_transfer(
        self, info: Info, from_account_id: AccountId,
        to_resident_id: Annotated[relay.GlobalID, strawberry.argument(description="The relative receiving them.")],
        hours: Hours, note: Note = None,
    ) -> TimeBankOperationPayload:
        try:
            result = await time_bank.transfer(
                await info.context.scope(), decode_id(from_account_id, "TimeBankAccount", "fromAccountId"),
                decode_id(to_resident_id, "Resident", "toResidentId"), hours, note, rules_of(info))
        except DomainError as error:
            return _failed(error)
        return _operation(result)

    @strawberry.mutation(description="Donate hours to the pool that serves priority elders (the holder, or centre "
                                     "staff at the desk).")
    async def time_bank_donate(self, info: Info, from_account_id: AccountId, hours: Hours,
                               note: Note = None) -> TimeBankOperationPayload:
        try:
            result = await time_bank.donate(
                await info.context.scope(), decode_id(from_account_id, "TimeBankAccount", "fromAccountId"), hours, note)
        except DomainError as error:
            return _failed(error)
        return _operation(result)
