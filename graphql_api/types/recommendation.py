"""GraphQL type of a project recommendation: a session that fits a resident, with the reasons."""

from __future__ import annotations

from typing import Any

import strawberry

import models
from graphql_api.context import Info
from graphql_api.types.project import Project
from graphql_api.types.session import ProjectSession


@strawberry.type(description="Why a session is recommended, in Chinese and English.")
class RecommendationReason:
    code: str = strawberry.field(
        description="INTEREST (matches the resident's interests), LIFE_STAGE (seniors 60+ or parents of children "
                    "under 6), COMMUNITY (in their community or open to all), SOON (starts soon) or WAITLIST "
                    "(full, the waitlist is open)."
    )
    zh: str = strawberry.field(description="The reason in Chinese.")
    en: str = strawberry.field(description="The reason in English.")


@strawberry.type(description="A project session recommended to a resident (each project once, at its best session).")
class ProjectRecommendation:
    score: float = strawberry.field(description="Fit out of 100: interest 40, life stage 25, community 20, soon 15.")
    reasons: list[RecommendationReason] = strawberry.field(description="Why it fits.")
    project_id: strawberry.Private[int]
    session_id: strawberry.Private[int]

    @classmethod
    def from_engine(cls, recommendation: Any) -> ProjectRecommendation:
        """Build from a ``matching.Recommendation``."""
        return cls(
            score=recommendation.score,
            reasons=[RecommendationReason(code=r.code, zh=r.zh, en=r.en) for r in recommendation.reasons],
            project_id=recommendation.project_id, session_id=recommendation.session_id,
        )

    @strawberry.field(description="The project.")
    async def project(self, info: Info) -> Project:
        return Project.from_model(await info.context.loaders.by_id(models.Project).load(self.project_id))

    @strawberry.field(description="The session to join.")
    async def session(self, info: Info) -> ProjectSession:
        return ProjectSession.from_model(await info.context.loaders.by_id(models.ProjectSession).load(self.session_id))
