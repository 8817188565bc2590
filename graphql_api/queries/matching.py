"""Root queries of matching: ranked candidates for a need, project recommendations for a resident."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.context import Info
from graphql_api.types.common import decode_id
from graphql_api.types.matching import MatchCandidates
from graphql_api.types.recommendation import ProjectRecommendation
from resolvers.matching import rank_need
from resolvers.recommendations import project_recommendations


@strawberry.type
class MatchingQuery:
    @strawberry.field(description="Rank the providers for a need (staff serving its community): each candidate with "
                                  "its score out of 100, the breakdown per criterion and the reasons in Chinese and "
                                  "English; optionally the excluded providers with the constraints they break.")
    async def match_candidates(
        self,
        info: Info,
        need_id: Annotated[relay.GlobalID, strawberry.argument(description="The need to rank providers for.")],
        first: Annotated[int, strawberry.argument(description="How many candidates, 0 to 100.")] = 10,
        include_excluded: Annotated[bool, strawberry.argument(
            description="Also list providers offering the category that break a constraint (why not this person?)."
        )] = False,
    ) -> MatchCandidates:
        ranked = await rank_need(info.context.viewer, decode_id(need_id, "Need", "needId"), first, include_excluded)
        return await MatchCandidates.answer(info, ranked)

    @strawberry.field(description="Project sessions that fit a resident (age, family, community, interests, free "
                                  "seats), best first; for the resident themself or staff serving them.")
    async def project_recommendations(
        self,
        info: Info,
        resident_id: Annotated[relay.GlobalID, strawberry.argument(description="The resident.")],
        first: Annotated[int, strawberry.argument(description="How many recommendations, 0 to 20.")] = 5,
    ) -> list[ProjectRecommendation]:
        found = await project_recommendations(info.context.viewer, decode_id(resident_id, "Resident", "residentId"),
                                              first)
        return [ProjectRecommendation.from_engine(r) for r in found]
