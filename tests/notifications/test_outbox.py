"""The outbox: a change and its notification commit together or not at all; triggers become one message per person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from models import Account, ConsentRecord, Match, Need, NeedEvent, Notification, NotificationTrigger
from models.enums import AccountRole, MatchStatus, NeedStatus, NotificationKind, NotificationStatus, ProviderKind
from resolvers import lifecycle
from resolvers.errors import DomainError, ErrorCode
from resolvers.match_responses import match_accept
from resolvers.matching import match_propose
from resolvers.notifications import NO_CONSENT, NO_OPENID, NO_TEMPLATE, expand_triggers
from resolvers.scope import load_scope
from resolvers.service_records import check_in, check_out
from tests.factories_matching import as_professional, local, make_carer, staff
from tests.factories_residents import make_child, make_match, make_need
from tests.notifications.conftest import ELDER_PHONE, HEALTH_NOTES, TEMPLATES, consent_to_notifications

K = NotificationKind


async def _triggers(need_id: int) -> list[NotificationKind]:
    return [t.kind for t in await NotificationTrigger.filter(need_id=need_id).order_by("id")]


async def _serve(world) -> Match:
    """Propose the carer (the sender makes its message at once), who accepts, checks in and out."""
    match = await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    assert await expand_triggers(TEMPLATES) == 1
    await match_accept(as_professional(world.carer), match.id)
    scope = await load_scope(as_professional(world.carer))
    await check_in(scope, world.need.id, "王奶奶家")
    await check_out(scope, world.need.id, "送餐一次")
    return match


async def test_each_step_people_are_told_about_writes_exactly_one_trigger(world):
    need = world.need
    await lifecycle.transition(need.id, NeedStatus.TRIAGED, staff(world.here.id))
    assert await _triggers(need.id) == []
    match = await match_propose(staff(world.here.id), need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    assert await _triggers(need.id) == [K.MATCH_PROPOSED]
    await match_accept(as_professional(world.carer), match.id)
    assert await _triggers(need.id) == [K.MATCH_PROPOSED, K.MATCH_ACCEPTED]
    scope = await load_scope(as_professional(world.carer))
    await check_in(scope, need.id, "王奶奶家")
    await check_out(scope, need.id, "送餐一次")
    assert await _triggers(need.id) == [K.MATCH_PROPOSED, K.MATCH_ACCEPTED, K.FEEDBACK_REQUESTED]


async def test_a_refused_step_writes_no_trigger(world):
    with pytest.raises(DomainError) as refused:
        await lifecycle.transition(world.need.id, NeedStatus.ACCEPTED, staff(world.here.id))
    assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as invalid:
        await lifecycle.transition(world.need.id, NeedStatus.COMPLETED, as_professional(world.carer))
    assert invalid.value.code in {ErrorCode.FORBIDDEN, ErrorCode.INVALID_TRANSITION}
    assert await NotificationTrigger.all().count() == 0


async def test_a_rolled_back_change_leaves_no_trigger_and_a_committed_one_exactly_one(world):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await lifecycle.transition(world.need.id, NeedStatus.PROPOSED, staff(world.here.id))
            assert await NotificationTrigger.filter(need_id=world.need.id).count() == 1  # written with the change
            raise RuntimeError("the caller's next write failed")
    assert (await Need.get(id=world.need.id)).status == NeedStatus.SUBMITTED
    assert await NotificationTrigger.all().count() == 0 and await NeedEvent.all().count() == 0
    await lifecycle.transition(world.need.id, NeedStatus.PROPOSED, staff(world.here.id))
    assert await _triggers(world.need.id) == [K.MATCH_PROPOSED]


async def test_a_check_out_that_fails_after_its_step_leaves_no_trigger(world):
    need = await make_need(world.elder, status=NeedStatus.IN_SERVICE)  # no service record was checked in
    await make_match(need, world.carer, status=MatchStatus.ACCEPTED)
    scope = await load_scope(as_professional(world.carer))
    with pytest.raises(DomainError) as failed:
        await check_out(scope, need.id, "送餐一次")
    assert failed.value.code == ErrorCode.INVALID_STATE
    assert (await Need.get(id=need.id)).status == NeedStatus.IN_SERVICE
    assert await NotificationTrigger.all().count() == 0


async def test_triggers_become_one_message_per_person_with_nothing_private(world):
    match = await _serve(world)
    assert await expand_triggers(TEMPLATES) == 2
    assert await expand_triggers(TEMPLATES) == 0
    sent = {(n.kind, n.recipient_id): n for n in await Notification.all()}
    assert set(sent) == {(K.MATCH_PROPOSED, world.carer_account.id), (K.MATCH_ACCEPTED, world.elder_account.id),
                         (K.FEEDBACK_REQUESTED, world.elder_account.id)}
    assert {n.status for n in sent.values()} == {NotificationStatus.PENDING}
    proposed = sent[K.MATCH_PROPOSED, world.carer_account.id]
    assert proposed.dedupe_key == f"MATCH_PROPOSED:{match.id}:{world.carer_account.id}"
    assert proposed.template_id == TEMPLATES["MATCH_PROPOSED"] and proposed.page.startswith("pages/provider/")
    assert proposed.data["thing1"] == "助餐" and proposed.data["phrase5"] == "待接单"
    assert sent[K.MATCH_ACCEPTED, world.elder_account.id].data["thing3"] == "张护理员"
    for notification in sent.values():
        text = "".join(notification.data.values())
        for private in (HEALTH_NOTES, "糖尿病", ELDER_PHONE, "王奶奶", world.need.title):
            assert private not in text


async def test_a_second_proposal_tells_only_the_new_provider(world):
    second = await make_carer(world.here, "李护理员")
    other = await Account.create(role=AccountRole.PROFESSIONAL, professional=second, wechat_openid="o-li")
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await expand_triggers(TEMPLATES)
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, second.id)
    assert await _triggers(world.need.id) == [K.MATCH_PROPOSED, K.MATCH_PROPOSED]
    await expand_triggers(TEMPLATES)
    recipients = sorted(await Notification.all().values_list("recipient_id", flat=True))
    assert recipients == sorted([world.carer_account.id, other.id])


async def test_a_childs_need_goes_to_the_guardian_without_the_childs_name(world):
    child = await make_child(world.here, world.elder, name="李小宝")
    start = local(2, 9)  # within the carer's hours, whatever the time of day the test runs
    need = await make_need(child, status=NeedStatus.PROPOSED, window_start=start)
    match = await make_match(need, world.carer)
    await match_accept(as_professional(world.carer), match.id)
    await expand_triggers(TEMPLATES)
    (told,) = await Notification.filter(need_id=need.id)
    assert told.recipient_id == world.elder_account.id and told.kind == K.MATCH_ACCEPTED
    assert "小宝" not in "".join(told.data.values())


async def test_people_without_wechat_or_a_template_get_a_skipped_row(world):
    await Account.filter(id=world.carer_account.id).update(wechat_openid=None)
    await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await expand_triggers({k: v for k, v in TEMPLATES.items() if k != "MATCH_ACCEPTED"})
    (no_openid,) = await Notification.all()
    assert (no_openid.status, no_openid.last_error) == (NotificationStatus.SKIPPED, NO_OPENID)
    match = await Match.get(need_id=world.need.id)
    await match_accept(as_professional(world.carer), match.id)
    await expand_triggers({k: v for k, v in TEMPLATES.items() if k != "MATCH_ACCEPTED"})
    no_template = await Notification.get(kind=K.MATCH_ACCEPTED)
    assert (no_template.status, no_template.last_error) == (NotificationStatus.SKIPPED, NO_TEMPLATE)


async def test_a_trigger_expanded_again_makes_no_second_message(world):
    await _serve(world)
    await expand_triggers(TEMPLATES)
    await NotificationTrigger.filter(kind__not=K.MATCH_PROPOSED).update(expanded_at=None)  # as if made twice
    assert await expand_triggers(TEMPLATES) == 2
    assert await Notification.all().count() == 3


async def test_a_proposal_answered_before_its_message_was_made_is_not_announced(world):
    match = await match_propose(staff(world.here.id), world.need.id, ProviderKind.PROFESSIONAL, world.carer.id)
    await match_accept(as_professional(world.carer), match.id)  # the sender had not run yet
    assert await expand_triggers(TEMPLATES) == 2
    assert [n.kind for n in await Notification.all()] == [K.MATCH_ACCEPTED]


async def test_residents_are_notified_only_with_their_standing_consent(world):
    """A resident without a NOTIFICATIONS consent of their own, or who withdrew it, gets a skipped row; a
    guardian is told about a child's need on the guardian's own consent; providers need none."""
    await ConsentRecord.filter(resident_id=world.elder.id).update(withdrawn_at=datetime.now(UTC))
    await _serve(world)
    await expand_triggers(TEMPLATES)
    told = {(n.kind, n.recipient_id): n for n in await Notification.all()}
    assert told[K.MATCH_PROPOSED, world.carer_account.id].status == NotificationStatus.PENDING
    for kind in (K.MATCH_ACCEPTED, K.FEEDBACK_REQUESTED):
        assert (told[kind, world.elder_account.id].status, told[kind, world.elder_account.id].last_error) == (
            NotificationStatus.SKIPPED, NO_CONSENT)
    await consent_to_notifications(world.elder)  # consents again: the next message goes out
    child = await make_child(world.here, world.elder, name="李小宝")  # no consent of the child's is asked
    need = await make_need(child, status=NeedStatus.PROPOSED, window_start=local(2, 9))
    await match_accept(as_professional(world.carer), (await make_match(need, world.carer)).id)
    await expand_triggers(TEMPLATES)
    (guardian,) = await Notification.filter(need_id=need.id)
    assert (guardian.recipient_id, guardian.status) == (world.elder_account.id, NotificationStatus.PENDING)
