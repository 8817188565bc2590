"""Enumerations stored in the database.

Each enum is a ``str`` enum, so the database holds readable values. ``LABELS`` gives the Chinese
display label of every value (the clients show these); the GraphQL layer exposes both.
The care categories and certification kinds belong to the matching domain, and the enums of the time bank,
attendance and notifications live in :mod:`models.enums_services`; both are re-exported here.
"""

from enum import StrEnum

from matching.categories import (
    CATEGORY_LABELS_ZH,
    CERTIFICATION_LABELS_ZH,
    CareCategory,
    CertificationKind,
)
from models.enums_services import (
    SERVICE_LABELS,
    AttendanceMethod,
    FamilyRelation,
    NotificationKind,
    NotificationStatus,
    TimeBankAccountKind,
    TimeBankEntryKind,
)


class AreaKind(StrEnum):
    SUBDISTRICT = "SUBDISTRICT"
    COMMUNITY = "COMMUNITY"


class OrganizationKind(StrEnum):
    HUB_CENTRE = "HUB_CENTRE"
    ASSOCIATION = "ASSOCIATION"
    INCUBATED = "INCUBATED"
    PARTNER = "PARTNER"


class IncubationStage(StrEnum):
    APPLIED = "APPLIED"
    INCUBATING = "INCUBATING"
    GRADUATED = "GRADUATED"


class OrganizationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DISSOLVED = "DISSOLVED"


class ProfessionalStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class AssociationRole(StrEnum):
    PRESIDENT = "PRESIDENT"
    SECRETARY_GENERAL = "SECRETARY_GENERAL"
    MEMBER = "MEMBER"


class MembershipRole(StrEnum):
    MEMBER = "MEMBER"
    ADMIN = "ADMIN"


class ProjectStatus(StrEnum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    SUSPENDED = "SUSPENDED"


class TargetGroup(StrEnum):
    ELDERLY = "ELDERLY"
    PARENTS = "PARENTS"
    CHILDREN = "CHILDREN"
    WOMEN = "WOMEN"
    ALL = "ALL"


class ClaimStatus(StrEnum):
    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"


class SessionKind(StrEnum):
    CLASS = "CLASS"
    READING_SESSION = "READING_SESSION"
    SPORTS_MEET = "SPORTS_MEET"
    LECTURE = "LECTURE"
    CLINIC = "CLINIC"
    CLUB_MEETING = "CLUB_MEETING"


class SessionStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


class EnrollmentStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    CANCELLED = "CANCELLED"


class Gender(StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"


class AgeBand(StrEnum):
    INFANT_0_3 = "INFANT_0_3"
    PRESCHOOL_3_6 = "PRESCHOOL_3_6"
    CHILD_6_14 = "CHILD_6_14"
    MINOR_14_18 = "MINOR_14_18"
    ADULT_18_59 = "ADULT_18_59"
    SENIOR_60_79 = "SENIOR_60_79"
    SENIOR_80_PLUS = "SENIOR_80_PLUS"


class Mobility(StrEnum):
    INDEPENDENT = "INDEPENDENT"
    ASSISTED = "ASSISTED"
    WHEELCHAIR = "WHEELCHAIR"
    BEDRIDDEN = "BEDRIDDEN"


class GuardianRelation(StrEnum):
    PARENT = "PARENT"
    GRANDPARENT = "GRANDPARENT"
    LEGAL_GUARDIAN = "LEGAL_GUARDIAN"


class ConsentPurpose(StrEnum):
    SERVICE_MATCHING = "SERVICE_MATCHING"
    HEALTH_DATA = "HEALTH_DATA"
    CHILD_DATA = "CHILD_DATA"
    NOTIFICATIONS = "NOTIFICATIONS"
    IDENTITY = "IDENTITY"


class NeedStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    TRIAGED = "TRIAGED"
    REJECTED = "REJECTED"
    MATCHING = "MATCHING"
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    IN_SERVICE = "IN_SERVICE"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


#: Needs in these states still wait for (or are receiving) a service.
OPEN_NEED_STATUSES = frozenset(
    {NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.MATCHING, NeedStatus.PROPOSED}
)


class Urgency(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class AuditAction(StrEnum):
    """What an audit record tells happened to a resident's personal data."""

    READ = "READ"
    WRITE = "WRITE"
    EXPORT = "EXPORT"
    ERASE = "ERASE"


class AccessPurpose(StrEnum):
    """Why staff open a resident's personal data (a stated purpose is required and audited)."""

    SERVICE_DELIVERY = "SERVICE_DELIVERY"
    EMERGENCY = "EMERGENCY"
    WELFARE_CHECK = "WELFARE_CHECK"
    RECORD_CORRECTION = "RECORD_CORRECTION"


class ProviderKind(StrEnum):
    PROFESSIONAL = "PROFESSIONAL"
    ORGANIZATION = "ORGANIZATION"


class MatchStatus(StrEnum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"
    COMPLETED = "COMPLETED"


class AccountRole(StrEnum):
    """What kind of caller an account (or a request) is; ``ANONYMOUS`` is never stored."""

    ANONYMOUS = "ANONYMOUS"
    RESIDENT = "RESIDENT"
    PROFESSIONAL = "PROFESSIONAL"
    ORG_ADMIN = "ORG_ADMIN"
    STAFF = "STAFF"
    CENTRE_ADMIN = "CENTRE_ADMIN"
    PARTNER = "PARTNER"


class AccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    BANNED = "BANNED"


class ApiKeyScope(StrEnum):
    """What a partner's API key may do (stored as the values, e.g. ``directory:read``)."""

    DIRECTORY_READ = "directory:read"
    PROJECTS_WRITE = "projects:write"
    STATS_READ = "stats:read"


class ServiceRecordStatus(StrEnum):
    """A service record: a draft while the service runs, confirmed by the resident's feedback or by staff."""

    DRAFT = "DRAFT"
    CONFIRMED = "CONFIRMED"


class CorrectionStatus(StrEnum):
    """A request to correct a service record (志愿服务记录更正): decided by staff."""

    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


_LABEL_LIST: list[tuple[StrEnum, str]] = [
    (AreaKind.SUBDISTRICT, "街道"),
    (AreaKind.COMMUNITY, "社区"),
    (OrganizationKind.HUB_CENTRE, "枢纽型社会组织服务中心"),
    (OrganizationKind.ASSOCIATION, "新联会"),
    (OrganizationKind.INCUBATED, "孵化社会组织"),
    (OrganizationKind.PARTNER, "合作单位"),
    (IncubationStage.APPLIED, "申请入驻"),
    (IncubationStage.INCUBATING, "孵化中"),
    (IncubationStage.GRADUATED, "已出壳"),
    (OrganizationStatus.ACTIVE, "正常"),
    (OrganizationStatus.SUSPENDED, "暂停"),
    (OrganizationStatus.DISSOLVED, "已注销"),
    (ProfessionalStatus.ACTIVE, "在岗"),
    (ProfessionalStatus.INACTIVE, "暂停服务"),
    (AssociationRole.PRESIDENT, "会长"),
    (AssociationRole.SECRETARY_GENERAL, "秘书长"),
    (AssociationRole.MEMBER, "会员"),
    (MembershipRole.MEMBER, "成员"),
    (MembershipRole.ADMIN, "管理员"),
    (ProjectStatus.PLANNED, "筹备中"),
    (ProjectStatus.ACTIVE, "进行中"),
    (ProjectStatus.COMPLETED, "已结项"),
    (ProjectStatus.SUSPENDED, "暂停"),
    (TargetGroup.ELDERLY, "老年人"),
    (TargetGroup.PARENTS, "婴幼儿家长"),
    (TargetGroup.CHILDREN, "儿童"),
    (TargetGroup.WOMEN, "女性"),
    (TargetGroup.ALL, "全体居民"),
    (ClaimStatus.ACTIVE, "已认领"),
    (ClaimStatus.WITHDRAWN, "已退出"),
    (SessionKind.CLASS, "课堂"),
    (SessionKind.READING_SESSION, "读书会"),
    (SessionKind.SPORTS_MEET, "运动会"),
    (SessionKind.LECTURE, "讲座"),
    (SessionKind.CLINIC, "义诊"),
    (SessionKind.CLUB_MEETING, "俱乐部活动"),
    (SessionStatus.SCHEDULED, "待举办"),
    (SessionStatus.CANCELLED, "已取消"),
    (SessionStatus.COMPLETED, "已举办"),
    (EnrollmentStatus.CONFIRMED, "已报名"),
    (EnrollmentStatus.WAITLISTED, "候补"),
    (EnrollmentStatus.CANCELLED, "已取消"),
    (Gender.FEMALE, "女"),
    (Gender.MALE, "男"),
    (AgeBand.INFANT_0_3, "婴幼儿（0-3岁）"),
    (AgeBand.PRESCHOOL_3_6, "学龄前（3-6岁）"),
    (AgeBand.CHILD_6_14, "儿童（6-14岁）"),
    (AgeBand.MINOR_14_18, "未成年（14-18岁）"),
    (AgeBand.ADULT_18_59, "成年（18-59岁）"),
    (AgeBand.SENIOR_60_79, "老年（60-79岁）"),
    (AgeBand.SENIOR_80_PLUS, "高龄（80岁以上）"),
    (Mobility.INDEPENDENT, "自理"),
    (Mobility.ASSISTED, "半自理"),
    (Mobility.WHEELCHAIR, "轮椅"),
    (Mobility.BEDRIDDEN, "卧床"),
    (GuardianRelation.PARENT, "父母"),
    (GuardianRelation.GRANDPARENT, "祖父母"),
    (GuardianRelation.LEGAL_GUARDIAN, "法定监护人"),
    (ConsentPurpose.SERVICE_MATCHING, "服务匹配"),
    (ConsentPurpose.HEALTH_DATA, "健康信息"),
    (ConsentPurpose.CHILD_DATA, "儿童个人信息"),
    (ConsentPurpose.NOTIFICATIONS, "消息通知"),
    (ConsentPurpose.IDENTITY, "身份证件信息"),
    (NeedStatus.SUBMITTED, "已提交"),
    (NeedStatus.TRIAGED, "已分拣"),
    (NeedStatus.REJECTED, "已驳回"),
    (NeedStatus.MATCHING, "匹配中"),
    (NeedStatus.PROPOSED, "已推荐"),
    (NeedStatus.ACCEPTED, "已接单"),
    (NeedStatus.IN_SERVICE, "服务中"),
    (NeedStatus.COMPLETED, "已完成"),
    (NeedStatus.CLOSED, "已闭环"),
    (NeedStatus.CANCELLED, "已取消"),
    (NeedStatus.EXPIRED, "已过期"),
    (Urgency.LOW, "不急"),
    (Urgency.NORMAL, "一般"),
    (Urgency.HIGH, "紧急"),
    (Urgency.CRITICAL, "特急"),
    (AuditAction.READ, "查看"),
    (AuditAction.WRITE, "修改"),
    (AuditAction.EXPORT, "导出"),
    (AuditAction.ERASE, "删除"),
    (AccessPurpose.SERVICE_DELIVERY, "提供服务"),
    (AccessPurpose.EMERGENCY, "紧急情况"),
    (AccessPurpose.WELFARE_CHECK, "探访关怀"),
    (AccessPurpose.RECORD_CORRECTION, "更正记录"),
    (ProviderKind.PROFESSIONAL, "专业人士"),
    (ProviderKind.ORGANIZATION, "社会组织"),
    (MatchStatus.PROPOSED, "待确认"),
    (MatchStatus.ACCEPTED, "已接受"),
    (MatchStatus.DECLINED, "已拒绝"),
    (MatchStatus.WITHDRAWN, "已撤回"),
    (MatchStatus.COMPLETED, "已完成"),
    (AccountRole.ANONYMOUS, "访客"),
    (AccountRole.RESIDENT, "居民"),
    (AccountRole.PROFESSIONAL, "专业人士"),
    (AccountRole.ORG_ADMIN, "组织管理员"),
    (AccountRole.STAFF, "中心工作人员"),
    (AccountRole.CENTRE_ADMIN, "中心管理员"),
    (AccountRole.PARTNER, "合作伙伴"),
    (AccountStatus.ACTIVE, "启用"),
    (AccountStatus.BANNED, "已封禁"),
    (ApiKeyScope.DIRECTORY_READ, "读取公开目录"),
    (ApiKeyScope.PROJECTS_WRITE, "管理本单位项目"),
    (ApiKeyScope.STATS_READ, "读取汇总统计"),
    (ServiceRecordStatus.DRAFT, "待确认"),
    (ServiceRecordStatus.CONFIRMED, "已确认"),
    (CorrectionStatus.REQUESTED, "待审核"),
    (CorrectionStatus.APPROVED, "已更正"),
    (CorrectionStatus.REJECTED, "未通过"),
]


_LABEL_LIST += SERVICE_LABELS + list(CATEGORY_LABELS_ZH.items()) + list(CERTIFICATION_LABELS_ZH.items())

#: Chinese labels keyed by (enum class, value): members of different enums may share a value
#: (``ProjectStatus.ACTIVE`` and ``ClaimStatus.ACTIVE`` are equal strings) but not a label.
LABELS: dict[tuple[type, str], str] = {(type(member), member.value): text for member, text in _LABEL_LIST}


def label(value: StrEnum) -> str:
    """The Chinese display label of an enum value (the value itself if none is defined)."""
    return LABELS.get((type(value), value.value), value.value)


def has_label(value: StrEnum) -> bool:
    """True when a Chinese label is defined for this enum value."""
    return (type(value), value.value) in LABELS


__all__ = [name for name in dir() if not name.startswith("_")] + [
    "CareCategory", "CertificationKind", "AttendanceMethod", "FamilyRelation", "NotificationKind", "NotificationStatus",
    "TimeBankAccountKind", "TimeBankEntryKind",
]
