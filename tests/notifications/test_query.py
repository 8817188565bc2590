"""Centre admins see the outbox through ``notifications(status)``; nobody else does."""

from __future__ import annotations

from models import Notification
from models.enums import NotificationStatus, ProviderKind
from resolvers.matching import match_propose
from resolvers.notifications import expand_triggers
from tests.conftest import CENTRE_ADMIN
from tests.factories_matching import staff
from tests.factories_residents import gid
from tests.notifications.conftest import TEMPLATES

LIST = """query($status: NotificationStatus) { notifications(status: $status, first: 10) { totalCount edges { node {
  id kind kindLabel status statusLabel recipientId needId templateId page attempts lastError sentAt } } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on Notification { status lastError } } }"


async def test_a_centre_admin_lists_the_failed_notifications(world, gql_as):
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await expand_triggers(TEMPLATES)
    row = await Notification.get()
    await Notification.filter(id=row.id).update(status=NotificationStatus.FAILED, attempts=8,
                                                last_error="WeChat answered error -1 (gave up after 8 attempts)")
    admin = gql_as(CENTRE_ADMIN)
    data = await admin.ok(LIST, {"status": "FAILED"})
    assert data["notifications"]["totalCount"] == 1
    assert data["notifications"]["edges"][0]["node"] == {
        "id": gid("Notification", row.id), "kind": "MATCH_PROPOSED", "kindLabel": "新的服务邀请", "status": "FAILED",
        "statusLabel": "发送失败", "recipientId": gid("Account", world.carer_account.id),
        "needId": gid("Need", world.need.id), "templateId": TEMPLATES["MATCH_PROPOSED"], "page": row.page,
        "attempts": 8, "lastError": "WeChat answered error -1 (gave up after 8 attempts)", "sentAt": None}
    assert (await admin.ok(LIST, {"status": "SENT"}))["notifications"]["totalCount"] == 0
    assert (await admin.ok(NODE, {"id": gid("Notification", row.id)}))["node"]["status"] == "FAILED"


async def test_nobody_else_sees_the_outbox(world, gql_as):
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await expand_triggers(TEMPLATES)
    row = await Notification.get()
    desk = gql_as(staff(world.here.id))
    body = await desk.execute(LIST)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await desk.ok(NODE, {"id": gid("Notification", row.id)}))["node"] is None
