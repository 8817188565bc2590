"""Mutations of matches: propose (staff), accept and decline (the provider), batch assignment (staff) and
dispatch of an organization's match to a member."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import UserError, decode_id, user_errors
from graphql_api.types.matching import AssignmentMethodEnum, MatchAssignment, UnassignedNeed
from graphql_api.types.need import Match
from models.enums import ProviderKind
from resolvers import match_assign, match_dispatch, match_responses, matching
from resolvers.errors import DomainError, ErrorCode

MatchId = Annotated[relay.GlobalID, strawberry.argument(description="The match.")]


@strawberry.input(description="A provider proposed by staff for an open need.")
class MatchProposeInput:
    need_id: relay.GlobalID = strawberry.field(description="The open need.")
    provider_id: relay.GlobalID = strawberry.field(description="The provider: a Professional or Organization ID.")


@strawberry.input(description="A batch of open needs to assign at once.")
class MatchAssignInput:
    need_ids: list[relay.GlobalID] = strawberry.field(
        description="The needs (1 to 2,000), each SUBMITTED, TRIAGED or MATCHING and in your communities."
    )
    dry_run: bool = strawberry.field(default=True, description="Only compute and report; write nothing.")


@strawberry.type(description="Result of proposing, accepting, declining or dispatching a match.")
class MatchPayload:
    match: Match | None = strawberry.field(description="The match; null on errors.")
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


@strawberry.type(description="Result of a batch assignment: the optimal assignment (maximum total score under "
                             "every provider's capacity, without double booking) and the needs left over.")
class MatchAssignPayload:
    total_score: float | None = strawberry.field(description="Sum of the assigned pairs' scores; null on errors.")
    method: AssignmentMethodEnum | None = strawberry.field(description="How it was solved; null on errors.")
    optimal: bool | None = strawberry.field(description="Whether the assignment is proven optimal; null on errors.")
    assignments: list[MatchAssignment] = strawberry.field(description="Need to provider, by need.")
    unassigned: list[UnassignedNeed] = strawberry.field(description="Needs without a provider, and why.")
    providers_considered: int = strawberry.field(description="How many pre-filtered providers were considered.")
    written: bool = strawberry.field(description="Whether proposals were written (false for a dry run).")
    errors: list[UserError] = strawberry.field(description="Problems; empty on success.")


def _provider(value: relay.GlobalID) -> tuple[ProviderKind, int]:
    """The kind and key of a Professional or Organization global ID."""
    kind = ProviderKind.PROFESSIONAL if value.type_name == "Professional" else ProviderKind.ORGANIZATION
    return kind, decode_id(value, ("Professional", "Organization"), "providerId")


def _failed_batch(error: DomainError) -> MatchAssignPayload:
    return MatchAssignPayload(total_score=None, method=None, optimal=None, assignments=[], unassigned=[],
                              providers_considered=0, written=False, errors=user_errors(error))


@strawberry.type
class MatchMutation:
    @strawberry.mutation(description="Propose an eligible provider for an open need (staff); an ineligible one is "
                                     "refused with NOT_ELIGIBLE naming every broken constraint.")
    async def match_propose(
        self, info: Info, input: Annotated[MatchProposeInput, strawberry.argument(description="The proposal.")]
    ) -> MatchPayload:
        try:
            kind, provider_id = _provider(input.provider_id)
            row = await matching.match_propose(info.context.viewer, decode_id(input.need_id, "Need", "needId"), kind,
                                               provider_id)
        except DomainError as error:
            return MatchPayload(match=None, errors=user_errors(error))
        return MatchPayload(match=Match.from_model(row), errors=[])

    @strawberry.mutation(description="Accept a proposal (the proposed provider): every constraint is checked again; "
                                     "the need's other proposals are withdrawn.")
    async def match_accept(self, info: Info, id: MatchId) -> MatchPayload:
        try:
            row = await match_responses.match_accept(info.context.viewer, decode_id(id, "Match", "id"))
        except DomainError as error:
            return MatchPayload(match=None, errors=user_errors(error))
        return MatchPayload(match=Match.from_model(row), errors=[])

    @strawberry.mutation(description="Decline a proposal (the proposed provider); the provider is not offered this "
                                     "need again.")
    async def match_decline(
        self, info: Info, id: MatchId,
        reason: Annotated[str | None, strawberry.argument(description="Why (at most 200 characters).")] = None,
    ) -> MatchPayload:
        try:
            row = await match_responses.match_decline(info.context.viewer, decode_id(id, "Match", "id"), reason)
        except DomainError as error:
            return MatchPayload(match=None, errors=user_errors(error))
        return MatchPayload(match=Match.from_model(row), errors=[])

    @strawberry.mutation(description="Assign a batch of open needs optimally (staff); unless `dryRun`, write the "
                                     "proposals and need statuses in one transaction.")
    async def match_assign(
        self, info: Info, input: Annotated[MatchAssignInput, strawberry.argument(description="The batch.")]
    ) -> MatchAssignPayload:
        try:
            if len(input.need_ids) > match_assign.MAX_BATCH:
                raise DomainError(ErrorCode.OUT_OF_RANGE, f"`needIds` names at most {match_assign.MAX_BATCH} needs.",
                                  "needIds")
            need_ids = [decode_id(i, "Need", "needIds") for i in input.need_ids]
            outcome = await match_assign.match_assign(info.context.viewer, need_ids, input.dry_run)
        except DomainError as error:
            return _failed_batch(error)
        result = outcome.result
        return MatchAssignPayload(
            total_score=result.total_score, method=result.method, optimal=result.optimal,
            assignments=[MatchAssignment(score=a.score, need_id=a.need_id, key=a.provider_key)
                         for a in result.assignments],
            unassigned=[UnassignedNeed(code=u.code, message_zh=u.message_zh, message_en=u.message_en,
                                       exclusion=u.exclusion, need_id=u.need_id) for u in result.unassigned],
            providers_considered=outcome.providers_considered, written=outcome.written, errors=[],
        )

    @strawberry.mutation(description="Dispatch an organization's accepted match to one of its members (its admin or "
                                     "staff): the best eligible member, or the one named.")
    async def match_dispatch(
        self, info: Info, id: MatchId,
        professional_id: Annotated[relay.GlobalID | None, strawberry.argument(
            description="The member to propose; omitted: the best-ranked eligible member.")] = None,
    ) -> MatchPayload:
        try:
            member = decode_id(professional_id, "Professional", "professionalId")
            row = await match_dispatch.match_dispatch(info.context.viewer, decode_id(id, "Match", "id"), member)
        except DomainError as error:
            return MatchPayload(match=None, errors=user_errors(error))
        return MatchPayload(match=Match.from_model(row), errors=[])
