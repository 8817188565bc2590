"""Rows a page's items point at, read in the page's own statement (resolvers.pagination.Joined).

A need's proposals come with their providers (professional or organization) and an organization's members
with their professionals, without a statement of their own: the answers equal the rows in the database for
every kind of page (first, after, last, before, empty), and selecting the related rows adds no statement.
"""

from __future__ import annotations

import pytest

from graphql_api.settings import Settings
from models import Match, Membership, Organization, Professional
from models.enums import MembershipRole
from resolvers.access import Role, Viewer
from resolvers.pagination import Joined, PageArgs, encode_cursor, paginate_children
from resolvers.relations import RELATIONS
from tests.factories import gid, make_areas
from tests.factories_people import make_organization
from tests.factories_residents import make_match, make_need, make_professional, make_resident
from tests.graphql_api.edge import endpoint

pytestmark = pytest.mark.usefixtures("db")
ADMIN = Viewer(role=Role.CENTRE_ADMIN, account_id=1)
PROVIDER = "provider { __typename ... on Professional { id name profession } ... on Organization { id name } }"
PROPOSALS = """query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) { ... on Need { matches(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { node { id score PROVIDER } } } } }
}""".replace("PROVIDER", PROVIDER)
MEMBERS = """query($first: Int) { organizations(first: 10, orderBy: NAME) { edges { node { name
  memberships(first: $first) { totalCount edges { node { role professional { id name profession } } } } } } } }"""


def expected_provider(match: Match, pros: dict, orgs: dict) -> dict:
    if match.professional_id is not None:
        p = pros[match.professional_id]
        return {"__typename": "Professional", "id": gid("Professional", p.id), "name": p.name,
                "profession": p.profession}
    o = orgs[match.organization_id]
    return {"__typename": "Organization", "id": gid("Organization", o.id), "name": o.name}


async def _proposals_world():
    _, one, _ = await make_areas()
    need = await make_need(await make_resident(one))
    pros = [await make_professional(f"护士{i}", f"职业{i}") for i in range(5)]
    orgs = [await make_organization(one, name=f"组织{i}") for i in range(3)]
    for i, provider in enumerate([*pros, *orgs]):
        await make_match(need, provider, score=None if i == 6 else round(0.9 - i * 0.07, 2))
    other = await make_need(await make_resident(one, name="李大爷"))
    await make_match(other, pros[0], score=0.99)
    return need, {p.id: p for p in pros}, {o.id: o for o in orgs}


@pytest.mark.parametrize("page", [{"first": 3}, {"first": 10}, {"first": 2, "after": 2}, {"last": 3},
                                  {"last": 2, "before": 5}, {"first": 0}, {"first": 3, "after": 20}])
async def test_proposals_carry_their_providers_from_the_page_statement(page):
    need, pros, orgs = await _proposals_world()
    variables = {"id": gid("Need", need.id), **page}
    for key in ("after", "before"):
        if key in variables:
            variables[key] = encode_cursor(variables[key] - 1)
    order = await Match.filter(need_id=need.id).order_by("id")
    ordered = sorted(order, key=lambda m: (m.score is None, -(m.score or 0), m.id))
    async with endpoint(viewer=ADMIN) as edge:
        answer = (await edge.data(PROPOSALS, variables))["node"]["matches"]
    assert answer["totalCount"] == 8
    by_id = {gid("Match", m.id): m for m in ordered}
    shown = [by_id[e["node"]["id"]] for e in answer["edges"]]
    start = ordered.index(shown[0]) if shown else 0
    assert shown == ordered[start:start + len(shown)]
    for edge_, match in zip(answer["edges"], shown, strict=True):
        assert edge_["node"]["provider"] == expected_provider(match, pros, orgs)
    assert {e["node"]["provider"]["__typename"] for e in answer["edges"]} <= {"Professional", "Organization"}


async def test_selecting_providers_or_members_adds_no_statement(sql):
    need, _, _ = await _proposals_world()
    hub = await Organization.get(name="组织0")
    for p in await Professional.all():
        await Membership.create(professional=p, organization=hub, role=MembershipRole.MEMBER)
    without_provider = PROPOSALS.replace(PROVIDER, "")
    without_professional = MEMBERS.replace("professional { id name profession }", "")
    counts = {}
    async with endpoint(viewer=ADMIN, app_settings=Settings(env="test", public_cache=False)) as edge:
        for name, query, variables in (
            ("providers", PROPOSALS, {"id": gid("Need", need.id), "first": 10}),
            ("no providers", without_provider, {"id": gid("Need", need.id), "first": 10}),
            ("members", MEMBERS, {"first": 10}), ("no members", without_professional, {"first": 10}),
        ):
            await edge.data(query, variables)  # documents and plans cached
            with sql() as counter:
                data = await edge.data(query, variables)
            counts[name] = counter.count
            if name == "members":
                members = next(e["node"] for e in data["organizations"]["edges"] if e["node"]["name"] == "组织0")
                names = {e["node"]["professional"]["name"] for e in members["memberships"]["edges"]}
                assert names == {p.name for p in await Professional.all()}
    assert counts["providers"] == counts["no providers"] and counts["members"] == counts["no members"], counts


async def test_members_through_the_public_cache_are_loaded_by_id_and_equal():
    _, one, _ = await make_areas()
    hub = await make_organization(one, name="和睦新联会")
    pros = [await make_professional(f"社工{i}", "社工") for i in range(4)]
    for p in pros:
        await Membership.create(professional=p, organization=hub, role=MembershipRole.MEMBER)
    answers = []
    for cached in (False, True):
        async with endpoint(viewer=ADMIN, app_settings=Settings(env="test", public_cache=cached)) as edge:
            answers.append(await edge.data(MEMBERS, {"first": 3}))
    assert answers[0] == answers[1]
    shown = answers[0]["organizations"]["edges"][0]["node"]["memberships"]["edges"]
    assert [e["node"]["professional"]["name"] for e in shown] == ["社工0", "社工1", "社工2"]


async def test_paginate_children_joins_rows_per_parent_and_leaves_missing_ones_empty():
    need, pros, orgs = await _proposals_world()
    other = await make_need(await make_resident((await make_areas())[1], name="赵阿姨"))  # no proposals
    joins = (Joined("professional", Professional, "professional_id", ("name",)),
             Joined("organization", Organization, "organization_id"))
    pages = await paginate_children(RELATIONS["need.matches"], [need.id, other.id], PageArgs(first=8), joins)
    assert pages[1].items == [] and pages[1].joined == {"professional": [], "organization": []}
    page = pages[0]
    assert len(page.items) == 8 == len(page.joined["professional"]) == len(page.joined["organization"])
    for match, professional, organization in zip(page.items, page.joined["professional"], page.joined["organization"],
                                                 strict=True):
        assert (professional is None) == (match.professional_id is None)
        assert (organization is None) == (match.organization_id is None)
        if professional is not None:
            assert professional.id == match.professional_id and professional.name == pros[professional.id].name
            with pytest.raises(AttributeError):
                professional.profession  # noqa: B018 (only the asked columns are read)
        else:
            assert organization.name == orgs[organization.id].name
    plain = await paginate_children(RELATIONS["need.matches"], [need.id], PageArgs(first=8))
    assert plain[0].joined is None and [m.id for m in plain[0].items] == [m.id for m in page.items]
