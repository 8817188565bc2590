"""Resident register, guardianships and consents through the real GraphQL endpoint."""

import json

import pytest
import pytest_asyncio

from models import ConsentRecord, Guardianship, Household, Resident
from models.enums import AgeBand, ConsentPurpose
from tests.factories import make_areas
from tests.factories_residents import gid, make_child, make_need, make_resident


@pytest_asyncio.fixture
async def gql(admin_gql):
    """These tests act as a centre admin: authorization is tested in test_authorization.py."""
    return admin_gql


CREATE = """
mutation($input: ResidentCreateInput!) {
  residentCreate(input: $input) {
    resident { id displayName ageBand ageBandLabel phoneMasked hasIdNumber community { name } }
    errors { field message code }
  }
}"""

UPDATE = """
mutation($id: ID!, $input: ResidentUpdateInput!) {
  residentUpdate(id: $id, input: $input) {
    resident { displayName phoneMasked livesAlone ageBand }
    errors { field code }
  }
}"""

ELDER = {"name": "王秀英", "birthDate": "1949-12-31", "gender": "FEMALE", "phone": "+86 138-1234-5678",
         "idNumber": "11010519491231002x", "householdAddress": "和睦新村3幢2单元301室",
         "healthNotes": "高血压，需按时服药", "livesAlone": True, "languages": ["杭州话"],
         "consents": ["SERVICE_MATCHING", "HEALTH_DATA", "IDENTITY"]}


async def test_create_elder_with_household_masks_personal_fields(gql):
    _, community, _ = await make_areas()
    data = await gql.ok(CREATE, {"input": {**ELDER, "communityId": gid("Area", community.id)}})
    payload = data["residentCreate"]
    assert payload["errors"] == []
    assert payload["resident"] == {
        "id": payload["resident"]["id"], "displayName": "王**", "ageBand": "SENIOR_60_79",
        "ageBandLabel": "老年（60-79岁）", "phoneMasked": "138****5678", "hasIdNumber": True,
        "community": {"name": "和睦社区"},
    }
    row = await Resident.get(name="王秀英")
    assert (row.phone, row.id_number) == ("13812345678", "11010519491231002X")
    household = await Household.get(id=row.household_id)
    assert household.address == ELDER["householdAddress"] and household.community_id == community.id


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"idNumber": "110105194912310021"}, "idNumber", "INVALID_ID_NUMBER"),
    ({"phone": "12345678901"}, "phone", "INVALID_PHONE"),
    ({"birthDate": "2030-01-01", "idNumber": None}, "birthDate", "INVALID_RANGE"),
    ({"birthDate": "1950-01-01"}, "idNumber", "INVALID"),
    ({"ageBand": "ADULT_18_59"}, "ageBand", "INVALID"),
    ({"birthDate": None, "idNumber": None}, "birthDate", "REQUIRED"),
    ({"name": "  "}, "name", "REQUIRED"),
    ({"householdAddress": "x" * 201}, "householdAddress", "TOO_LONG"),
    ({"languages": ["x" * 31]}, "languages", "TOO_LONG"),
])
async def test_each_invalid_field_is_reported_and_nothing_written(gql, changes, field, code):
    _, community, _ = await make_areas()
    data = await gql.ok(CREATE, {"input": {**ELDER, "communityId": gid("Area", community.id), **changes}})
    payload = data["residentCreate"]
    assert payload["resident"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {(field, code)}
    assert await Resident.all().count() == 0 and await Household.all().count() == 0


async def test_duplicate_id_number_and_non_community_area(gql):
    subdistrict, community, _ = await make_areas()
    await make_resident(community, "赵大爷", id_number="11010519491231002X")
    data = await gql.ok(CREATE, {"input": {**ELDER, "communityId": gid("Area", subdistrict.id)}})
    assert {(e["field"], e["code"]) for e in data["residentCreate"]["errors"]} == {
        ("idNumber", "DUPLICATE"), ("communityId", "INVALID")}
    assert await Resident.all().count() == 1 and await Household.all().count() == 0


async def test_child_under_14_needs_a_guardian_and_gets_guardian_consent(gql):
    _, community, _ = await make_areas()
    child = {"name": "李小宝", "idNumber": "330106201903150028", "communityId": gid("Area", community.id),
             "consents": ["IDENTITY"]}
    data = await gql.ok(CREATE, {"input": child})
    assert {(e["field"], e["code"]) for e in data["residentCreate"]["errors"]} == {("guardianId", "REQUIRED")}
    assert await Resident.all().count() == 0

    mother = await make_resident(community, "李芳", age_band=AgeBand.ADULT_18_59)
    data = await gql.ok(CREATE, {"input": {**child, "guardianId": gid("Resident", mother.id),
                                           "guardianRelation": "PARENT"}})
    created = data["residentCreate"]
    assert created["errors"] == [] and created["resident"]["ageBand"] == "CHILD_6_14"
    query = """query($id: ID!) { node(id: $id) { ... on Resident {
        guardians { totalCount edges { node { relationLabel guardian { displayName } child { displayName } } } }
        consents { edges { node { purpose policyVersion grantedByGuardian active } } } } } }"""
    node = (await gql.ok(query, {"id": created["resident"]["id"]}))["node"]
    assert node["guardians"]["edges"][0]["node"] == {
        "relationLabel": "父母", "guardian": {"displayName": "李*"}, "child": {"displayName": "李**"}}
    assert sorted((e["node"] for e in node["consents"]["edges"]), key=lambda c: c["purpose"]) == [
        {"purpose": p, "policyVersion": "2026-01", "grantedByGuardian": True, "active": True}
        for p in ("CHILD_DATA", "IDENTITY")]
    assert {c.granted_by_id for c in await ConsentRecord.all()} == {mother.id}


async def test_child_cannot_be_guardian(gql):
    _, community, _ = await make_areas()
    teen = await make_resident(community, "周同学", age_band=AgeBand.MINOR_14_18)
    data = await gql.ok(CREATE, {"input": {
        "name": "周小妹", "ageBand": "INFANT_0_3", "communityId": gid("Area", community.id),
        "guardianId": gid("Resident", teen.id)}})
    assert {(e["field"], e["code"]) for e in data["residentCreate"]["errors"]} == {
        ("guardianId", "INVALID"), ("guardianRelation", "REQUIRED")}
    assert await Resident.all().count() == 1


async def test_update_is_partial_and_validated(gql):
    _, community, _ = await make_areas()
    resident = await make_resident(community, "张建国", phone="13900001111", health_notes="糖尿病")
    data = await gql.ok(UPDATE, {"id": gid("Resident", resident.id), "input": {"livesAlone": True}})
    assert data["residentUpdate"]["resident"] == {
        "displayName": "张**", "phoneMasked": "139****1111", "livesAlone": True, "ageBand": "SENIOR_80_PLUS"}
    data = await gql.ok(UPDATE, {"id": gid("Resident", resident.id),
                                 "input": {"phone": "139-0000", "idNumber": "110105194912310021"}})
    assert {(e["field"], e["code"]) for e in data["residentUpdate"]["errors"]} == {
        ("phone", "INVALID_PHONE"), ("idNumber", "INVALID_ID_NUMBER")}
    row = await Resident.get(id=resident.id)
    assert (row.phone, row.id_number, row.health_notes, row.lives_alone) == ("13900001111", None, "糖尿病", True)


async def test_guardianship_add_and_consents(gql):
    _, community, _ = await make_areas()
    father = await make_resident(community, "刘强", age_band=AgeBand.ADULT_18_59)
    child = await make_child(community, father, "刘小米")
    grandma = await make_resident(community, "孙奶奶")
    add = """mutation($input: GuardianshipAddInput!) { guardianshipAdd(input: $input) {
        guardianship { relation guardian { displayName } } errors { field code } } }"""
    data = await gql.ok(add, {"input": {"guardianId": gid("Resident", grandma.id),
                                        "childId": gid("Resident", child.id), "relation": "GRANDPARENT"}})
    assert data["guardianshipAdd"]["guardianship"] == {"relation": "GRANDPARENT", "guardian": {"displayName": "孙**"}}
    data = await gql.ok(add, {"input": {"guardianId": gid("Resident", grandma.id),
                                        "childId": gid("Resident", child.id), "relation": "GRANDPARENT"}})
    assert data["guardianshipAdd"]["errors"] == [{"field": "guardianId", "code": "DUPLICATE"}]
    assert await Guardianship.all().count() == 2

    grant = """mutation($input: ConsentGrantInput!) { consentGrant(input: $input) {
        consent { id purposeLabel grantedByGuardian active } errors { field code } } }"""
    base = {"residentId": gid("Resident", child.id), "purpose": "SERVICE_MATCHING", "policyVersion": "2026-01"}
    data = await gql.ok(grant, {"input": base})
    assert data["consentGrant"]["errors"] == [{"field": "guardianId", "code": "REQUIRED"}]
    stranger = await make_resident(community, "路人甲", age_band=AgeBand.ADULT_18_59)
    data = await gql.ok(grant, {"input": {**base, "guardianId": gid("Resident", stranger.id)}})
    assert data["consentGrant"]["errors"] == [{"field": "guardianId", "code": "INVALID"}]
    assert await ConsentRecord.all().count() == 0
    data = await gql.ok(grant, {"input": {**base, "guardianId": gid("Resident", grandma.id)}})
    consent = data["consentGrant"]["consent"]
    assert (consent["purposeLabel"], consent["grantedByGuardian"], consent["active"]) == ("服务匹配", True, True)

    withdraw = """mutation($id: ID!) { consentWithdraw(id: $id) { consent { active withdrawnAt } errors { code } } }"""
    data = await gql.ok(withdraw, {"id": consent["id"]})
    assert data["consentWithdraw"]["consent"]["active"] is False
    data = await gql.ok(withdraw, {"id": consent["id"]})
    assert data["consentWithdraw"]["errors"] == [{"code": "INVALID_STATE"}]
    row = await ConsentRecord.get()
    assert (row.purpose, row.withdrawn_at is not None) == (ConsentPurpose.SERVICE_MATCHING, True)


async def test_response_never_contains_raw_personal_fields(gql):
    _, community, _ = await make_areas()
    await gql.ok(CREATE, {"input": {**ELDER, "communityId": gid("Area", community.id)}})
    introspection = await gql.ok('{ __type(name: "Resident") { fields { name } } }')
    fields = {f["name"] for f in introspection["__type"]["fields"]}
    selection = {
        "id", "displayName", "gender", "genderLabel", "ageBand", "ageBandLabel", "livesAlone", "mobility",
        "mobilityLabel", "phoneMasked", "hasIdNumber", "languages", "interests", "createdAt", "updatedAt",
        "community { id name }", "household { id community { name } }", "needs { totalCount }",
        "guardians { totalCount }", "wards { totalCount }", "consents { totalCount }",
        "personal { phone address idNumber birthDate healthNotes unmaskedFields basis }",
    }
    assert fields == {s.split(" ")[0] for s in selection}, "a new Resident field must be checked here"
    body = await gql.execute(f"{{ residents {{ edges {{ node {{ {' '.join(sorted(selection))} }} }} }} }}")
    assert not body.get("errors")
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("13812345678", "1234-5678", "11010519491231002X", "1949-12-31", "19491231", "和睦新村",
                   "高血压", "王秀英"):
        assert secret not in text


async def test_resident_filters(gql):
    _, one, two = await make_areas()
    await make_resident(one, "王秀英", lives_alone=True)
    await make_resident(one, "王建华", age_band=AgeBand.ADULT_18_59)
    await make_resident(two, "陈阿婆", lives_alone=True)
    query = """query($f: ResidentFilter) { residents(filter: $f) { totalCount edges { node { displayName } } } }"""

    async def names(**criteria):
        data = await gql.ok(query, {"f": criteria})
        return [e["node"]["displayName"] for e in data["residents"]["edges"]]

    assert await names(communityId=gid("Area", one.id)) == ["王**", "王**"]
    assert await names(livesAlone=True) == ["王**", "陈**"]
    assert await names(ageBand="ADULT_18_59") == ["王**"]
    assert await names(search="阿婆") == ["陈**"]


async def test_nested_resident_lists_use_constant_statements(gql, sql):
    _, community, _ = await make_areas()
    for i in range(60):
        parent = await make_resident(community, f"家长{i:02d}", age_band=AgeBand.ADULT_18_59)
        child = await make_child(community, parent, f"孩子{i:02d}")
        await ConsentRecord.create(resident=child, purpose=ConsentPurpose.CHILD_DATA, policy_version="2026-01",
                                   granted_by=parent, granted_at=parent.created_at)
        await make_need(parent, f"亲子活动{i:02d}", category="PARENT_CHILD_ACTIVITY")
    query = """query($n: Int!) { residents(first: $n) { edges { node { displayName community { name }
        needs(first: $n) { totalCount edges { node { title community { name } } } }
        guardians(first: $n) { edges { node { relation guardian { displayName } } } }
        wards(first: $n) { totalCount edges { node { relation } } }
        consents(first: $n) { edges { node { purpose active } } } } } } }"""
    counts = []  # one resident loader source only (guardians), so batching does not depend on timing
    for n in (10, 100):
        with sql() as counter:
            data = await gql.ok(query, {"n": n})
        assert len(data["residents"]["edges"]) == n
        counts.append(counter.count)
    assert counts[0] == counts[1]


async def test_households_are_shared_within_a_community(gql):
    _, one, two = await make_areas()
    data = await gql.ok(CREATE, {"input": {**ELDER, "communityId": gid("Area", one.id)}})
    resident_id = data["residentCreate"]["resident"]["id"]
    query = """query($id: ID!) { node(id: $id) { ... on Resident { household { id members { totalCount } } } } }"""
    household_id = (await gql.ok(query, {"id": resident_id}))["node"]["household"]["id"]
    spouse = {"name": "张德明", "ageBand": "SENIOR_80_PLUS", "householdId": household_id}
    data = await gql.ok(CREATE, {"input": {**spouse, "communityId": gid("Area", two.id)}})
    assert data["residentCreate"]["errors"] == [
        {"field": "householdId", "message": "The household is in another community.", "code": "INVALID"}]
    data = await gql.ok(CREATE, {"input": {**spouse, "communityId": gid("Area", one.id)}})
    assert data["residentCreate"]["errors"] == []
    assert (await gql.ok(query, {"id": resident_id}))["node"]["household"]["members"]["totalCount"] == 2
    assert await Household.all().count() == 1


async def test_update_cannot_make_an_unguarded_child(gql):
    _, community, _ = await make_areas()
    resident = await make_resident(community, "周明", age_band=AgeBand.ADULT_18_59)
    data = await gql.ok(UPDATE, {"id": gid("Resident", resident.id), "input": {"birthDate": "2020-05-01"}})
    assert data["residentUpdate"]["errors"] == [{"field": "birthDate", "code": "INVALID"}]
    assert (await Resident.get(id=resident.id)).birth_date is None
