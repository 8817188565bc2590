"""GraphQL view of a matching score: the criteria and one explained component per criterion.

Shared by live rankings (``matchCandidates``) and stored matches (``Match.scoreBreakdown``).
"""

from __future__ import annotations

from typing import Any

import strawberry

from matching import Criterion

CRITERION_TEXTS = {
    Criterion.PROXIMITY: "距离: Proximity, same community or distance to the need",
    Criterion.SKILL: "技能与经验: Requested skills held and years of experience",
    Criterion.CONTINUITY: "照护连续性: Continuity, served this resident before and was rated well",
    Criterion.RELIABILITY: "可靠性: Reliability, completion record and ratings (newcomers get a fair prior)",
    Criterion.FAIRNESS: "公平: Fairness, fewer assignments in the last 30 days score higher",
    Criterion.URGENCY: "紧急程度: Urgency and waiting time of the need (the same for every candidate)",
}

MatchCriterion = strawberry.enum(
    Criterion, name="MatchCriterion",
    description="A soft criterion of the matching score; each earns up to its share of 100 points.",
)
for _value in MatchCriterion.__strawberry_definition__.values:
    _value.description = CRITERION_TEXTS[Criterion[_value.name]]


@strawberry.type(description="Points one criterion earned (out of `maxPoints`), with the reason in Chinese and "
                             "English; the components of a breakdown add up to its score.")
class ScoreComponent:
    criterion: MatchCriterion = strawberry.field(description="The criterion.")
    points: float = strawberry.field(description="Points earned, 0 to `maxPoints`.")
    max_points: float = strawberry.field(description="The criterion's weight: the most points it can earn.")
    reason_zh: str = strawberry.field(description="Why, in Chinese.")
    reason_en: str = strawberry.field(description="Why, in English.")

    @classmethod
    def from_engine(cls, component: Any) -> ScoreComponent:
        """Build from a ``matching.ScoreComponent``."""
        return cls(criterion=component.criterion, points=component.points, max_points=component.max_points,
                   reason_zh=component.reason_zh, reason_en=component.reason_en)

    @classmethod
    def from_json(cls, breakdown: dict | None) -> list[ScoreComponent]:
        """The components of a breakdown stored on a match (empty when none was stored)."""
        return [
            cls(criterion=Criterion(c["criterion"]), points=c["points"], max_points=c["max_points"],
                reason_zh=c["reason_zh"], reason_en=c["reason_en"])
            for c in (breakdown or {}).get("components", [])
        ]
