"""Static tables of the demo projects (STORY.md names five), their claims and their sessions.

Day offsets are relative to the reference day; negative ones are held sessions (COMPLETED), positive
ones upcoming (SCHEDULED). ``full`` sessions are booked out and keep a waitlist.
"""

from __future__ import annotations

from typing import NamedTuple

from models.enums import CareCategory, SessionKind, TargetGroup

C, S, T = CareCategory, SessionKind, TargetGroup

AIYOUFANG = "爱有方学龄前儿童关爱项目"
WEEKEND, SATURDAY, SUNDAY, WEEKDAYS, WEDNESDAY = (5, 6), (5,), (6,), (0, 1, 2, 3, 4), (2,)


class ProjectSpec(NamedTuple):
    name: str
    organizer: str
    category: CareCategory
    target_group: TargetGroup
    min_age: int | None
    max_age: int | None
    started: int
    leads: tuple[tuple[str, int], ...]
    claims: tuple[tuple[str, int] | str, ...]
    audience: str
    description: str


PROJECTS = (
    ProjectSpec(
        "银龄跨越数字鸿沟行动", "银龄数字助老服务社", C.DIGITAL_HELP, T.ELDERLY, 60, None, -400,
        (("IT工程师", 0), ("IT工程师", 1)),
        ("银龄数字助老服务社", ("IT工程师", 0), ("IT工程师", 1), ("IT工程师", 2), ("社会工作者", 0)),
        "seniors",
        "新联会IT志愿者在各社区开设智能手机课堂，手把手教老年人微信通话、线上挂号、医保电子凭证和防范电信诈骗，"
        "帮助老人跨越“数字鸿沟”。",
    ),
    ProjectSpec(
        "健康保健公益课程和义诊", "康乐社区健康服务社", C.HEALTH_CHECK, T.ELDERLY, 60, None, -500,
        (("全科医生", 0), ("护士", 0)),
        ("康乐社区健康服务社", "和睦街道社区卫生服务中心", ("全科医生", 0), ("全科医生", 1), ("护士", 0), ("护士", 1)),
        "seniors",
        "医生和护士会员定期开设慢病防治、跌倒预防等健康保健公益课，并在社区开展量血压、测血糖、用药咨询等义诊。",
    ),
    ProjectSpec(
        "科学养育公益培训", "和美家庭教育指导中心", C.PARENTING_GUIDANCE, T.PARENTS, None, None, -300,
        (("家庭教育指导师", 1), ("育婴员", 0)),
        ("和美家庭教育指导中心", "和睦婴幼儿成长驿站", ("育婴员", 0), ("育婴员", 1), ("家庭教育指导师", 1)),
        "young_parents",
        "面向0-6岁婴幼儿家长的科学养育系列培训，内容涵盖科学喂养、睡眠作息、常见病居家护理和早期发展。",
    ),
    ProjectSpec(
        "全职妈妈俱乐部", "启航妈妈互助社", C.PARENT_CHILD_ACTIVITY, T.WOMEN, None, None, -350,
        (("家庭教育指导师", 2),),
        ("启航妈妈互助社", ("家庭教育指导师", 2), ("心理咨询师", 0)),
        "mothers",
        "为全职妈妈搭建交流互助平台，开展亲子活动、心理减压和灵活就业技能分享，帮助女性重返职场。",
    ),
    ProjectSpec(
        AIYOUFANG, "和诚社会组织服务中心", C.PRESCHOOL_CARE, T.CHILDREN, 3, 6, -160,
        (("家庭教育指导师", 0), ("幼儿教师", 0)),
        ("彩虹托育服务中心", "书香亲子阅读服务社", "小脚丫亲子运动俱乐部", "和睦幼儿园", ("家庭教育指导师", 0),
         ("幼儿教师", 0), ("幼儿体育教练", 0), ("心理咨询师", 1), ("保育师", 0)),
        "preschool_parents",
        "“爱有方”学龄前儿童关爱项目今年启动，由街道新联会秘书长牵头，通过家庭养育读书会、亲子运动会和亲子沟通专家讲座，"
        "关爱3-6岁学龄前儿童成长，并为有困难的家庭提供帮扶。",
    ),
)
"""The five projects of the report, organized by the hub or an incubated organization."""

WITHDRAWN_CLAIMS = frozenset({("银龄跨越数字鸿沟行动", ("社会工作者", 0))})
"""Claims that were later withdrawn."""


class SessionSpec(NamedTuple):
    title: str
    kind: SessionKind
    venue: str
    capacity: int
    offset: int
    days: tuple[int, ...]
    start: str
    end: str
    full: bool = False


BOOKS = ("猜猜我有多爱你", "好饿的毛毛虫", "大卫，不可以", "我爸爸", "我妈妈", "小蓝和小黄", "逃家小兔",
         "爷爷一定有办法", "团圆", "一园青菜成了精")
DIGITAL = ("智能手机入门：开关机与微信聊天", "微信视频通话", "手机预约挂号", "医保电子凭证和线上缴费",
           "识别电信诈骗", "移动支付与网上买菜", "打车与地图导航", "拍照与分享相册")
DIGITAL_VENUES = ("hemu", "ruan", "huafeng", "base")


def session_specs() -> dict[str, list[SessionSpec]]:
    """The sessions of every project: 爱有方 held 10 reading sessions and 4 sports meets (STORY.md)."""
    aiyoufang = [
        SessionSpec(f"家庭养育读书会第{i + 1}期：共读《{book}》", S.READING_SESSION,
                    "books" if i % 2 else "base", 20 + 2 * (i % 3), -150 + 14 * i, SATURDAY, "09:30", "11:00")
        for i, book in enumerate(BOOKS)
    ] + [
        SessionSpec(f"爱有方亲子运动会第{i + 1}场", S.SPORTS_MEET, "lawn", 40, offset, SUNDAY, "09:00", "11:30")
        for i, offset in enumerate((-140, -100, -62, -30))
    ] + [
        SessionSpec("亲子沟通专家讲座：如何倾听孩子的情绪", S.LECTURE, "base", 30, -90, SATURDAY, "14:00", "15:30"),
        SessionSpec("亲子沟通专家讲座：正面管教的日常实践", S.LECTURE, "base", 30, -45, SATURDAY, "14:00", "15:30"),
        SessionSpec("亲子沟通专家讲座：幼小衔接中的亲子沟通", S.LECTURE, "base", 20, 9, SATURDAY, "14:00", "15:30",
                    full=True),
    ]
    digital = [
        SessionSpec(f"手机课堂第{i + 1}课：{title}", S.CLASS, DIGITAL_VENUES[i % 4], 15 + 5 * (i % 2),
                    -70 + 14 * i if i < 5 else 3 + 7 * (i - 5), WEEKDAYS, "14:00", "15:30", full=i == 5)
        for i, title in enumerate(DIGITAL)
    ]
    health = [
        SessionSpec("社区义诊：量血压测血糖", S.CLINIC, "clinic", 40, -60, WEEKDAYS, "08:30", "11:00"),
        SessionSpec("健康课：高血压的防与治", S.LECTURE, "hemu", 30, -50, WEEKDAYS, "14:00", "15:30"),
        SessionSpec("健康课：老年人跌倒预防", S.LECTURE, "ruan", 30, -35, WEEKDAYS, "14:00", "15:30"),
        SessionSpec("社区义诊：慢病用药咨询", S.CLINIC, "base", 40, -20, WEEKDAYS, "08:30", "11:00"),
        SessionSpec("社区义诊：眼健康与听力筛查", S.CLINIC, "clinic", 30, 6, WEEKDAYS, "08:30", "11:00", full=True),
        SessionSpec("健康课：冬季心脑血管保健", S.LECTURE, "huafeng", 30, 13, WEEKDAYS, "14:00", "15:30"),
    ]
    parenting = [
        SessionSpec(f"科学养育讲堂：{title}", S.LECTURE, venue, 25, offset, SATURDAY, "19:00", "20:30")
        for title, venue, offset in (("0-3岁婴幼儿科学喂养", "base", -80), ("婴幼儿睡眠与作息", "hemu", -52),
                                     ("婴幼儿常见病居家护理", "base", -24), ("0-3岁早期语言发展", "ruan", 5),
                                     ("如何应对孩子发脾气", "base", 19))
    ]
    mothers = [
        SessionSpec(title, S.CLUB_MEETING, venue, capacity, offset, WEDNESDAY, "09:30", "11:30", full=full)
        for title, venue, capacity, offset, full in (
            ("妈妈手作沙龙", "base", 15, -63, False), ("重返职场：简历与面试分享", "base", 20, -35, False),
            ("妈妈心理减压工作坊", "hemu", 15, -14, False), ("灵活就业信息分享会", "base", 15, 4, True),
            ("亲子烘焙体验", "huafeng", 15, 18, False))
    ]
    return {AIYOUFANG: aiyoufang, "银龄跨越数字鸿沟行动": digital, "健康保健公益课程和义诊": health,
            "科学养育公益培训": parenting, "全职妈妈俱乐部": mothers}
