"""``projectRecommendations`` through the real GraphQL endpoint: life stage, family, place, seats, access."""

from __future__ import annotations

from datetime import date, timedelta

from models import Enrollment, Guardianship, ProjectSession, Resident
from models.enums import AgeBand, CareCategory, EnrollmentStatus, Gender, GuardianRelation, TargetGroup
from tests.factories import make_areas
from tests.factories_matching import as_resident, centre_admin, staff
from tests.factories_people import make_organization, make_project, make_session
from tests.factories_residents import gid

RECOMMEND = """query($id: ID!, $first: Int!) { projectRecommendations(residentId: $id, first: $first) {
  score project { name } session { title } reasons { code zh en } } }"""
C, T = CareCategory, TargetGroup


async def _catalog(subdistrict, community):
    """Five projects with one session each: for seniors, for parents, for children, for women, for all."""
    organizer = await make_organization(subdistrict)
    specs = [
        ("银龄跨越数字鸿沟行动", C.DIGITAL_HELP, T.ELDERLY, 60, None, community, 3),
        ("健康保健公益课程和义诊", C.HEALTH_CHECK, T.ELDERLY, 60, None, None, 5),
        ("科学养育公益培训", C.PARENTING_GUIDANCE, T.PARENTS, 0, 6, community, 4),
        ("爱有方", C.PRESCHOOL_CARE, T.CHILDREN, 3, 6, community, 6),
        ("全职妈妈俱乐部", C.PARENT_CHILD_ACTIVITY, T.WOMEN, None, None, None, 2),
    ]
    for name, category, group, low, high, area, days in specs:
        project = await make_project(organizer, name, category=category, target_group=group, min_age=low,
                                     max_age=high, area=area)
        await make_session(project, capacity=1, days=days, title=f"{name}第1期")


def _names(data) -> list[str]:
    return [r["project"]["name"] for r in data["projectRecommendations"]]


def _birth(years: int) -> date:
    return date.today() - timedelta(days=365 * years + 100)


async def test_a_senior_gets_digital_literacy_and_health_first(gql_as):
    subdistrict, here, _ = await make_areas()
    await _catalog(subdistrict, here)
    senior = await Resident.create(name="王大爷", community=here, age_band=AgeBand.SENIOR_60_79, birth_date=_birth(72),
                                   gender=Gender.MALE, interests=["DIGITAL_HELP"])
    data = await gql_as(as_resident(senior)).ok(RECOMMEND, {"id": gid("Resident", senior.id), "first": 5})
    names = _names(data)
    assert names[:2] == ["银龄跨越数字鸿沟行动", "健康保健公益课程和义诊"]
    assert "全职妈妈俱乐部" not in names and "爱有方" not in names
    top = data["projectRecommendations"][0]
    assert {r["code"] for r in top["reasons"]} >= {"INTEREST", "LIFE_STAGE", "COMMUNITY"}
    assert top["session"]["title"] == "银龄跨越数字鸿沟行动第1期"


async def test_a_parent_of_a_four_year_old_gets_parenting_and_preschool(gql_as):
    subdistrict, here, _ = await make_areas()
    await _catalog(subdistrict, here)
    mother = await Resident.create(name="李妈妈", community=here, age_band=AgeBand.ADULT_18_59, birth_date=_birth(32),
                                   gender=Gender.FEMALE)
    child = await Resident.create(name="李小宝", community=here, age_band=AgeBand.PRESCHOOL_3_6, birth_date=_birth(4))
    await Guardianship.create(guardian=mother, child=child, relation=GuardianRelation.PARENT)
    data = await gql_as(staff(here.id)).ok(RECOMMEND, {"id": gid("Resident", mother.id), "first": 5})
    names = _names(data)
    assert set(names[:2]) == {"科学养育公益培训", "爱有方"}
    assert "银龄跨越数字鸿沟行动" not in names
    stage = next(r for r in data["projectRecommendations"] if r["project"]["name"] == "爱有方")
    assert {"code": "LIFE_STAGE", "zh": "适合6岁以下儿童的家庭", "en": "Suits families with children under 6"} in stage[
        "reasons"]


async def test_a_full_session_is_offered_with_its_waitlist(gql_as):
    subdistrict, here, _ = await make_areas()
    await _catalog(subdistrict, here)
    senior = await Resident.create(name="王大爷", community=here, age_band=AgeBand.SENIOR_80_PLUS,
                                   birth_date=_birth(82))
    other = await Resident.create(name="张大爷", community=here, age_band=AgeBand.SENIOR_80_PLUS)

    session = await ProjectSession.get(title="银龄跨越数字鸿沟行动第1期")
    await Enrollment.create(session=session, resident=other, status=EnrollmentStatus.CONFIRMED)
    data = await gql_as(centre_admin()).ok(RECOMMEND, {"id": gid("Resident", senior.id), "first": 5})
    digital = next(r for r in data["projectRecommendations"] if r["project"]["name"] == "银龄跨越数字鸿沟行动")
    assert "WAITLIST" in {r["code"] for r in digital["reasons"]}


async def test_only_the_resident_or_their_staff_may_ask(gql, gql_as):
    _, here, there = await make_areas()
    senior = await Resident.create(name="王大爷", community=here, age_band=AgeBand.SENIOR_80_PLUS)
    neighbour = await Resident.create(name="赵阿姨", community=here, age_band=AgeBand.SENIOR_60_79)
    variables = {"id": gid("Resident", senior.id), "first": 5}
    for client, code in ((gql, "UNAUTHENTICATED"), (gql_as(as_resident(neighbour)), "FORBIDDEN"),
                         (gql_as(staff(there.id)), "FORBIDDEN")):
        body = await client.execute(RECOMMEND, variables)
        assert body["errors"][0]["extensions"]["code"] == code
    assert (await gql_as(as_resident(senior)).ok(RECOMMEND, variables))["projectRecommendations"] == []
