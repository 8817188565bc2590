"""Two users of every role: each reads and changes their own data, never the other's.

Viewers are given directly (how tokens and API keys become viewers is tested in test_auth.py and
test_api_keys.py); every check goes through the real GraphQL endpoint.
"""

from dataclasses import dataclass

import pytest

from models import Enrollment, Organization
from models.enums import AgeBand, EnrollmentStatus, MatchStatus, OrganizationKind
from resolvers.access import Role, Viewer
from tests.factories import make_areas
from tests.factories_people import make_professional, make_project, make_session
from tests.factories_residents import gid, make_match, make_need, make_resident

NODE = "query($id: ID!) { node(id: $id) { id } }"
NEEDS = "{ needs(first: 50) { edges { node { id } } } }"
RESIDENTS = "{ residents(first: 50) { edges { node { id } } } }"
ENROLLMENTS = "query($id: ID!) { node(id: $id) { ... on ProjectSession { enrollments { totalCount } } } }"


@dataclass
class Side:
    """One user of a role and the objects that are theirs."""

    viewer: Viewer
    own: dict


@pytest.fixture
async def world(db):
    _, c1, c2 = await make_areas()
    x = await Organization.create(name="乐龄助餐服务社", kind=OrganizationKind.INCUBATED, area=c1)
    y = await Organization.create(name="彩虹托育服务中心", kind=OrganizationKind.INCUBATED, area=c2)
    px, py = await make_project(x, name="银龄数字课堂"), await make_project(y, name="亲子阅读")
    sx, sy = await make_session(px), await make_session(py)
    p1, p2 = await make_professional("沈医生"), await make_professional("韩老师")
    r1 = await make_resident(c1, "王秀英", phone="13812345678")
    r2 = await make_resident(c2, "赵建国", phone="13987654321", age_band=AgeBand.SENIOR_60_79)
    n1, n2 = await make_need(r1), await make_need(r2)
    m1, m2 = await make_match(n1, p1, status=MatchStatus.PROPOSED), await make_match(n2, p2)
    e1 = await Enrollment.create(session=sx, resident=r1, status=EnrollmentStatus.CONFIRMED)
    e2 = await Enrollment.create(session=sy, resident=r2, status=EnrollmentStatus.CONFIRMED)
    return {
        Role.RESIDENT: (
            Side(
                Viewer(role=Role.RESIDENT, account_id=11, resident_id=r1.id),
                {"resident": r1, "need": n1, "enrollment": e1},
            ),
            Side(
                Viewer(role=Role.RESIDENT, account_id=12, resident_id=r2.id),
                {"resident": r2, "need": n2, "enrollment": e2},
            ),
        ),
        Role.PROFESSIONAL: (
            Side(
                Viewer(role=Role.PROFESSIONAL, account_id=21, professional_id=p1.id),
                {"professional": p1, "need": n1, "match": m1},
            ),
            Side(
                Viewer(role=Role.PROFESSIONAL, account_id=22, professional_id=p2.id),
                {"professional": p2, "need": n2, "match": m2},
            ),
        ),
        Role.ORG_ADMIN: (
            Side(
                Viewer(role=Role.ORG_ADMIN, account_id=31, organization_id=x.id),
                {"organization": x, "project": px, "session": sx},
            ),
            Side(
                Viewer(role=Role.ORG_ADMIN, account_id=32, organization_id=y.id),
                {"organization": y, "project": py, "session": sy},
            ),
        ),
        Role.STAFF: (
            Side(Viewer(role=Role.STAFF, account_id=41, area_ids=frozenset({c1.id})), {"resident": r1, "need": n1}),
            Side(Viewer(role=Role.STAFF, account_id=42, area_ids=frozenset({c2.id})), {"resident": r2, "need": n2}),
        ),
        Role.PARTNER: (
            Side(
                Viewer(role=Role.PARTNER, api_key_id=51, organization_id=x.id, scopes=frozenset({"projects:write"})),
                {"project": px},
            ),
            Side(
                Viewer(role=Role.PARTNER, api_key_id=52, organization_id=y.id, scopes=frozenset({"projects:write"})),
                {"project": py},
            ),
        ),
    }


def _type_name(row) -> str:
    return {
        "Resident": "Resident",
        "Need": "Need",
        "Match": "Match",
        "Enrollment": "Enrollment",
        "Professional": "Professional",
        "Organization": "Organization",
        "Project": "Project",
        "ProjectSession": "ProjectSession",
    }[type(row).__name__]


async def _reads(client, row) -> bool:
    body = await client.execute(NODE, {"id": gid(_type_name(row), row.id)})
    return body["data"]["node"] is not None


async def _mutates(client, kind: str, row) -> bool:
    """Run a harmless change of ``row``; True when it went through, False when refused."""
    documents = {
        "resident": (
            "mutation($id: ID!) { residentUpdate(id: $id, input: {livesAlone: true}) { errors { code } } }",
            "residentUpdate",
        ),
        "need": (
            'mutation($id: ID!) { needUpdate(id: $id, input: {description: "请准时"}) { errors { code } } }',
            "needUpdate",
        ),
        "professional": (
            'mutation($id: ID!) { professionalUpdate(id: $id, input: {bio: "你好"}) { errors { code } } }',
            "professionalUpdate",
        ),
        "organization": (
            'mutation($id: ID!) { organizationUpdate(id: $id, input: {description: "简介"}) { errors { code } } }',
            "organizationUpdate",
        ),
        "project": (
            'mutation($id: ID!) { projectUpdate(id: $id, input: {description: "更新"}) { errors { code } } }',
            "projectUpdate",
        ),
        "enrollment": (
            "mutation($id: ID!) { enrollmentCancel(enrollmentId: $id) { errors { code } } }",
            "enrollmentCancel",
        ),
    }
    document, field = documents[kind]
    body = await client.execute(document, {"id": gid(_type_name(row), row.id)})
    assert not body.get("errors"), body
    codes = [e["code"] for e in body["data"][field]["errors"]]
    assert codes in ([], ["FORBIDDEN"]), codes
    return codes == []


PRIVATE_READS = {
    Role.RESIDENT: ("resident", "need", "enrollment"),
    Role.PROFESSIONAL: ("need", "match"),
    Role.ORG_ADMIN: (),
    Role.STAFF: ("resident", "need"),
    Role.PARTNER: (),
}
CHANGES = {
    Role.RESIDENT: ("resident", "need", "enrollment"),
    Role.PROFESSIONAL: ("professional",),
    Role.ORG_ADMIN: ("organization", "project"),
    Role.STAFF: ("resident", "need"),
    Role.PARTNER: ("project",),
}


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.PROFESSIONAL, Role.ORG_ADMIN, Role.STAFF, Role.PARTNER])
async def test_each_user_reads_and_changes_only_their_own(world, gql_as, role):
    first, second = world[role]
    for me, other in ((first, second), (second, first)):
        client = gql_as(me.viewer)
        for kind in PRIVATE_READS[role]:
            assert await _reads(client, me.own[kind]), (role, kind, "own")
            assert not await _reads(client, other.own[kind]), (role, kind, "other's")
        for kind in CHANGES[role]:
            assert not await _mutates(client, kind, other.own[kind]), (role, kind, "other's")
            assert await _mutates(client, kind, me.own[kind]), (role, kind, "own")


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.PROFESSIONAL, Role.STAFF])
async def test_lists_hold_only_what_the_user_may_see(world, gql_as, role):
    first, second = world[role]
    for me, other in ((first, second), (second, first)):
        client = gql_as(me.viewer)
        needs = {e["node"]["id"] for e in (await client.ok(NEEDS))["needs"]["edges"]}
        assert gid("Need", me.own["need"].id) in needs and gid("Need", other.own["need"].id) not in needs


async def test_enrollment_lists_are_for_staff_and_the_organizer(world, gql_as):
    first, second = world[Role.ORG_ADMIN]
    for me, other in ((first, second), (second, first)):
        client = gql_as(me.viewer)
        own = await client.execute(ENROLLMENTS, {"id": gid("ProjectSession", me.own["session"].id)})
        assert own["data"]["node"]["enrollments"]["totalCount"] == 1
        foreign = await client.execute(ENROLLMENTS, {"id": gid("ProjectSession", other.own["session"].id)})
        assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_partners_and_org_admins_never_list_residents_or_needs(world, gql_as):
    for side in world[Role.PARTNER]:
        for document in (RESIDENTS, NEEDS):
            body = await gql_as(side.viewer).execute(document)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for side in world[Role.ORG_ADMIN]:
        assert (await gql_as(side.viewer).ok(RESIDENTS))["residents"]["edges"] == []


async def test_centre_admins_see_and_change_everything(world, gql_as):
    for admin_id in (1, 2):
        client = gql_as(Viewer(role=Role.CENTRE_ADMIN, account_id=admin_id))
        for role in (Role.RESIDENT, Role.STAFF):
            for side in world[role]:
                assert await _reads(client, side.own["resident"])
                assert await _mutates(client, "resident", side.own["resident"])


PUBLIC_MUTATIONS = {"wechatLogin", "staffLogin", "tokenRefresh", "logout"}  # graphql_api.permissions


TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
SCHEMA = f"""{{ __schema {{
  mutationType {{ fields {{ name args {{ name type {{ {TYPE_REF} }} }} }} }}
  types {{ name kind enumValues {{ name }} inputFields {{ name type {{ {TYPE_REF} }} }} }} }} }}"""


async def test_every_other_mutation_refuses_an_anonymous_caller(world, gql):
    schema = (await gql.ok(SCHEMA))["__schema"]
    types = {t["name"]: t for t in schema["types"]}
    refused = {}
    for field in schema["mutationType"]["fields"]:
        if field["name"] in PUBLIC_MUTATIONS:
            continue
        params = ", ".join(f"${a['name']}: {_spell(a['type'])}" for a in field["args"])
        args = ", ".join(f"{a['name']}: ${a['name']}" for a in field["args"])
        variables = {a["name"]: _value(a["type"], types) for a in field["args"]}
        call = f"{field['name']}({args})" if args else field["name"]
        document = f"mutation({params}) {{ {call} {{ errors {{ code }} }} }}" if args else f"mutation {{ {call} }}"
        body = await gql.execute(document, variables)
        codes = {e["extensions"]["code"] for e in body.get("errors") or []}
        payload = (body.get("data") or {}).get(field["name"]) or {}
        refused[field["name"]] = codes | {e["code"] for e in payload.get("errors") or []}
    assert {name: codes for name, codes in refused.items() if not codes & {"UNAUTHENTICATED", "FORBIDDEN"}} == {}


def _spell(ref: dict) -> str:
    if ref["kind"] == "NON_NULL":
        return _spell(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return f"[{_spell(ref['ofType'])}]"
    return ref["name"]


def _value(ref: dict, types: dict):
    """A placeholder value of the right shape: required input fields filled, optional ones left out."""
    if ref["kind"] == "NON_NULL":
        return _value(ref["ofType"], types)
    if ref["kind"] == "LIST":
        return []
    name = ref["name"]
    scalar = {
        "ID": gid("Resident", 1),
        "String": "x",
        "Int": 1,
        "Float": 1.0,
        "Boolean": True,
        "Date": "2026-12-01",
        "Decimal": "1",
        "DateTime": "2026-12-01T09:00:00+08:00",
        "JSON": {},
    }
    if name in scalar:
        return scalar[name]
    kind = types[name]
    if kind["kind"] == "ENUM":
        return kind["enumValues"][0]["name"]
    return {f["name"]: _value(f["type"], types) for f in kind["inputFields"] or () if f["type"]["kind"] == "NON_NULL"}


STATS = "{ needStatistics { community { name } category status count } }"


async def test_partners_get_aggregates_with_small_cells_suppressed(world, gql_as):
    partner = world[Role.PARTNER][0].viewer
    stats = (
        await gql_as(
            Viewer(
                role=Role.PARTNER,
                api_key_id=51,
                organization_id=partner.organization_id,
                scopes=frozenset({"stats:read"}),
            )
        ).ok(STATS)
    )["needStatistics"]
    assert stats and all(cell["count"] is None for cell in stats)
    body = await gql_as(partner).execute(STATS)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = world[Role.STAFF][0]
    cells = (await gql_as(staff.viewer).ok(STATS))["needStatistics"]
    assert [(c["community"]["name"], c["count"]) for c in cells] == [("和睦社区", 1)]
