"""Staff work queues through the real GraphQL endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import Match
from models.enums import NeedStatus
from tests.factories import make_areas
from tests.factories_matching import as_resident, centre_admin, make_carer, make_elder, staff
from tests.factories_residents import gid, make_match, make_need

QUEUES = """query($community: ID, $hours: Int) { needQueues(communityId: $community, unansweredHours: $hours) {
  awaitingTriage(first: 2) { totalCount edges { node { title } } pageInfo { hasNextPage } }
  awaitingMatch { totalCount edges { node { title status } } }
  unanswered { totalCount edges { node { title } } } } }"""
LONG_AGO = datetime.now(UTC) - timedelta(days=2)


async def _world():
    _, here, there = await make_areas()
    elder, neighbour = await make_elder(here), await make_elder(there, "李爷爷")
    for i in range(3):
        await make_need(elder, f"待分拣{i}", created_at=LONG_AGO + timedelta(minutes=i))
    await make_need(neighbour, "阳光社区待分拣")
    await make_need(elder, "已分拣", status=NeedStatus.TRIAGED)
    await make_need(elder, "匹配中", status=NeedStatus.MATCHING, created_at=LONG_AGO)
    carer = await make_carer(here, "张护理员")
    stale = await make_need(elder, "久未答复", status=NeedStatus.PROPOSED)
    await Match.filter(id=(await make_match(stale, carer)).id).update(created_at=LONG_AGO)
    fresh = await make_need(elder, "刚推荐", status=NeedStatus.PROPOSED)
    await make_match(fresh, carer)
    return here, there, elder


async def test_staff_see_their_communities_queues_oldest_first(gql_as):
    here, there, _ = await _world()
    data = (await gql_as(staff(here.id)).ok(QUEUES))["needQueues"]
    triage = data["awaitingTriage"]
    assert (triage["totalCount"], triage["pageInfo"]["hasNextPage"]) == (3, True)
    assert [e["node"]["title"] for e in triage["edges"]] == ["待分拣0", "待分拣1"]
    assert [e["node"]["title"] for e in data["awaitingMatch"]["edges"]] == ["匹配中", "已分拣"]
    assert [e["node"]["title"] for e in data["unanswered"]["edges"]] == ["久未答复"]
    data = (await gql_as(staff(here.id)).ok(QUEUES, {"hours": 72}))["needQueues"]
    assert data["unanswered"]["totalCount"] == 0
    everyone = (await gql_as(centre_admin()).ok(QUEUES))["needQueues"]
    assert everyone["awaitingTriage"]["totalCount"] == 4
    one = (await gql_as(centre_admin()).ok(QUEUES, {"community": gid("Area", there.id)}))["needQueues"]
    assert one["awaitingTriage"]["totalCount"] == 1 and one["awaitingMatch"]["totalCount"] == 0


async def test_queues_are_for_staff_of_the_community(gql_as):
    here, there, elder = await _world()
    for viewer, variables in ((as_resident(elder), {}), (staff(there.id), {"community": gid("Area", here.id)})):
        body = await gql_as(viewer).execute(QUEUES, variables)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", viewer
    body = await gql_as(staff(here.id)).execute(QUEUES, {"hours": 0})
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"
