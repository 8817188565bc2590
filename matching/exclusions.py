"""Why a provider is excluded: exclusion codes, the ``Exclusion`` record and bilingual labels."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExclusionCode(StrEnum):
    """Why a provider cannot take a need; the order is the order ``check`` reports them in."""

    CATEGORY = "CATEGORY"
    QUALIFICATION = "QUALIFICATION"
    CHILD_SAFETY = "CHILD_SAFETY"
    PLACE = "PLACE"
    AVAILABILITY = "AVAILABILITY"
    DOUBLE_BOOKING = "DOUBLE_BOOKING"
    CAPACITY = "CAPACITY"
    LANGUAGE = "LANGUAGE"
    GENDER = "GENDER"
    BLOCKED = "BLOCKED"
    DECLINED = "DECLINED"
    AGE = "AGE"


EXCLUSION_LABELS: dict[ExclusionCode, tuple[str, str]] = {
    ExclusionCode.CATEGORY: ("不提供该类服务", "does not offer the service"),
    ExclusionCode.QUALIFICATION: ("缺少所需资质", "lacks a required qualification"),
    ExclusionCode.CHILD_SAFETY: ("缺少儿童安全证明", "lacks the child-safety certificates"),
    ExclusionCode.PLACE: ("不在服务范围内", "outside the service area"),
    ExclusionCode.AVAILABILITY: ("该时段不在服务时间内", "not available at that time"),
    ExclusionCode.DOUBLE_BOOKING: ("该时段已有安排", "already booked at that time"),
    ExclusionCode.CAPACITY: ("已达接单上限", "at capacity"),
    ExclusionCode.LANGUAGE: ("语言不符", "does not speak the language"),
    ExclusionCode.GENDER: ("性别不符合居民意愿", "not the preferred gender"),
    ExclusionCode.BLOCKED: ("已被居民屏蔽", "blocked by the resident"),
    ExclusionCode.DECLINED: ("已婉拒该需求", "declined this need"),
    ExclusionCode.AGE: ("未达最低年龄", "under the minimum age"),
}
"""Short (zh, en) label of each exclusion code, for summaries."""

LANGUAGE_LABELS: dict[str, tuple[str, str]] = {
    "zh": ("普通话", "Mandarin"),
    "hangzhou-dialect": ("杭州话", "Hangzhou dialect"),
    "en": ("英语", "English"),
}
"""(zh, en) names of the language codes used in profiles; other codes are shown as they are."""

GENDER_LABELS: dict[str, tuple[str, str]] = {"F": ("女性", "female"), "M": ("男性", "male")}


@dataclass(frozen=True, slots=True)
class Exclusion:
    """One broken hard constraint, with a message for residents and staff in Chinese and English."""

    code: ExclusionCode
    message_zh: str
    message_en: str
