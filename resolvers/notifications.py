"""Notifications written with the changes they report, then turned into one message per person.

:func:`enqueue_for_step` runs inside the transaction of :func:`resolvers.lifecycle.transition_many`: a need
taken to PROPOSED (or proposed again while PROPOSED), ACCEPTED or COMPLETED gets one
:class:`~models.NotificationTrigger`, so the change and its notification commit together or not at all. It
reads nothing and costs one INSERT. (The proposal itself is saved after the step, in the same transaction,
which is why the recipients are found later, not here.)

:func:`expand_triggers`, run by the background sender, turns triggers into :class:`~models.Notification`
rows, one per person to tell, in one transaction per batch: the triggers are taken with ``SELECT ... FOR
UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer at a time) and marked expanded in the transaction
that writes their notifications, and every notification has a unique ``dedupe_key`` (inserted with ``ON
CONFLICT DO NOTHING``), so neither two workers nor two triggers make the same message twice. Who is told:

- MATCH_PROPOSED: the provider of each proposal of the need still pending when the messages are made (one
  per proposal and account; a proposal answered or withdrawn meanwhile needs no message).
- MATCH_ACCEPTED, FEEDBACK_REQUESTED: the resident and, for a child's need, the guardians.
- SERVICE_TOMORROW (:mod:`resolvers.reminders`): both sides, while the need is ACCEPTED and not yet started.

An account without a WeChat openid, or banned, gets its notification marked SKIPPED (it can be seen that
it was not sent), as does a kind whose template is not configured, and a message to a resident or guardian
who has not consented to notifications (a standing ``NOTIFICATIONS`` consent of their own, PIPL Art. 13-14:
their WeChat identity is used for this purpose only with it). Providers are told about proposals made to
them as part of the work they signed up for.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from tortoise.timezone import localtime
from tortoise.transactions import in_transaction

from models import Account, Match, Need, Notification, NotificationTrigger
from models.enums import AccountStatus, MatchStatus, NeedStatus, NotificationKind, NotificationStatus
from resolvers.notification_recipients import (
    facts_of,
    notification_consents,
    place_names,
    provider_names,
    provider_recipients,
    resident_recipients,
)
from resolvers.notification_templates import MessageFacts, render

K = NotificationKind
#: The steps of the lifecycle that people are told about, and what they are told.
NOTIFIED_STEPS = {NeedStatus.PROPOSED: K.MATCH_PROPOSED, NeedStatus.ACCEPTED: K.MATCH_ACCEPTED,
                  NeedStatus.COMPLETED: K.FEEDBACK_REQUESTED}
BATCH_SIZE = 50
NO_OPENID = "没有绑定微信 (no WeChat openid)"
BANNED = "账号已停用 (account banned)"
NO_TEMPLATE = "未配置消息模板 (no template configured for this kind)"
NO_CONSENT = "未同意消息通知 (no consent to notifications)"

Addressee = tuple[Account, str, MessageFacts]


async def enqueue_for_step(need_ids: Iterable[int], to: NeedStatus) -> None:
    """One trigger per need when ``to`` is a step people are told about (call in the step's transaction)."""
    kind = NOTIFIED_STEPS.get(to)
    if kind is None:
        return
    occasion = uuid.uuid4().hex
    await NotificationTrigger.bulk_create([
        NotificationTrigger(kind=kind, need_id=need_id, dedupe_key=f"{kind.value}:{need_id}:{occasion}")
        for need_id in need_ids
    ])


async def expand_triggers(templates: Mapping[str, str], now: datetime | None = None,
                          batch_size: int = BATCH_SIZE) -> int:
    """Turn one batch of triggers into notifications (see the module's rules); returns how many triggers."""
    moment = localtime(now or datetime.now(UTC))  # the database's zone (see notification_sender._moment)
    async with in_transaction():
        triggers = await (NotificationTrigger.filter(expanded_at=None).order_by("id").limit(batch_size)
                          .select_for_update(skip_locked=True))
        if not triggers:
            return 0
        rows = await _notifications(triggers, templates, moment)
        if rows:
            await Notification.bulk_create(rows, ignore_conflicts=True)
        await NotificationTrigger.filter(id__in=[t.id for t in triggers]).update(expanded_at=moment)
    return len(triggers)


async def _notifications(triggers: list[NotificationTrigger], templates: Mapping[str, str],
                         now: datetime) -> list[Notification]:
    needs = {n.id: n for n in await Need.filter(id__in={t.need_id for t in triggers})}
    matches = await Match.filter(need_id__in=list(needs), dispatched_from_id=None, status__in=[
        MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.COMPLETED]).order_by("id")
    residents = await resident_recipients({n.resident_id for n in needs.values()})
    context = _Context(
        places=await place_names(needs.values()), matches=matches, names=await provider_names(matches),
        providers=await provider_recipients(matches), residents=residents,
    )
    people = {a.id: a.resident_id for accounts in residents.values() for a in accounts}  # the resident side
    consented = await notification_consents(set(people.values()))
    rows = []
    for trigger in triggers:
        need = needs[trigger.need_id]
        for account, key, facts in context.addressees(trigger, need, now):
            unconsented = account.id in people and people[account.id] not in consented
            rows.append(_notification(trigger.kind, need, account, key, facts, templates, now, unconsented))
    return rows


class _Context:
    """What one batch of triggers needs to know, loaded once."""

    def __init__(self, places: dict[int, str], matches: list[Match], names: dict[int, str],
                 providers: dict[int, list[Account]], residents: dict[int, list[Account]]) -> None:
        self.places, self.names, self.providers, self.residents = places, names, providers, residents
        self.matches: dict[int, list[Match]] = {}
        for match in matches:
            self.matches.setdefault(match.need_id, []).append(match)

    def addressees(self, trigger: NotificationTrigger, need: Need, now: datetime) -> list[Addressee]:
        kind, place = trigger.kind, self.places[need.id]
        live = self.matches.get(need.id, [])
        if kind == K.MATCH_PROPOSED:
            return [(account, f"{kind.value}:{match.id}:{account.id}", facts_of(need, place))
                    for match in live if match.status == MatchStatus.PROPOSED for account in self.providers[match.id]]
        serving = next((m for m in live if m.status != MatchStatus.PROPOSED), None)
        facts = facts_of(need, place, self.names[serving.id] if serving else "")
        residents = self.residents.get(need.resident_id, [])
        if kind == K.SERVICE_TOMORROW:
            if need.status != NeedStatus.ACCEPTED or need.window_start <= now:
                return []
            people = residents + (self.providers[serving.id] if serving else [])
            return [(account, f"{trigger.dedupe_key}:{account.id}", facts) for account in people]
        return [(account, f"{kind.value}:{need.id}:{account.id}", facts) for account in residents]


def _notification(kind: NotificationKind, need: Need, account: Account, key: str, facts: MessageFacts,
                  templates: Mapping[str, str], now: datetime, unconsented: bool = False) -> Notification:
    """One message, PENDING, or SKIPPED when it cannot or may not be sent (no openid, banned, no template, no
    consent), or FAILED when it cannot be rendered (a bug: it must not hold up the other messages)."""
    template = templates.get(kind.value, "")
    row = Notification(kind=kind, need_id=need.id, recipient_id=account.id, dedupe_key=key[:160],
                       template_id=template, next_attempt_at=now, status=NotificationStatus.PENDING)
    try:
        rendered = render(kind, facts)
    except ValueError as error:
        row.status, row.last_error = NotificationStatus.FAILED, f"could not render: {error}"[:200]
        return row
    row.page, row.data = rendered.page, rendered.data
    skipped = (BANNED if account.status != AccountStatus.ACTIVE else NO_CONSENT if unconsented
               else NO_OPENID if not account.wechat_openid else NO_TEMPLATE if not template else "")
    if skipped:
        row.status, row.last_error = NotificationStatus.SKIPPED, skipped
    return row
