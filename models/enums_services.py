"""Enumerations of the services built on the lifecycle: the time bank, session attendance and notifications.

Re-exported by :mod:`models.enums`, whose ``LABELS`` include :data:`SERVICE_LABELS`.
"""

from enum import StrEnum


class TimeBankAccountKind(StrEnum):
    """A time-bank account: one person's, or the pool that serves priority elders (互助池)."""

    PERSONAL = "PERSONAL"
    POOL = "POOL"


class TimeBankEntryKind(StrEnum):
    """What one time-bank ledger entry records (credits are positive, debits negative)."""

    DEPOSIT = "DEPOSIT"
    TRANSFER_OUT = "TRANSFER_OUT"
    TRANSFER_IN = "TRANSFER_IN"
    DONATION_OUT = "DONATION_OUT"
    DONATION_IN = "DONATION_IN"
    CAP_EXCESS_OUT = "CAP_EXCESS_OUT"
    CAP_EXCESS_IN = "CAP_EXCESS_IN"
    SPEND = "SPEND"


class FamilyRelation(StrEnum):
    """How a resident is related to a time-bank account's holder (verified by staff)."""

    SELF = "SELF"
    SPOUSE = "SPOUSE"
    PARENT = "PARENT"
    GRANDPARENT = "GRANDPARENT"
    CHILD = "CHILD"
    GRANDCHILD = "GRANDCHILD"


class AttendanceMethod(StrEnum):
    """How an attendance at a project session was recorded."""

    CODE = "CODE"
    STAFF = "STAFF"


class NotificationKind(StrEnum):
    """What a WeChat subscription message tells its recipient."""

    MATCH_PROPOSED = "MATCH_PROPOSED"
    MATCH_ACCEPTED = "MATCH_ACCEPTED"
    SERVICE_TOMORROW = "SERVICE_TOMORROW"
    FEEDBACK_REQUESTED = "FEEDBACK_REQUESTED"


class NotificationStatus(StrEnum):
    """Where one notification is on its way to its recipient."""

    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


SERVICE_LABELS: list[tuple[StrEnum, str]] = [
    (TimeBankAccountKind.PERSONAL, "个人账户"),
    (TimeBankAccountKind.POOL, "互助池"),
    (TimeBankEntryKind.DEPOSIT, "服务存入"),
    (TimeBankEntryKind.TRANSFER_OUT, "转赠转出"),
    (TimeBankEntryKind.TRANSFER_IN, "转赠转入"),
    (TimeBankEntryKind.DONATION_OUT, "捐赠"),
    (TimeBankEntryKind.DONATION_IN, "受捐"),
    (TimeBankEntryKind.CAP_EXCESS_OUT, "超出上限转入互助池"),
    (TimeBankEntryKind.CAP_EXCESS_IN, "超限捐入"),
    (TimeBankEntryKind.SPEND, "兑换服务"),
    (FamilyRelation.SELF, "本人"),
    (FamilyRelation.SPOUSE, "配偶"),
    (FamilyRelation.PARENT, "父母"),
    (FamilyRelation.GRANDPARENT, "祖父母/外祖父母"),
    (FamilyRelation.CHILD, "子女"),
    (FamilyRelation.GRANDCHILD, "孙子女/外孙子女"),
    (AttendanceMethod.CODE, "签到码签到"),
    (AttendanceMethod.STAFF, "工作人员登记"),
    (NotificationKind.MATCH_PROPOSED, "新的服务邀请"),
    (NotificationKind.MATCH_ACCEPTED, "服务者已接单"),
    (NotificationKind.SERVICE_TOMORROW, "明日服务提醒"),
    (NotificationKind.FEEDBACK_REQUESTED, "服务评价邀请"),
    (NotificationStatus.PENDING, "待发送"),
    (NotificationStatus.SENDING, "发送中"),
    (NotificationStatus.SENT, "已送达"),
    (NotificationStatus.FAILED, "发送失败"),
    (NotificationStatus.SKIPPED, "未发送"),
]
