"""The demo needs' histories and service records, so the demo looks like the service had run all along.

Every demo need gets the events of the path the state diagram takes to its status (filed, triaged,
matching, proposed, accepted, in service, completed, closed), at plausible past times: the service steps
at its window, the earlier steps in the days before (and the need's step columns the same times:
:func:`models.step_times.backfill_step_times`). Served needs get their service record: confirmed by
staff when CLOSED (closed after a phone follow-up, so without a rating: the demo matches carry none
either), checked out and awaiting feedback when COMPLETED.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from models import Match, Need, NeedEvent, Professional, ServiceRecord
from models.enums import AccountRole, MatchStatus, NeedStatus, ServiceRecordStatus
from models.step_times import backfill_step_times
from resolvers.demo_context import TIMEZONE, DemoContext

S = NeedStatus
PATH = (S.SUBMITTED, S.TRIAGED, S.MATCHING, S.PROPOSED, S.ACCEPTED, S.IN_SERVICE, S.COMPLETED, S.CLOSED)
ROLES = {S.SUBMITTED: AccountRole.RESIDENT, S.TRIAGED: AccountRole.STAFF, S.MATCHING: AccountRole.STAFF,
         S.PROPOSED: AccountRole.STAFF, S.ACCEPTED: AccountRole.PROFESSIONAL, S.IN_SERVICE: AccountRole.PROFESSIONAL,
         S.COMPLETED: AccountRole.PROFESSIONAL, S.CLOSED: AccountRole.STAFF}
REASONS = {S.CLOSED: "电话回访后关闭 (closed after a phone follow-up)"}


def _times(need: Need, steps: int, now: datetime) -> list[datetime]:
    """When each step happened: service steps at the window, earlier ones hours apart before it."""
    start = min(need.created_at, need.window_start - timedelta(days=3))
    times = [start + timedelta(hours=5 * i) for i in range(min(steps, 5))]
    service = [need.window_start, need.window_end, need.window_end + timedelta(hours=20)]
    return [min(t, now) for t in (times + service)[:steps]]


def _events(need: Need, now: datetime) -> list[NeedEvent]:
    steps = PATH[: PATH.index(need.status) + 1] if need.status in PATH else (S.SUBMITTED,)
    rows, before = [], None
    for status, moment in zip(steps, _times(need, len(steps), now), strict=True):
        role = AccountRole.STAFF if status == S.SUBMITTED and need.requested_by_staff else ROLES[status]
        rows.append(NeedEvent(need_id=need.id, from_status=before, to_status=status, actor_role=role.value,
                              reason=REASONS.get(status, ""), created_at=moment))
        before = status
    return rows


async def create_need_histories(ctx: DemoContext) -> None:
    """Events of every demo need and records of the served ones."""
    now = datetime.now(TIMEZONE)
    needs = await Need.all().order_by("id")
    await NeedEvent.bulk_create([event for need in needs for event in _events(need, now)], batch_size=500)
    await backfill_step_times(Need._meta.db)
    served = {n.id: n for n in needs if n.status in (S.COMPLETED, S.CLOSED)}
    matches = await Match.filter(need_id__in=list(served), status=MatchStatus.COMPLETED,
                                 professional_id__not_isnull=True).order_by("id")
    names = dict(await Professional.filter(id__in={m.professional_id for m in matches}).values_list("id", "name"))
    records = [_record(served[m.need_id], m, names[m.professional_id]) for m in matches]
    await ServiceRecord.bulk_create(records, batch_size=500)
    ctx.counts.update(need_events=await NeedEvent.all().count(), service_records=len(records))


def _record(need: Need, match: Match, name: str) -> ServiceRecord:
    closed = need.status == S.CLOSED
    return ServiceRecord(
        need_id=need.id, match_id=match.id, professional_id=match.professional_id, recipient_id=need.resident_id,
        activity_name=need.title, service_date=need.window_start.astimezone(TIMEZONE).date(),
        place="居民家中", content=need.description[:200] or need.title, started_at=need.window_start,
        ended_at=need.window_end, person_in_charge=name, recorder=name,
        status=ServiceRecordStatus.CONFIRMED if closed else ServiceRecordStatus.DRAFT,
        confirmed_at=need.window_end + timedelta(hours=20) if closed else None,
    )
