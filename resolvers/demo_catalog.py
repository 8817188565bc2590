"""Static tables of the Hemu demo: places, organizations, professions and invented name pools.

Facts follow shared/domain/STORY.md (the hub 和诚社会组织服务中心 at the 同心荟 base, the association,
15 incubated organizations). Community and estate names are plausible, coordinates approximate, and
every person's name is invented: the names in the newspaper report are excluded on purpose.
"""

from __future__ import annotations

from typing import NamedTuple

from models.enums import CareCategory, CertificationKind, Gender

C = CareCategory
K = CertificationKind

FORBIDDEN_NAMES = frozenset({"翟娟", "吕小惠", "周静", "蔡婧霓"})
"""People named in the report (the president, the secretary-general, the reporters): never used."""

SURNAMES = (
    "王李张刘陈杨黄赵吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋余杜叶程苏魏丁任沈"
    "姚卢姜钟谭陆汪范金石廖贾夏方邹孟熊秦邱江尹薛段雷侯史陶黎贺顾毛郝龚邵万钱严戴孔汤楼俞应施章童"
)

GIVEN_NAMES: dict[str, dict[Gender, tuple[str, ...]]] = {
    "senior": {
        Gender.FEMALE: ("秀英", "桂英", "玉兰", "凤英", "秀珍", "美华", "月娥", "素珍", "雅芬", "彩凤",
                        "金花", "爱珍", "丽华", "惠芳", "宝娣", "杏娣", "菊芳", "银娣"),
        Gender.MALE: ("建国", "国强", "志明", "德福", "根发", "永康", "国华", "金林", "福生", "荣华",
                      "建华", "志刚", "水根", "伯年", "振华", "文斌", "阿明", "寿昌"),
    },
    "adult": {
        Gender.FEMALE: ("婷", "丹", "雪", "佳怡", "晓燕", "梦瑶", "思琪", "丽娜", "倩", "颖", "慧敏",
                        "雨婷", "欣怡", "晨曦", "佳琪", "雅琴", "海燕", "丽萍", "文婷", "莉", "蕾", "一帆"),
        Gender.MALE: ("磊", "浩", "杰", "鹏", "涛", "强", "俊", "斌", "宇航", "子豪", "志伟", "晓东",
                      "建军", "海峰", "振宇", "明辉", "天翔", "文博", "家豪", "立新", "凯", "旭"),
    },
    "child": {
        Gender.FEMALE: ("梓萱", "一诺", "若汐", "欣妍", "语桐", "诗琪", "可馨", "安琪", "思彤", "知夏",
                        "雨桐", "芊芊", "沐晴", "嘉禾", "悦然", "初一"),
        Gender.MALE: ("沐辰", "浩宇", "宇轩", "梓睿", "奕辰", "俊熙", "沐阳", "锦程", "子墨", "皓轩",
                      "一鸣", "承泽", "乐天", "星河", "逸飞", "小满"),
    },
}

MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                   "177", "180", "181", "186", "187", "188", "189", "199")


class Place(NamedTuple):
    name: str
    latitude: float
    longitude: float
    estates: tuple[str, ...] = ()


SUBDISTRICT = Place("和睦街道", 30.309, 120.141)
COMMUNITIES = (
    Place("和睦社区", 30.3106, 120.1432, ("和睦新村", "和睦院")),
    Place("阮家桥社区", 30.3061, 120.1376, ("阮家桥小区", "和园")),
    Place("华丰社区", 30.3129, 120.1366, ("华丰新苑", "华丰里")),
    Place("李家桥社区", 30.3040, 120.1452, ("李家桥花苑", "和睦公寓")),
    Place("登云社区", 30.3086, 120.1490, ("登云新村", "登云苑")),
    Place("和新社区", 30.3140, 120.1418, ("和新家园", "和新北苑")),
)

BASE_ADDRESS = "和睦街道同心荟新联阵地（和睦“新联”助力共富创业实践基地）"

VENUES = {
    "base": "同心荟新联阵地",
    "hemu": "和睦社区邻里中心多功能厅",
    "ruan": "阮家桥社区党群服务中心",
    "huafeng": "华丰社区文体活动室",
    "clinic": "和睦街道社区卫生服务中心",
    "lawn": "和睦公园亲子草坪",
    "books": "登云社区共享书房",
}


class OrgSpec(NamedTuple):
    name: str
    categories: tuple[CareCategory, ...]
    community: str
    founder: str
    description: str
    graduated: bool = False


INCUBATED = (
    OrgSpec("乐龄助餐服务社", (C.MEALS,), "和睦社区", "养老护理员",
            "运营社区老年食堂，为高龄、独居老人提供助餐和送餐上门。", True),
    OrgSpec("暖阳居家养老服务中心", (C.BATHING, C.CLEANING, C.MOBILITY), "阮家桥社区", "养老护理员",
            "提供上门助浴、助洁、助行等专业居家养老服务。", True),
    OrgSpec("彩虹托育服务中心", (C.INFANT_CARE, C.PRESCHOOL_CARE), "华丰社区", "保育师",
            "社区普惠性托育点，提供0-3岁婴幼儿照护和临时托管。", True),
    OrgSpec("阳光心理服务社", (C.COMPANIONSHIP, C.PARENTING_GUIDANCE), "李家桥社区", "心理咨询师",
            "为独居老人提供精神慰藉，为家长提供心理支持和亲子沟通辅导。"),
    OrgSpec("银龄数字助老服务社", (C.DIGITAL_HELP,), "登云社区", "IT工程师",
            "教老年人使用智能手机、线上挂号和防范电信诈骗。"),
    OrgSpec("康乐社区健康服务社", (C.HEALTH_CHECK, C.MEDICAL), "和新社区", "全科医生",
            "组织健康讲座、上门测量血压血糖和慢病随访。", True),
    OrgSpec("书香亲子阅读服务社", (C.FAMILY_READING,), "登云社区", "幼儿教师",
            "推广家庭绘本共读，组织家庭养育读书会。"),
    OrgSpec("小脚丫亲子运动俱乐部", (C.PARENT_CHILD_ACTIVITY,), "和睦社区", "幼儿体育教练",
            "组织亲子运动会和周末户外亲子活动。"),
    OrgSpec("和美家庭教育指导中心", (C.PARENTING_GUIDANCE, C.FAMILY_READING), "阮家桥社区", "家庭教育指导师",
            "开展科学养育培训和家庭教育个案指导。"),
    OrgSpec("安心助急志愿服务社", (C.EMERGENCY,), "华丰社区", "社会工作者",
            "为独居老人安装紧急呼叫设备并提供应急上门服务。"),
    OrgSpec("夕阳红陪伴关怀服务社", (C.COMPANIONSHIP,), "和新社区", "社会工作者",
            "组织志愿者定期探访、陪伴聊天和读报。"),
    OrgSpec("洁家助洁服务社", (C.CLEANING,), "李家桥社区", "养老护理员",
            "为老年家庭提供居家保洁和换季整理。"),
    OrgSpec("启航妈妈互助社", (C.PARENTING_GUIDANCE, C.PARENT_CHILD_ACTIVITY), "和睦社区", "家庭教育指导师",
            "全职妈妈互助交流，提供育儿支持和再就业技能分享。"),
    OrgSpec("邻里助行服务队", (C.MOBILITY, C.MEDICAL), "登云社区", "护士",
            "陪同老人就医、出行，提供轮椅和助行器借用。"),
    OrgSpec("和睦婴幼儿成长驿站", (C.INFANT_CARE, C.PARENTING_GUIDANCE), "和新社区", "育婴员",
            "为0-3岁婴幼儿家庭提供照护指导和早期发展活动。"),
)
"""The 15 organizations incubated by the hub (STORY.md); the graduated ones are registered."""

PARTNERS = (
    OrgSpec("和睦街道社区卫生服务中心", (C.MEDICAL, C.HEALTH_CHECK), "和睦社区", "",
            "社区基本医疗和公共卫生服务，提供家庭医生签约和义诊支持。"),
    OrgSpec("和睦幼儿园", (C.PRESCHOOL_CARE, C.FAMILY_READING), "阮家桥社区", "",
            "公办幼儿园，为爱有方项目提供场地和幼教师资支持。"),
)


class Profession(NamedTuple):
    name: str
    count: int
    categories: tuple[CareCategory, ...]
    certifications: tuple[CertificationKind, ...]
    skills: tuple[str, ...]
    availability: str
    female_share: float


PROFESSIONS = (
    Profession("养老护理员", 7, (C.MEALS, C.BATHING, C.CLEANING, C.MOBILITY, C.COMPANIONSHIP),
               (K.ELDER_CARE_WORKER,), ("助餐配送", "助浴", "失能照护", "居家保洁", "助行"), "day", 0.8),
    Profession("全科医生", 3, (C.MEDICAL, C.HEALTH_CHECK, C.EMERGENCY),
               (K.DOCTOR,), ("慢病管理", "血压血糖监测", "家庭医生签约", "急救"), "clinic", 0.5),
    Profession("护士", 4, (C.MEDICAL, C.HEALTH_CHECK, C.BATHING, C.EMERGENCY),
               (K.NURSE,), ("伤口护理", "用药指导", "血压血糖监测", "急救", "助浴"), "clinic", 0.9),
    Profession("保育师", 5, (C.INFANT_CARE, C.PRESCHOOL_CARE, C.PARENT_CHILD_ACTIVITY),
               (K.CHILDCARE_WORKER,), ("婴儿护理", "幼儿照护", "游戏活动设计", "科学喂养"), "childcare", 0.95),
    Profession("育婴员", 4, (C.INFANT_CARE, C.PARENTING_GUIDANCE),
               (K.INFANT_CARE_WORKER,), ("婴儿护理", "科学喂养", "早期发展"), "childcare", 1.0),
    Profession("家庭教育指导师", 5, (C.PARENTING_GUIDANCE, C.FAMILY_READING, C.PARENT_CHILD_ACTIVITY),
               (), ("亲子沟通", "绘本阅读", "家庭教育咨询"), "evening", 0.8),
    Profession("心理咨询师", 3, (C.COMPANIONSHIP, C.PARENTING_GUIDANCE),
               (K.PSYCHOLOGICAL_COUNSELOR,), ("心理疏导", "亲子沟通", "哀伤陪伴"), "mixed", 0.7),
    Profession("社会工作者", 3, (C.COMPANIONSHIP, C.EMERGENCY, C.MOBILITY, C.MEALS),
               (K.SOCIAL_WORKER,), ("个案管理", "应急处置", "探访陪伴", "助行"), "day", 0.6),
    Profession("IT工程师", 4, (C.DIGITAL_HELP,),
               (), ("智能手机教学", "线上挂号", "防诈骗宣传", "移动支付"), "evening", 0.3),
    Profession("幼儿教师", 1, (C.FAMILY_READING, C.PARENT_CHILD_ACTIVITY, C.PRESCHOOL_CARE),
               (K.CHILDCARE_WORKER,), ("绘本阅读", "幼儿照护", "游戏活动设计"), "childcare", 1.0),
    Profession("幼儿体育教练", 1, (C.PARENT_CHILD_ACTIVITY,),
               (), ("亲子运动", "游戏活动设计"), "evening", 0.2),
)
"""The association's 40 members by profession; certifications are the professional ones."""

AVAILABILITY: dict[str, tuple[tuple[tuple[int, ...], str, str], ...]] = {
    "day": (((0, 1, 2, 3, 4), "08:00", "12:00"), ((0, 1, 2, 3, 4), "13:00", "17:30"), ((5,), "08:00", "12:00")),
    "clinic": (((0, 1, 2, 3, 4), "08:00", "11:30"), ((0, 1, 2, 3, 4), "13:30", "17:00")),
    "childcare": (((0, 1, 2, 3, 4), "07:30", "18:00"), ((5,), "09:00", "12:00")),
    "evening": (((0, 1, 2, 3, 4), "18:30", "21:00"), ((5, 6), "09:00", "17:00")),
    "mixed": (((0, 2, 4), "09:00", "17:00"), ((1, 3), "18:30", "21:00"), ((5,), "09:00", "12:00")),
}
"""Weekly availability presets: (weekdays 0=Mon..6=Sun, start, end)."""

CERT_PREFIX = {K.ELDER_CARE_WORKER: "YLHL", K.CHILDCARE_WORKER: "BYS", K.INFANT_CARE_WORKER: "YYY",
               K.DOCTOR: "YS", K.NURSE: "HS", K.HEALTH_CERTIFICATE: "JKZ", K.NO_CRIMINAL_RECORD: "WFZ",
               K.PSYCHOLOGICAL_COUNSELOR: "XLZX", K.SOCIAL_WORKER: "SG"}
CERT_VALID_YEARS = {K.ELDER_CARE_WORKER: 4, K.CHILDCARE_WORKER: 4, K.INFANT_CARE_WORKER: 4, K.DOCTOR: None,
                    K.NURSE: 5, K.HEALTH_CERTIFICATE: 1, K.NO_CRIMINAL_RECORD: 0.5,
                    K.PSYCHOLOGICAL_COUNSELOR: None, K.SOCIAL_WORKER: 3}
"""Years a certificate of each kind stays valid (None: no expiry)."""

VERIFIERS = ("和诚社会组织服务中心", "和睦街道社会事务办")
