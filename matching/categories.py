"""Care categories, certification kinds and which certifications each category requires.

The categories follow the wording of Chinese community-care policy texts ("一老一小"): home elder care
(助餐, 助浴, 助洁, 助急, 助医, 助行 plus companionship, health checks and digital help) and childcare
(infant care 0-3, preschool care 3-6, parenting guidance, parent-child activities, family reading).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class CareCategory(StrEnum):
    """A kind of service a resident can ask for and a provider can offer."""

    MEALS = "MEALS"
    BATHING = "BATHING"
    CLEANING = "CLEANING"
    EMERGENCY = "EMERGENCY"
    MEDICAL = "MEDICAL"
    MOBILITY = "MOBILITY"
    COMPANIONSHIP = "COMPANIONSHIP"
    HEALTH_CHECK = "HEALTH_CHECK"
    DIGITAL_HELP = "DIGITAL_HELP"
    INFANT_CARE = "INFANT_CARE"
    PRESCHOOL_CARE = "PRESCHOOL_CARE"
    PARENTING_GUIDANCE = "PARENTING_GUIDANCE"
    PARENT_CHILD_ACTIVITY = "PARENT_CHILD_ACTIVITY"
    FAMILY_READING = "FAMILY_READING"


ELDER_CATEGORIES: frozenset[CareCategory] = frozenset(
    {
        CareCategory.MEALS,
        CareCategory.BATHING,
        CareCategory.CLEANING,
        CareCategory.EMERGENCY,
        CareCategory.MEDICAL,
        CareCategory.MOBILITY,
        CareCategory.COMPANIONSHIP,
        CareCategory.HEALTH_CHECK,
        CareCategory.DIGITAL_HELP,
    }
)
"""The home elder-care group (居家养老)."""

CHILD_CATEGORIES: frozenset[CareCategory] = frozenset(CareCategory) - ELDER_CATEGORIES
"""The childcare group (托育 / 一小): every provider in it is in close contact with children."""


def is_child_category(category: CareCategory) -> bool:
    """Tell whether a category belongs to the childcare group (close contact with children)."""
    return category in CHILD_CATEGORIES


CATEGORY_LABELS_ZH: Mapping[CareCategory, str] = MappingProxyType(
    {
        CareCategory.MEALS: "助餐",
        CareCategory.BATHING: "助浴",
        CareCategory.CLEANING: "助洁",
        CareCategory.EMERGENCY: "助急",
        CareCategory.MEDICAL: "助医",
        CareCategory.MOBILITY: "助行",
        CareCategory.COMPANIONSHIP: "陪伴",
        CareCategory.HEALTH_CHECK: "健康检查",
        CareCategory.DIGITAL_HELP: "数字助老",
        CareCategory.INFANT_CARE: "婴幼儿照护",
        CareCategory.PRESCHOOL_CARE: "学龄前托育",
        CareCategory.PARENTING_GUIDANCE: "科学养育",
        CareCategory.PARENT_CHILD_ACTIVITY: "亲子活动",
        CareCategory.FAMILY_READING: "家庭阅读",
    }
)
"""Chinese labels of the care categories, as used in policy texts."""

CATEGORY_LABELS_EN: Mapping[CareCategory, str] = MappingProxyType(
    {
        CareCategory.MEALS: "Meals",
        CareCategory.BATHING: "Bathing",
        CareCategory.CLEANING: "Cleaning",
        CareCategory.EMERGENCY: "Emergency help",
        CareCategory.MEDICAL: "Medical help",
        CareCategory.MOBILITY: "Mobility help",
        CareCategory.COMPANIONSHIP: "Companionship",
        CareCategory.HEALTH_CHECK: "Health check",
        CareCategory.DIGITAL_HELP: "Digital help",
        CareCategory.INFANT_CARE: "Infant care (0-3)",
        CareCategory.PRESCHOOL_CARE: "Preschool care (3-6)",
        CareCategory.PARENTING_GUIDANCE: "Parenting guidance",
        CareCategory.PARENT_CHILD_ACTIVITY: "Parent-child activity",
        CareCategory.FAMILY_READING: "Family reading",
    }
)
"""English labels of the care categories."""


class CertificationKind(StrEnum):
    """A qualification or check a provider can hold."""

    ELDER_CARE_WORKER = "ELDER_CARE_WORKER"
    CHILDCARE_WORKER = "CHILDCARE_WORKER"
    INFANT_CARE_WORKER = "INFANT_CARE_WORKER"
    DOCTOR = "DOCTOR"
    NURSE = "NURSE"
    HEALTH_CERTIFICATE = "HEALTH_CERTIFICATE"
    NO_CRIMINAL_RECORD = "NO_CRIMINAL_RECORD"
    PSYCHOLOGICAL_COUNSELOR = "PSYCHOLOGICAL_COUNSELOR"
    SOCIAL_WORKER = "SOCIAL_WORKER"


CERTIFICATION_LABELS_ZH: Mapping[CertificationKind, str] = MappingProxyType(
    {
        CertificationKind.ELDER_CARE_WORKER: "养老护理员",
        CertificationKind.CHILDCARE_WORKER: "保育师",
        CertificationKind.INFANT_CARE_WORKER: "育婴员",
        CertificationKind.DOCTOR: "执业医师",
        CertificationKind.NURSE: "护士",
        CertificationKind.HEALTH_CERTIFICATE: "健康证明",
        CertificationKind.NO_CRIMINAL_RECORD: "无犯罪记录证明",
        CertificationKind.PSYCHOLOGICAL_COUNSELOR: "心理咨询师",
        CertificationKind.SOCIAL_WORKER: "社会工作者",
    }
)
"""Chinese labels of the certification kinds."""

CERTIFICATION_LABELS_EN: Mapping[CertificationKind, str] = MappingProxyType(
    {
        CertificationKind.ELDER_CARE_WORKER: "Elder-care worker",
        CertificationKind.CHILDCARE_WORKER: "Childcare worker",
        CertificationKind.INFANT_CARE_WORKER: "Infant-care worker",
        CertificationKind.DOCTOR: "Licensed doctor",
        CertificationKind.NURSE: "Nurse",
        CertificationKind.HEALTH_CERTIFICATE: "Health certificate",
        CertificationKind.NO_CRIMINAL_RECORD: "No-criminal-record certificate",
        CertificationKind.PSYCHOLOGICAL_COUNSELOR: "Psychological counselor",
        CertificationKind.SOCIAL_WORKER: "Social worker",
    }
)
"""English labels of the certification kinds."""

_K = CertificationKind

REQUIRED_CERTIFICATIONS: Mapping[CareCategory, frozenset[CertificationKind]] = MappingProxyType(
    {
        CareCategory.MEALS: frozenset(),
        CareCategory.BATHING: frozenset({_K.ELDER_CARE_WORKER, _K.NURSE}),
        CareCategory.CLEANING: frozenset(),
        CareCategory.EMERGENCY: frozenset(),
        CareCategory.MEDICAL: frozenset({_K.DOCTOR, _K.NURSE}),
        CareCategory.MOBILITY: frozenset(),
        CareCategory.COMPANIONSHIP: frozenset(),
        CareCategory.HEALTH_CHECK: frozenset({_K.DOCTOR, _K.NURSE}),
        CareCategory.DIGITAL_HELP: frozenset(),
        CareCategory.INFANT_CARE: frozenset({_K.INFANT_CARE_WORKER, _K.CHILDCARE_WORKER}),
        CareCategory.PRESCHOOL_CARE: frozenset({_K.CHILDCARE_WORKER}),
        CareCategory.PARENTING_GUIDANCE: frozenset(),
        CareCategory.PARENT_CHILD_ACTIVITY: frozenset(),
        CareCategory.FAMILY_READING: frozenset(),
    }
)
"""Professional qualification per category, as an "any of" set: holding ONE valid kind is enough.

An empty set means no professional qualification is needed. Bathing frail elders needs an elder-care
worker (养老护理员) or a nurse; medical help and health checks need a licensed doctor or a nurse;
infant care (0-3) needs an infant-care worker (育婴员) or a childcare worker (保育师); preschool care
(3-6) needs a childcare worker (occupation 4-10-01-03). The child-safety checks below come on top.
"""

CHILD_SAFETY_CERTIFICATIONS: frozenset[CertificationKind] = frozenset({_K.HEALTH_CERTIFICATE, _K.NO_CRIMINAL_RECORD})
"""Checks that EVERY child category requires, ALL of them, verified and valid (托育机构质量评估标准
2024; Minors Protection Law Art. 62: anyone in close contact with children)."""
