"""Static tables of the demo needs: realistic requests in every care category, and their time slots.

A template's ``slot`` names a window that typical providers of the category cover (see the
availability presets in :mod:`resolvers.demo_catalog`). ``urgent`` templates go to seniors aged 80+
living alone; ``dialect`` ones ask for a Hangzhou-dialect speaker; ``same_gender`` ones prefer a
provider of the resident's gender.
"""

from __future__ import annotations

from typing import NamedTuple

from models.enums import CareCategory, CertificationKind

C, K = CareCategory, CertificationKind

SLOTS: dict[str, tuple[tuple[int, ...], str, str]] = {
    "AM": ((0, 1, 2, 3, 4), "09:00", "11:00"),
    "NOON": ((0, 1, 2, 3, 4), "10:30", "12:00"),
    "PM": ((0, 1, 2, 3, 4), "14:00", "16:00"),
    "LATE": ((0, 1, 2, 3, 4), "16:00", "18:00"),
    "EVE": ((0, 1, 2, 3, 4), "19:00", "20:30"),
    "SAT": ((5,), "09:30", "11:30"),
}
"""Need windows by slot: (weekdays 0=Mon..6=Sun, start, end), local time."""


class NeedSpec(NamedTuple):
    title: str
    description: str
    slot: str
    skills: tuple[str, ...] = ()
    certifications: tuple[CertificationKind, ...] = ()
    urgent: bool = False
    dialect: bool = False
    same_gender: bool = False


NEEDS: dict[CareCategory, tuple[NeedSpec, ...]] = {
    C.MEALS: (
        NeedSpec("每天午餐送餐上门", "老伴住院了，一个人做饭不方便，希望工作日午餐能送到家，饭菜软烂少盐。", "NOON",
                 ("助餐配送",)),
        NeedSpec("陪同去老年食堂吃饭", "腿脚不太方便，想请人陪我去社区老年食堂吃午饭。", "NOON", ("助行",)),
        NeedSpec("独居老人紧急送餐", "这几天发烧在家起不来，冰箱里没吃的了，请尽快帮忙送午饭。", "NOON",
                 ("助餐配送",), urgent=True),
    ),
    C.BATHING: (
        NeedSpec("上门助浴", "行动不便，家里卫生间装了扶手，需要专业人员协助洗澡。", "PM", ("助浴",),
                 (K.ELDER_CARE_WORKER,), same_gender=True),
        NeedSpec("卧床老人擦浴", "长期卧床，需要上门擦浴、更换床单，注意防压疮。", "AM", ("助浴", "失能照护"),
                 same_gender=True),
        NeedSpec("冬季洗澡需要帮忙", "天冷了浴室湿滑，怕摔倒，想请人每周来帮忙洗一次澡。", "PM", ("助浴",)),
    ),
    C.CLEANING: (
        NeedSpec("厨房和卫生间大扫除", "年纪大了弯不下腰，想请人帮忙打扫厨房油污和卫生间。", "AM", ("居家保洁",)),
        NeedSpec("换季整理衣物被褥", "换季了，想请人帮忙把冬天的被子拿出来晒晒，衣柜整理一下。", "PM", ("居家保洁",)),
        NeedSpec("清理阳台杂物", "阳台堆了很多旧纸箱，怕引起火灾，想请人帮忙清理。", "AM"),
    ),
    C.EMERGENCY: (
        NeedSpec("安装一键呼叫器", "一个人住，想在床头装一个紧急呼叫器，并教我怎么用。", "AM", ("应急处置",),
                 urgent=True),
        NeedSpec("最近在家摔倒过", "上周在家摔了一跤，想请人上门看看哪里需要加扶手、防滑垫。", "PM",
                 ("应急处置",), urgent=True),
        NeedSpec("留个紧急联系人", "子女在外地，想和社区约定一个突发情况时能联系上门的人。", "PM", ("个案管理",)),
    ),
    C.MEDICAL: (
        NeedSpec("陪同到医院复诊", "下周要去医院复查心脏，子女不在身边，需要有人陪同挂号、取药。", "AM",
                 ("用药指导",)),
        NeedSpec("术后上门换药", "髋关节手术后伤口需要隔天换药，行动不便去不了医院。", "AM", ("伤口护理",),
                 (K.NURSE,), urgent=True),
        NeedSpec("帮忙代配慢病药", "降压药快吃完了，想请人到社区卫生服务中心帮忙配药。", "AM", ("慢病管理",)),
    ),
    C.MOBILITY: (
        NeedSpec("扶我下楼走走", "住五楼没有电梯，想每周有人扶我下楼散散步。", "PM", ("助行",)),
        NeedSpec("推轮椅去银行办事", "坐轮椅，要去银行办社保卡业务，需要有人推轮椅陪同。", "AM", ("助行",)),
        NeedSpec("陪同去菜场买菜", "视力不好，过马路害怕，想请人陪我去菜场。", "AM", ("助行",), dialect=True),
    ),
    C.COMPANIONSHIP: (
        NeedSpec("想找人聊聊天", "老伴走了以后一个人住，希望每周有人上门陪我说说话，最好会讲杭州话。", "PM",
                 ("探访陪伴",), dialect=True),
        NeedSpec("给我读读报纸", "眼睛不好看不了字，想请人每周来给我读读报纸、聊聊新闻。", "PM", ("探访陪伴",)),
        NeedSpec("心情低落想找人谈谈", "最近睡不好，总觉得心里闷，想找个懂心理的人聊一聊。", "PM", ("心理疏导",)),
    ),
    C.HEALTH_CHECK: (
        NeedSpec("上门测血压血糖", "想请医生或护士上门帮我测测血压血糖，看看药量要不要调整。", "AM",
                 ("血压血糖监测",)),
        NeedSpec("帮我看看体检报告", "社区体检报告出来了，好几项有箭头，想请医生帮忙解读。", "AM", ("慢病管理",)),
        NeedSpec("家庭医生签约咨询", "想了解家庭医生签约有什么服务，能不能上门。", "AM", ("家庭医生签约",)),
    ),
    C.DIGITAL_HELP: (
        NeedSpec("教我用手机挂号", "想学会在手机上预约挂号，不想每次都去医院排队。", "EVE", ("线上挂号",)),
        NeedSpec("学会微信视频通话", "孙子在外地读书，想学会跟他视频聊天。", "SAT", ("智能手机教学",)),
        NeedSpec("手机付款怕被骗", "想学手机付款，但是怕遇到骗子，请人教教我怎么分辨。", "EVE",
                 ("移动支付", "防诈骗宣传")),
    ),
    C.INFANT_CARE: (
        NeedSpec("周末临时照看一岁宝宝", "周六夫妻俩都要加班，需要有资质的育婴员上门照看一岁宝宝半天。", "SAT",
                 ("婴儿护理",)),
        NeedSpec("新生儿护理指导", "宝宝两个多月，想请育婴员上门指导喂奶、洗澡和抚触。", "AM",
                 ("婴儿护理", "科学喂养")),
        NeedSpec("普惠托育入托咨询", "宝宝快两岁了，想了解社区普惠托育点能不能入托、怎么收费。", "AM",
                 ("婴儿护理",)),
    ),
    C.PRESCHOOL_CARE: (
        NeedSpec("幼儿园放学后临时托管", "孩子上幼儿园中班，下午四点放学，家长下班晚，需要临时托管两小时。", "LATE",
                 ("幼儿照护",)),
        NeedSpec("孩子生病后居家看护", "孩子病刚好还不能去幼儿园，家长要上班，需要保育师白天照看。", "AM",
                 ("幼儿照护",), (K.CHILDCARE_WORKER,)),
        NeedSpec("暑期半日托管", "幼儿园放暑假了，想找社区半日托管，孩子五岁。", "AM", ("幼儿照护", "游戏活动设计")),
    ),
    C.PARENTING_GUIDANCE: (
        NeedSpec("孩子挑食怎么办", "三岁孩子挑食严重，只吃白米饭，想请专业人士指导科学喂养。", "EVE", ("科学喂养",)),
        NeedSpec("二胎家庭大宝闹情绪", "大宝对二宝很抵触，经常发脾气，想学习怎么跟他沟通。", "EVE", ("亲子沟通",)),
        NeedSpec("孩子入园焦虑", "孩子刚上小班，每天哭着不肯去，想请老师给点建议。", "EVE",
                 ("亲子沟通", "家庭教育咨询")),
    ),
    C.PARENT_CHILD_ACTIVITY: (
        NeedSpec("周末亲子运动", "想带孩子参加周末的亲子运动或户外游戏，多认识小伙伴。", "SAT", ("亲子运动",)),
        NeedSpec("亲子手工活动", "孩子喜欢做手工，希望社区有亲子手工活动可以参加。", "SAT", ("游戏活动设计",)),
        NeedSpec("亲子自然观察", "想带孩子去公园认识植物和小昆虫，希望有老师带领。", "SAT", ("亲子运动",)),
    ),
    C.FAMILY_READING: (
        NeedSpec("绘本共读指导", "想学习怎么给四岁的孩子讲绘本，孩子总是坐不住。", "EVE", ("绘本阅读",)),
        NeedSpec("推荐适合的绘本", "孩子快上小学了，想请老师推荐适合这个年龄的绘本书单。", "SAT", ("绘本阅读",)),
        NeedSpec("参加家庭读书会", "听说社区有家庭养育读书会，想带孩子一起参加。", "SAT", ("绘本阅读", "亲子沟通")),
    ),
}
"""Three request templates per care category (all 14)."""

EXTRA_NEEDS = (C.MEALS, C.COMPANIONSHIP, C.DIGITAL_HELP, C.INFANT_CARE, C.HEALTH_CHECK, C.PARENTING_GUIDANCE)
"""Categories asked for more often: one more open need each."""

HISTORY = (C.MEALS, C.CLEANING, C.BATHING, C.COMPANIONSHIP, C.DIGITAL_HELP)
"""Categories of the regular services some seniors received from the same professional (continuity)."""

OTHER_HISTORY = (C.HEALTH_CHECK, C.MEDICAL, C.INFANT_CARE, C.FAMILY_READING)
"""One-off services of the past."""

MOTHER_IN_DIFFICULTY = NeedSpec(
    "困境妈妈帮扶",
    "妈妈独自抚养{age}岁的孩子，同时照顾生病的老人，白天难以兼顾，情绪压力很大。爱有方项目组协调临时托育、"
    "心理疏导和灵活就业信息，帮助她缓解困境。",
    "AM", ("亲子沟通", "心理疏导"),
)
"""The mother 爱有方 helped (STORY.md)."""
