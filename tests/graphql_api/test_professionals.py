"""Professionals, certifications and memberships through the real GraphQL endpoint."""

from datetime import date, timedelta

import pytest_asyncio

from models import Certification, Membership, Professional
from models.enums import CertificationKind
from tests.factories_people import (
    gid,
    make_areas,
    make_certification,
    make_organization,
    make_people_graph,
    make_professional,
)


@pytest_asyncio.fixture
async def gql(admin_gql):
    """These tests act as a centre admin: authorization is tested in test_authorization.py."""
    return admin_gql

FIELDS = """professional { id name phone genderLabel maxConcurrentAssignments serviceRadiusKm
    availability { weekday start end } associationRoleLabel
    serviceAreas { totalCount edges { node { name } } }
    memberships { edges { node { roleLabel organization { name } } } } }
  errors { field message code }"""
CREATE = f"mutation($input: ProfessionalCreateInput!) {{ professionalCreate(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"""mutation($id: ID!, $input: ProfessionalUpdateInput!) {{
  professionalUpdate(id: $id, input: $input) {{ {FIELDS} }} }}"""


async def test_create_professional_masks_phone_and_links_areas_and_organizations(gql):
    _, community, _ = await make_areas()
    association = await make_organization(community)
    data = await gql.ok(CREATE, {"input": {
        "name": "林晓雯", "profession": "幼儿教师", "gender": "FEMALE", "phone": "+86 139-0571-1234",
        "birthDate": "1985-06-01", "location": {"latitude": 30.3, "longitude": 120.14},
        "serviceRadiusKm": 3, "isAssociationMember": True, "associationRole": "SECRETARY_GENERAL",
        "categories": ["FAMILY_READING", "PARENTING_GUIDANCE"], "skills": ["亲子阅读", "家庭教育"],
        "availability": [{"weekday": 5, "start": "09:00", "end": "11:30"},
                         {"weekday": 0, "start": "14:00", "end": "17:00"}],
        "serviceAreaIds": [gid("Area", community.id)], "organizationIds": [gid("Organization", association.id)],
    }})
    payload = data["professionalCreate"]
    assert payload["errors"] == []
    node = payload["professional"]
    assert node["phone"] == "139****1234"
    assert (node["genderLabel"], node["associationRoleLabel"]) == ("女", "秘书长")
    assert node["availability"] == [{"weekday": 0, "start": "14:00", "end": "17:00"},
                                    {"weekday": 5, "start": "09:00", "end": "11:30"}]
    assert node["serviceAreas"]["edges"] == [{"node": {"name": "和睦社区"}}]
    assert node["memberships"]["edges"] == [{"node": {"roleLabel": "成员", "organization": {"name": "和睦新联会"}}}]
    row = await Professional.get(name="林晓雯")
    assert (row.phone, row.birth_date, row.travel_km) == ("13905711234", date(1985, 6, 1), 3)


async def test_invalid_professional_input_returns_every_code_and_writes_nothing(gql):
    data = await gql.ok(CREATE, {"input": {
        "name": "张三", "profession": "护士", "phone": "12345", "maxConcurrentAssignments": 0,
        "availability": [{"weekday": 7, "start": "09:00", "end": "10:00"}],
        "serviceAreaIds": [gid("Area", 999)],
    }})
    payload = data["professionalCreate"]
    assert payload["professional"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("phone", "INVALID_PHONE"), ("maxConcurrentAssignments", "OUT_OF_RANGE"),
        ("availability", "INVALID_RANGE"), ("serviceAreaIds", "NOT_FOUND")}
    assert await Professional.all().count() == 0


async def test_slot_ending_before_it_starts_is_invalid_range(gql):
    data = await gql.ok(CREATE, {"input": {"name": "张三", "profession": "护士",
                                           "availability": [{"weekday": 1, "start": "10:00", "end": "09:00"}]}})
    assert [(e["field"], e["code"]) for e in data["professionalCreate"]["errors"]] == [
        ("availability", "INVALID_RANGE")]
    assert await Professional.all().count() == 0


async def test_update_replaces_memberships_and_rejects_bad_phone_without_writing(gql):
    _, community, _ = await make_areas()
    one = await make_organization(community, name="乐龄助餐服务社")
    two = await make_organization(community, name="和睦新联会")
    professional = await make_professional(phone="13812345678")
    await Membership.create(professional=professional, organization=one)
    variables = {"id": gid("Professional", professional.id), "input": {
        "phone": "not a phone", "maxConcurrentAssignments": 5, "organizationIds": [gid("Organization", two.id)]}}
    data = await gql.ok(UPDATE, variables)
    assert [(e["field"], e["code"]) for e in data["professionalUpdate"]["errors"]] == [("phone", "INVALID_PHONE")]
    await professional.refresh_from_db()
    assert (professional.phone, professional.max_concurrent) == ("13812345678", 3)
    assert await Membership.filter(professional=professional).values_list("organization_id", flat=True) == [one.id]

    variables["input"]["phone"] = "139 0000 1111"
    payload = (await gql.ok(UPDATE, variables))["professionalUpdate"]
    assert payload["errors"] == []
    assert payload["professional"]["phone"] == "139****1111"
    assert payload["professional"]["maxConcurrentAssignments"] == 5
    assert [e["node"]["organization"]["name"] for e in payload["professional"]["memberships"]["edges"]] == [
        "和睦新联会"]


CERT_ADD = """mutation($input: CertificationAddInput!) { certificationAdd(input: $input) {
  certification { id kindLabel number validToday verifiedBy professional { name } }
  errors { field code } } }"""
CERT_VERIFY = """mutation($id: ID!) { certificationVerify(certificationId: $id, verifiedBy: "社工小王") {
  certification { validToday verifiedBy verifiedAt } errors { field code } } }"""


async def test_certification_add_verify_and_validation(gql):
    professional = await make_professional()
    await make_certification(professional, kind=CertificationKind.HEALTH_CERTIFICATE, number="HC-1")
    today = date.today()
    base = {"professionalId": gid("Professional", professional.id), "kind": "CHILDCARE_WORKER"}
    cases = [
        ({"number": "BY-1", "issuedOn": str(today), "expiresOn": str(today - timedelta(days=400))},
         ("expiresOn", "INVALID_RANGE")),
        ({"number": "BY-1", "issuedOn": "2020-01-01", "expiresOn": "2021-01-01"}, ("expiresOn", "INVALID")),
        ({"number": "HC-1", "kind": "HEALTH_CERTIFICATE"}, ("number", "DUPLICATE")),
    ]
    for extra, expected in cases:
        payload = (await gql.ok(CERT_ADD, {"input": {**base, **extra}}))["certificationAdd"]
        assert payload["certification"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [expected]
    assert await Certification.all().count() == 1

    added = (await gql.ok(CERT_ADD, {"input": {**base, "number": "BY-1", "issuedOn": "2022-03-01",
                                               "expiresOn": str(today + timedelta(days=365))}}))["certificationAdd"]
    assert added["errors"] == []
    assert added["certification"]["kindLabel"] == "保育师"
    assert added["certification"]["validToday"] is False
    assert added["certification"]["professional"]["name"] == "林晓雯"
    verified = (await gql.ok(CERT_VERIFY, {"id": added["certification"]["id"]}))["certificationVerify"]
    assert verified["errors"] == []
    assert verified["certification"]["validToday"] is True
    assert verified["certification"]["verifiedBy"] == "社工小王"


MEMBERSHIP_ADD = """mutation($input: MembershipAddInput!) { membershipAdd(input: $input) {
  membership { id roleLabel professional { name } } errors { field code } } }"""
MEMBERSHIP_REMOVE = """mutation($id: ID!) { membershipRemove(membershipId: $id) {
  membership { id } errors { field code } } }"""


async def test_membership_add_twice_is_duplicate_and_remove_deletes(gql):
    _, community, _ = await make_areas()
    organization = await make_organization(community)
    professional = await make_professional()
    variables = {"input": {"professionalId": gid("Professional", professional.id),
                           "organizationId": gid("Organization", organization.id), "role": "ADMIN"}}
    added = (await gql.ok(MEMBERSHIP_ADD, variables))["membershipAdd"]
    assert added["errors"] == [] and added["membership"]["roleLabel"] == "管理员"
    again = (await gql.ok(MEMBERSHIP_ADD, variables))["membershipAdd"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("organizationId", "DUPLICATE")]
    removed = (await gql.ok(MEMBERSHIP_REMOVE, {"id": added["membership"]["id"]}))["membershipRemove"]
    assert removed["errors"] == []
    assert await Membership.all().count() == 0


async def test_directory_filters(gql):
    _, one, two = await make_areas()
    association = await make_organization(one)
    nurse = await make_professional(name="陈护士", profession="护士", skills=["测血压", "智能手机教学"],
                                    categories=["HEALTH_CHECK"], is_association_member=True)
    await nurse.service_areas.add(one)
    await Membership.create(professional=nurse, organization=association)
    teacher = await make_professional(name="林晓雯", profession="幼儿教师", skills=["亲子阅读"])
    await teacher.service_areas.add(two)
    query = """query($filter: ProfessionalFilter) { professionals(filter: $filter) {
        totalCount edges { node { name } } } }"""
    filters = [
        ({"search": "手机"}, ["陈护士"]),
        ({"search": "教师"}, ["林晓雯"]),
        ({"category": "FAMILY_READING"}, ["林晓雯"]),
        ({"areaId": gid("Area", one.id)}, ["陈护士"]),
        ({"organizationId": gid("Organization", association.id)}, ["陈护士"]),
        ({"associationMember": False}, ["林晓雯"]),
        ({"search": "护", "category": "HEALTH_CHECK", "areaId": gid("Area", one.id)}, ["陈护士"]),
    ]
    for criteria, names in filters:
        connection = (await gql.ok(query, {"filter": criteria}))["professionals"]
        assert [e["node"]["name"] for e in connection["edges"]] == names, criteria
        assert connection["totalCount"] == len(names)


NESTED = """query($n: Int!) { professionals(first: $n) { edges { node { name
  certifications(first: $n) { totalCount edges { node { kindLabel validToday } } }
  serviceAreas(first: $n) { edges { node { name } } }
  memberships(first: $n) { edges { node { organization { name } } } }
  ledProjects(first: $n) { totalCount } } } } }"""


async def test_nested_lists_issue_the_same_statements_for_any_page_size(gql, sql):
    _, community, _ = await make_areas()
    await make_people_graph(projects=12, sessions=1, community=community)
    counts = {}
    for n in (10, 100):
        with sql() as counter:
            data = await gql.ok(NESTED, {"n": n})
        counts[n] = counter.count
        assert len(data["professionals"]["edges"]) == min(n, 12)
    assert counts[10] == counts[100], counts
    node = data["professionals"]["edges"][0]["node"]
    assert node["certifications"]["totalCount"] == 1
    assert node["memberships"]["edges"][0]["node"]["organization"]["name"] == "和睦新联会"
    assert node["ledProjects"]["totalCount"] == 2


async def test_leaving_the_association_clears_the_role_and_non_members_hold_none(gql):
    president = await make_professional(is_association_member=True, association_role="PRESIDENT")
    other = await make_professional(name="陈护士")
    left = await gql.ok(UPDATE, {"id": gid("Professional", president.id), "input": {"isAssociationMember": False}})
    assert left["professionalUpdate"]["errors"] == []
    assert left["professionalUpdate"]["professional"]["associationRoleLabel"] is None
    refused = await gql.ok(UPDATE, {"id": gid("Professional", other.id), "input": {"associationRole": "MEMBER"}})
    assert [(e["field"], e["code"]) for e in refused["professionalUpdate"]["errors"]] == [
        ("associationRole", "INVALID")]
    assert (await Professional.get(id=other.id)).association_role is None


async def test_birth_date_and_location_are_never_returned(gql):
    data = await gql.ok("""{ __type(name: "Professional") { fields { name } } }""")
    names = {f["name"] for f in data["__type"]["fields"]}
    assert {"phone", "availability", "serviceRadiusKm"} <= names
    assert not names & {"birthDate", "age", "location", "latitude", "longitude"}
