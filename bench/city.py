"""A deterministic city-scale Hangzhou district, generated as rows ready for PostgreSQL ``COPY``.

``City(seed, ...)`` lays out communities over about 9 x 9 km around Gongshu, then professionals,
certificates, service areas, organizations with members, residents, needs and their matches. The
same seed and sizes always give the same rows (only the dates move with ``today``).

Distributions: community sizes follow a Zipf-like weight; a professional offers one to three
categories of one group (elder care 65%, childcare 35%) weighted by demand, serves its home
community and up to two neighbours, travels 1.5-5 km (or only within its communities, 30%), and
holds the qualifications of its categories (about 5% expired, 5% unverified). Residents are 26%
seniors (5% aged 80+, a quarter of the seniors live alone) and 8% children under 7. Needs: 20% open
in the next two weeks, 5% accepted and upcoming, 65% served in the last 120 days (75% rated, 2%
no-shows, 8% declined first by someone else), 10% cancelled. About a sixth of the open needs are PROPOSED,
with 8 to 14 engine proposals each (drawn from a second random stream, so the rest of the city is the same
with or without them): the load benchmark reads a need's best proposals.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matching.categories import CHILD_CATEGORIES, CHILD_SAFETY_CERTIFICATIONS, REQUIRED_CERTIFICATIONS, CareCategory

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENTRE = (30.318, 120.142)
C = CareCategory
DEMAND = {C.MEALS: 18, C.CLEANING: 14, C.COMPANIONSHIP: 14, C.MOBILITY: 10, C.HEALTH_CHECK: 8, C.MEDICAL: 7,
          C.BATHING: 7, C.DIGITAL_HELP: 8, C.EMERGENCY: 5, C.INFANT_CARE: 6, C.PRESCHOOL_CARE: 6,
          C.PARENTING_GUIDANCE: 6, C.PARENT_CHILD_ACTIVITY: 5, C.FAMILY_READING: 5}
ELDER = [c for c in DEMAND if c not in CHILD_CATEGORIES]
CHILD = [c for c in DEMAND if c in CHILD_CATEGORIES]
HOURS = {
    "day": [((0, 1, 2, 3, 4), "08:00", "12:00"), ((0, 1, 2, 3, 4), "13:00", "17:30"), ((5,), "08:00", "12:00")],
    "evening": [((0, 1, 2, 3, 4), "18:00", "21:00"), ((5, 6), "09:00", "17:00")],
    "mixed": [((0, 2, 4), "09:00", "17:00"), ((1, 3), "18:30", "21:00"), ((5,), "09:00", "12:00")],
    "long": [((0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")],
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "秀英桂英玉兰凤英建华建国志强海燕丽娟静怡子涵浩然雨萱一诺欣怡梓轩晓东文杰婉清嘉怡思远明辉红梅春生"
SKILLS = ("助餐配送", "居家保洁", "助浴", "失能照护", "探访陪伴", "心理疏导", "血压血糖监测", "慢病管理", "伤口护理",
          "助行", "应急处置", "智能手机教学", "防诈骗宣传", "婴儿护理", "科学喂养", "幼儿照护", "亲子沟通", "绘本阅读")


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of one table for ``COPY``: the columns and a generator of tuples, with its row count."""

    name: str
    columns: tuple[str, ...]
    count: int
    rows: Iterator[tuple]


class City:
    """The generated district; each ``*_table`` method yields one table's rows (call them in order)."""

    def __init__(self, seed: int, professionals: int, residents: int, needs: int, organizations: int,
                 communities: int, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.proposal_rng = random.Random(seed + 1)
        self.sizes = {"professional": professionals, "resident": residents, "need": needs,
                      "organization": organizations, "community": communities}
        self.today = today or datetime.now(SHANGHAI).date()
        self.now = datetime.now(SHANGHAI)
        self.places = self._places(communities)
        self.weights = [1 / (i + 1) ** 0.6 for i in range(communities)]
        self.offering: dict[tuple[int, CareCategory], list[int]] = defaultdict(list)
        self.org_offering: dict[tuple[int, CareCategory], list[int]] = defaultdict(list)
        self.pro_home: list[int] = []
        self.seniors: list[tuple[int, int]] = []
        self.children: list[tuple[int, int]] = []

    # -- places ---------------------------------------------------------------------------------------
    def _places(self, count: int) -> list[tuple[float, float]]:
        """Community centres at least ~0.8 km apart within ~4.5 km of the centre."""
        places: list[tuple[float, float]] = []
        while len(places) < count:
            lat = CENTRE[0] + self.rng.uniform(-4.5, 4.5) / 111.0
            lng = CENTRE[1] + self.rng.uniform(-4.5, 4.5) / 96.0
            if all(_km((lat, lng), p) > 0.8 for p in places):
                places.append((lat, lng))
        return places

    def _near(self, community: int, km: float) -> tuple[float, float]:
        lat, lng = self.places[community]
        return lat + self.rng.uniform(-km, km) / 111.0, lng + self.rng.uniform(-km, km) / 96.0

    def _neighbours(self, community: int, k: int) -> list[int]:
        here = self.places[community]
        order = sorted(range(len(self.places)), key=lambda j: _km(here, self.places[j]))
        return order[1:k + 1]

    def _community(self) -> int:
        return self.rng.choices(range(len(self.places)), weights=self.weights)[0]

    def area_id(self, community: int) -> int:
        """Area ids: 1 is the subdistrict, communities follow."""
        return community + 2

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN[::2]) + self.rng.choice(GIVEN[1::2])

    # -- tables ---------------------------------------------------------------------------------------
    def area_table(self) -> Table:
        rows = [(1, self.now, self.now, "和睦街道", "SUBDISTRICT", None, CENTRE[0], CENTRE[1], None)]
        rows += [(self.area_id(i), self.now, self.now, f"第{i + 1:02d}社区", "COMMUNITY", None, lat, lng, 1)
                 for i, (lat, lng) in enumerate(self.places)]
        columns = ("id", "created_at", "updated_at", "name", "kind", "code", "latitude", "longitude", "parent_id")
        return Table("area", columns, len(rows), iter(rows))

    def professional_table(self) -> Table:
        columns = ("id", "created_at", "updated_at", "name", "gender", "birth_date", "profession", "bio", "categories",
                   "skills", "languages", "years_experience", "availability", "max_concurrent", "phone", "latitude",
                   "longitude", "travel_km", "is_association_member", "association_role", "joined_association_on",
                   "status")
        count = self.sizes["professional"]
        return Table("professional", columns, count, (self._professional(i + 1) for i in range(count)))

    def _professional(self, ident: int) -> tuple:
        rng = self.rng
        group = CHILD if rng.random() < 0.35 else ELDER
        categories = sorted(set(rng.choices(group, weights=[DEMAND[c] for c in group], k=rng.randint(1, 3))))
        home = self._community()
        self.pro_home.append(home)
        for community in [home, *self._neighbours(home, rng.randint(0, 2))]:
            for category in categories:
                self.offering[(community, category)].append(ident)
        lat, lng = self._near(home, 0.6)
        slots = [{"weekday": d, "start": s, "end": e} for days, s, e in HOURS[rng.choice(list(HOURS))] for d in days]
        languages = ["zh"] + (["hangzhou-dialect"] if rng.random() < 0.5 else [])
        birth = date(rng.randint(1962, 2003), rng.randint(1, 12), rng.randint(1, 28))
        return (ident, self.now, self.now, self._name(), rng.choice(("FEMALE", "FEMALE", "MALE")), birth, "社区服务者",
                "", json.dumps(categories), json.dumps(rng.sample(SKILLS, rng.randint(1, 4)), ensure_ascii=False),
                json.dumps(languages), round(rng.uniform(0, 25), 1), json.dumps(slots), rng.randint(1, 4), None, lat,
                lng, rng.choice((None, 1.5, 2.0, 3.0, 5.0)), rng.random() < 0.1, None, None, "ACTIVE")

    def service_area_table(self) -> Table:
        pairs = sorted({(pid, self.area_id(c)) for (c, _), ids in self.offering.items() for pid in ids})
        return Table("professional_service_area", ("professional_id", "area_id"), len(pairs), iter(pairs))

    def certification_table(self) -> Table:
        columns = ("id", "created_at", "updated_at", "kind", "number", "issued_on", "expires_on", "verified_by",
                   "verified_at", "professional_id")
        held: dict[int, set[str]] = defaultdict(set)
        for (_, category), ids in self.offering.items():
            for pid in ids:
                held[pid] |= _kinds_for(category, pid)
        rows = []
        for pid in sorted(held):
            for kind in sorted(held[pid]):
                roll = self.rng.random()
                expires = self.today - timedelta(days=30) if roll < 0.05 else self.today + timedelta(days=700)
                verified = roll >= 0.1 or roll < 0.05
                rows.append((len(rows) + 1, self.now, self.now, kind, f"B{len(rows) + 1:08d}", date(2021, 3, 1),
                             expires, "街道核验" if verified else None, self.now if verified else None, pid))
        return Table("certification", columns, len(rows), iter(rows))

    def organization_table(self) -> Table:
        columns = ("id", "created_at", "updated_at", "name", "kind", "uscc", "incubation_stage",
                   "incubation_started_on", "graduated_on", "registered_on", "categories", "description",
                   "contact_name", "contact_phone", "address", "status", "latitude", "longitude", "area_id",
                   "incubated_by_id")
        rows = []
        for ident in range(1, self.sizes["organization"] + 1):
            home = self._community()
            group = CHILD if self.rng.random() < 0.35 else ELDER
            picks = self.rng.choices(group, weights=[DEMAND[c] for c in group], k=self.rng.randint(1, 4))
            categories = sorted(set(picks))
            for category in categories:
                self.org_offering[(home, category)].append(ident)
            lat, lng = self._near(home, 0.3)
            rows.append((ident, self.now, self.now, f"社区服务组织{ident:04d}", "INCUBATED", None, "INCUBATING", None,
                         None, None, json.dumps(categories), "", "", None, "", "ACTIVE", lat, lng,
                         self.area_id(home), None))
        return Table("organization", columns, len(rows), iter(rows))

    def membership_table(self) -> Table:
        rows, seen = [], set()
        for (community, category), orgs in sorted(self.org_offering.items()):
            pool = self.offering.get((community, category), [])
            for org in orgs:
                for pid in self.rng.sample(pool, min(len(pool), self.rng.randint(2, 8))):
                    if (pid, org) not in seen:
                        seen.add((pid, org))
                        rows.append((len(rows) + 1, self.now, self.now, "MEMBER", None, org, pid))
        columns = ("id", "created_at", "updated_at", "role", "joined_on", "organization_id", "professional_id")
        return Table("membership", columns, len(rows), iter(rows))

    def resident_table(self) -> Table:
        columns = ("id", "created_at", "updated_at", "name", "gender", "birth_date", "age_band", "phone", "id_number",
                   "health_notes", "lives_alone", "mobility", "languages", "interests", "community_id",
                   "household_id")
        count = self.sizes["resident"]
        return Table("resident", columns, count, (self._resident(i + 1) for i in range(count)))

    def _resident(self, ident: int) -> tuple:
        rng, roll = self.rng, self.rng.random()
        age = rng.randint(80, 99) if roll < 0.05 else rng.randint(60, 79) if roll < 0.26 else (
            rng.randint(0, 6) if roll < 0.34 else rng.randint(7, 59))
        community = self._community()
        if age >= 60:
            self.seniors.append((ident, community))
        elif age <= 6:
            self.children.append((ident, community))
        band = next(b for limit, b in ((3, "INFANT_0_3"), (6, "PRESCHOOL_3_6"), (14, "CHILD_6_14"),
                                       (18, "MINOR_14_18"), (60, "ADULT_18_59"), (80, "SENIOR_60_79"))
                    if age < limit) if age < 80 else "SENIOR_80_PLUS"
        birth = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
        return (ident, self.now, self.now, self._name(), rng.choice(("FEMALE", "MALE")), birth, band, None, None, None,
                age >= 60 and rng.random() < 0.25, "INDEPENDENT", json.dumps(["zh"]), json.dumps([]),
                self.area_id(community), None)

    def need_and_match_tables(self) -> tuple[Table, Table]:
        """Needs and their matches (generated together, so matches point at real needs)."""
        needs, matches = [], []
        for ident in range(1, self.sizes["need"] + 1):
            need, found = self._need(ident, len(matches))
            needs.append(need)
            matches += found
        need_columns = ("id", "created_at", "updated_at", "requested_by_staff", "category", "title", "description",
                        "urgency", "window_start", "window_end", "latitude", "longitude", "required_certifications",
                        "languages", "preferred_gender", "skills_wanted", "status", "community_id", "resident_id")
        match_columns = ("id", "created_at", "updated_at", "provider_kind", "score", "score_breakdown", "status",
                         "proposed_by", "responded_at", "decline_reason", "rating", "no_show", "dispatched_from_id",
                         "need_id", "organization_id", "professional_id")
        return (Table("need", need_columns, len(needs), iter(needs)),
                Table("match", match_columns, len(matches), iter(matches)))

    def _need(self, ident: int, matches_so_far: int) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        category = rng.choices(list(DEMAND), weights=list(DEMAND.values()))[0]
        resident, community = rng.choice(self.children if category in CHILD_CATEGORIES else self.seniors)
        roll = rng.random()
        # the service day: the last four months at an even rate, and the next three days (the open backlog is
        # what was filed for them: a few thousand needs, not a quarter of the city's)
        days = rng.randint(-120, 3)
        start = datetime.combine(self.today + timedelta(days=days), time(rng.randint(8, 18), rng.choice((0, 30))),
                                 SHANGHAI)
        end = start + timedelta(hours=rng.choice((1, 1, 2, 3)))
        earliest, latest = start - timedelta(hours=96), min(self.now, start - timedelta(hours=2))  # filed ahead
        created = min(latest, earliest + timedelta(
            minutes=rng.randint(0, max(0, int((latest - earliest).total_seconds()) // 60))))
        if start > self.now:
            status = "OPEN" if roll < 0.8 else "ACCEPTED"
        else:
            status = "CANCELLED" if roll < 0.13 else "SERVED"
        stored = {"OPEN": rng.choice(("SUBMITTED", "TRIAGED", "MATCHING")), "SERVED": "COMPLETED" if days > -21
                  else "CLOSED"}.get(status, status)
        lat, lng = self._near(community, 0.5)
        need = (ident, created, created, None, category.value, f"{category.value}需求", "", rng.choice(
            ("LOW", "NORMAL", "NORMAL", "NORMAL", "HIGH", "CRITICAL")), start, end, lat, lng, "[]",
            json.dumps(["hangzhou-dialect"] if rng.random() < 0.1 else []),
            "FEMALE" if rng.random() < 0.08 else None, json.dumps(rng.sample(SKILLS, rng.randint(0, 2)),
                                                                 ensure_ascii=False),
            stored, self.area_id(community), resident)
        if stored == "MATCHING" and self.proposal_rng.random() < 0.5:
            need = (*need[:16], "PROPOSED", *need[17:])
            return need, self._proposals(ident, community, category, start, created, matches_so_far)
        return need, self._matches(ident, community, category, status, start, matches_so_far)

    def _proposals(self, need: int, community: int, category: CareCategory, start: datetime, created: datetime,
                   first_id: int) -> list[tuple]:
        """8 to 14 PROPOSED matches of providers offering the category in the community (none answered yet)."""
        rng, pros = self.proposal_rng, self.offering.get((community, category), [])
        chosen = rng.sample(pros, min(len(pros), rng.randint(8, 14)))
        proposed = min(self.now, max(created, start - timedelta(hours=rng.randint(1, 48))))
        return [(first_id + i + 1, proposed, proposed, "PROFESSIONAL", round(rng.uniform(0.4, 0.95), 2), None,
                 "PROPOSED", "engine", None, None, None, False, None, need, None, pro)
                for i, pro in enumerate(chosen)]

    def _matches(self, need: int, community: int, category: CareCategory, status: str, start: datetime,
                 first_id: int) -> list[tuple]:
        rng, rows = self.rng, []
        if status not in ("SERVED", "ACCEPTED"):
            return rows
        pros, orgs = self.offering.get((community, category), []), self.org_offering.get((community, category), [])
        if not pros:
            return rows
        responded = min(self.now, start - timedelta(hours=rng.randint(6, 48)))
        if rng.random() < 0.08 and len(pros) > 1:
            rows.append(self._match(first_id + 1, need, "PROFESSIONAL", None, rng.choice(pros), "DECLINED", responded,
                                    None, False))
        by_org = orgs and rng.random() < 0.1
        final = "ACCEPTED" if status == "ACCEPTED" else "COMPLETED"
        no_show = final == "COMPLETED" and rng.random() < 0.02
        rating = None if final != "COMPLETED" or no_show or rng.random() > 0.75 else rng.choices(
            (5, 4, 3, 2, 1), weights=(50, 30, 12, 5, 3))[0]
        rows.append(self._match(first_id + len(rows) + 1, need, "ORGANIZATION" if by_org else "PROFESSIONAL",
                                rng.choice(orgs) if by_org else None, None if by_org else rng.choice(pros),
                                "ACCEPTED" if no_show else final, responded, rating, no_show))
        return rows

    def _match(self, ident, need, kind, org, pro, status, responded, rating, no_show) -> tuple:
        return (ident, responded, responded, kind, round(self.rng.uniform(0.5, 0.95), 2), None, status, "engine",
                responded, None, rating, no_show, None, need, org, pro)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance in km (good enough for laying out communities)."""
    return math.hypot((a[0] - b[0]) * 111.0, (a[1] - b[1]) * 96.0)


def _kinds_for(category: CareCategory, pid: int) -> set[str]:
    """One qualification of the category (chosen by id, stable) and the child-safety checks if needed."""
    kinds = sorted(REQUIRED_CERTIFICATIONS[category])
    held = {kinds[pid % len(kinds)].value} if kinds else set()
    if category in CHILD_CATEGORIES:
        held |= {k.value for k in CHILD_SAFETY_CERTIFICATIONS}
    return held
