"""Linli's matching engine: pure Python (stdlib, numpy, scipy), no ORM, GraphQL or cache imports.

The service layer fills ``NeedProfile``/``ProviderProfile`` from database rows, then calls:

- ``check`` / ``is_eligible``: the hard constraints for one pair, with bilingual reasons;
- ``rank``: the best providers for one need, each with a score breakdown;
- ``assign``: a batch of needs to providers, maximising the total score (``greedy_assign`` is the
  baseline it is compared with);
- ``recommend_projects``: project sessions for a resident.
"""

from matching.assignment import (
    Assignment,
    AssignmentMethod,
    AssignmentResult,
    Unassigned,
    UnassignedCode,
    assign,
    greedy_assign,
)
from matching.categories import (
    CATEGORY_LABELS_EN,
    CATEGORY_LABELS_ZH,
    CERTIFICATION_LABELS_EN,
    CERTIFICATION_LABELS_ZH,
    CHILD_CATEGORIES,
    CHILD_SAFETY_CERTIFICATIONS,
    ELDER_CATEGORIES,
    REQUIRED_CERTIFICATIONS,
    CareCategory,
    CertificationKind,
    is_child_category,
)
from matching.config import (
    DEFAULT_WEIGHTS,
    AgeRules,
    Criterion,
    MatchingConfig,
    ReliabilityPrior,
    VolunteerAgeConditions,
    volunteer_age_conditions,
)
from matching.constraints import check, is_eligible
from matching.exclusions import EXCLUSION_LABELS, Exclusion, ExclusionCode
from matching.profiles import (
    Certification,
    GeoPoint,
    NeedProfile,
    ProviderKey,
    ProviderKind,
    ProviderProfile,
    Urgency,
)
from matching.ranking import Candidate, ExcludedCandidate, RankingResult, Reason, rank
from matching.recommendation import (
    Recommendation,
    RecommendationReason,
    ResidentProfile,
    SessionOffer,
    TargetGroup,
    recommend_projects,
)
from matching.schedule import TimeWindow, WeeklySlot, slots_cover, to_local
from matching.scoring import ScoreBreakdown, ScoreComponent, score

__all__ = [
    "CATEGORY_LABELS_EN",
    "CATEGORY_LABELS_ZH",
    "CERTIFICATION_LABELS_EN",
    "CERTIFICATION_LABELS_ZH",
    "CHILD_CATEGORIES",
    "CHILD_SAFETY_CERTIFICATIONS",
    "DEFAULT_WEIGHTS",
    "ELDER_CATEGORIES",
    "EXCLUSION_LABELS",
    "REQUIRED_CERTIFICATIONS",
    "AgeRules",
    "Assignment",
    "AssignmentMethod",
    "AssignmentResult",
    "Candidate",
    "CareCategory",
    "Certification",
    "CertificationKind",
    "Criterion",
    "ExcludedCandidate",
    "Exclusion",
    "ExclusionCode",
    "GeoPoint",
    "MatchingConfig",
    "NeedProfile",
    "ProviderKey",
    "ProviderKind",
    "ProviderProfile",
    "RankingResult",
    "Reason",
    "Recommendation",
    "RecommendationReason",
    "ReliabilityPrior",
    "ResidentProfile",
    "ScoreBreakdown",
    "ScoreComponent",
    "SessionOffer",
    "TargetGroup",
    "TimeWindow",
    "Unassigned",
    "UnassignedCode",
    "Urgency",
    "VolunteerAgeConditions",
    "WeeklySlot",
    "assign",
    "check",
    "greedy_assign",
    "is_child_category",
    "is_eligible",
    "rank",
    "recommend_projects",
    "score",
    "slots_cover",
    "to_local",
    "volunteer_age_conditions",
]
