"""Mutations that move a need through its lifecycle: triage, reject, start matching, feedback, close.

Each is one step of the README's state diagram, allowed only to the roles drawn there; a step that does
not lead from the need's current status is refused with INVALID_TRANSITION and changes nothing.
Proposals and the provider's answer are the matching mutations; check-in and check-out are in
:mod:`graphql_api.mutations.service_record`; cancelling is ``needCancel``.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

import models
from graphql_api.context import Info
from graphql_api.mutations.need import NeedPayload
from graphql_api.types.common import UserError, decode_id, user_errors
from graphql_api.types.lifecycle import IdempotencyKeyArgument
from graphql_api.types.need import Need
from graphql_api.types.service_record import ServiceRecord
from graphql_api.types.time_bank import rules_of
from resolvers import idempotency, need_steps, service_records
from resolvers.errors import DomainError

NeedId = Annotated[relay.GlobalID, strawberry.argument(description="The need.")]
Reason = Annotated[str | None, strawberry.argument(description="Why (at most 200 characters); kept in the history.")]
RequiredReason = Annotated[str, strawberry.argument(description="Why (1 to 200 characters); kept in the history.")]
PayFrom = Annotated[relay.GlobalID | None, strawberry.argument(
    description="Pay for the service from this time-bank account (养老服务时间银行): the resident's own, a "
                "relative's who has the resident as a verified eligible relative, or (staff) the pool for a priority "
                "elder. Elder-care needs only; refused with INSUFFICIENT_BALANCE rather than going below zero.")]


@strawberry.type(description="Result of a resident's feedback: the closed need and its confirmed service record.")
class NeedFeedbackPayload:
    need: Need | None = strawberry.field(description="The need, now CLOSED; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems with the input; empty on success.")

    @strawberry.field(description="The need's service record, now rated and confirmed (null if it had none).")
    async def service_record(self, info: Info) -> ServiceRecord | None:
        if self.need is None:
            return None
        row = await info.context.loaders.batch("need.latest_record", service_records.latest_records).load(self.need.id)
        return ServiceRecord.from_model(row) if row else None


async def _step(info: Info, step, id: relay.GlobalID, reason: str | None) -> NeedPayload:
    try:
        row = await step(await info.context.scope(), decode_id(id, "Need", "id"), reason)
    except DomainError as error:
        return NeedPayload(need=None, errors=user_errors(error))
    return NeedPayload(need=Need.from_model(row), errors=[])


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(description="Triage a SUBMITTED need: it is fit to be matched (staff serving its community).")
    async def need_triage(self, info: Info, id: NeedId, reason: Reason = None) -> NeedPayload:
        return await _step(info, need_steps.triage, id, reason)

    @strawberry.mutation(description="Reject a SUBMITTED need, saying why (staff serving its community).")
    async def need_reject(self, info: Info, id: NeedId, reason: RequiredReason) -> NeedPayload:
        return await _step(info, need_steps.reject, id, reason)

    @strawberry.mutation(description="Start matching a TRIAGED need (staff); the first proposal also does this.")
    async def need_start_matching(self, info: Info, id: NeedId, reason: Reason = None) -> NeedPayload:
        return await _step(info, need_steps.start_matching, id, reason)

    @strawberry.mutation(description="Close a COMPLETED need without the resident's feedback, saying why (staff); "
                                     "with `timeBankAccountId` the service is paid from that time-bank account in "
                                     "the same transaction.")
    async def need_close(self, info: Info, id: NeedId, reason: RequiredReason,
                         time_bank_account_id: PayFrom = None) -> NeedPayload:
        try:
            pay_from = decode_id(time_bank_account_id, "TimeBankAccount", "timeBankAccountId")
            row = await need_steps.close(await info.context.scope(), decode_id(id, "Need", "id"), reason,
                                         pay_from=pay_from, rules=rules_of(info))
        except DomainError as error:
            return NeedPayload(need=None, errors=user_errors(error))
        return NeedPayload(need=Need.from_model(row), errors=[])

    @strawberry.mutation(description="Rate a COMPLETED service 1 to 5 and close the need (the resident, their "
                                     "family or guardian, or staff on their behalf): the rating and comment go on "
                                     "the service record, which is confirmed, and feed the matching engine.")
    async def need_feedback(
        self, info: Info, need_id: NeedId,
        rating: Annotated[int, strawberry.argument(description="1 (poor) to 5 (excellent).")],
        comment: Annotated[str | None, strawberry.argument(description="The evaluation, in the resident's words "
                                                                       "(at most 500 characters).")] = None,
        idempotency_key: IdempotencyKeyArgument = None,
        time_bank_account_id: PayFrom = None,
    ) -> NeedFeedbackPayload:
        try:
            scope = await info.context.scope()
            need = decode_id(need_id, "Need", "needId")
            pay_from = decode_id(time_bank_account_id, "TimeBankAccount", "timeBankAccountId")
            keyed = idempotency.keyed_request(scope.viewer, "needFeedback", idempotency_key,
                                              {"need": need, "rating": rating, "comment": comment,
                                               **({"timeBankAccount": pay_from} if pay_from else {})})
            row: models.Need = await idempotency.once(keyed, lambda: service_records.give_feedback(
                scope, need, rating, comment, pay_from=pay_from, rules=rules_of(info)))
        except DomainError as error:
            return NeedFeedbackPayload(need=None, errors=user_errors(error))
        return NeedFeedbackPayload(need=Need.from_model(row), errors=[])
