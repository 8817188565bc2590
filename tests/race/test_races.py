"""Races run for real: concurrent HTTP requests against a running server (uvicorn workers on the database).

Each race is repeated ``REPEAT`` times in a row (``LINLI_RACE_REPEAT``; 20 on PostgreSQL, 5 on SQLite) and
checks the database afterwards, not only the answers.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from models import Enrollment, Match, Need, NeedEvent
from models.enums import AccountRole, EnrollmentStatus, MatchStatus, NeedStatus
from tests.factories_matching import local, make_open_need
from tests.factories_residents import gid, make_match
from tests.lifecycle_wiring import MATCHING_WIRED
from tests.race import world
from tests.race.server import REPEAT, client, post

pytestmark = pytest.mark.race

ACCEPT = "mutation($id: ID!) { matchAccept(id: $id) { match { id status } errors { code message } } }"
ENROLL = """mutation($session: ID!, $resident: ID!) { sessionEnroll(sessionId: $session, residentId: $resident) {
  enrollment { id status waitlistPosition } errors { code message } } }"""
CANCEL = """mutation($id: ID!) { enrollmentCancel(enrollmentId: $id) {
  enrollment { status } promoted { id status } errors { code } } }"""
CREATE = """mutation($input: NeedCreateInput!, $key: String) { needCreate(input: $input, idempotencyKey: $key) {
  need { id } errors { code message } } }"""
SEATS, RESIDENTS = 20, 200


def _payload(body: dict, field: str) -> dict:
    assert not body.get("errors"), body
    return body["data"][field]


async def _proposed(elder, carer, days: int, hour: int = 9) -> tuple[Need, Match]:
    need = await make_open_need(elder, days=days, hour=hour, status=NeedStatus.PROPOSED)
    return need, await make_match(need, carer)


async def test_two_providers_accepting_one_need_exactly_one_wins(race_server, orm):
    place = await world.community()
    elder, _ = await world.resident(place)
    (first, first_caller), (second, second_caller) = [await world.carer(place, n) for n in ("张护理员", "李护理员")]
    async with client() as http:
        for round_ in range(REPEAT):
            need, one = await _proposed(elder, first, days=2 + round_)
            other = await make_match(need, second)
            answers = await asyncio.gather(
                post(http, race_server, ACCEPT, {"id": gid("Match", one.id)}, first_caller.headers),
                post(http, race_server, ACCEPT, {"id": gid("Match", other.id)}, second_caller.headers))
            payloads = [_payload(a, "matchAccept") for a in answers]
            winners = [p for p in payloads if not p["errors"]]
            assert len(winners) == 1, payloads
            loser = next(p for p in payloads if p["errors"])
            assert loser["errors"][0]["code"] in {"INVALID_STATE", "CONFLICT"}, loser
            statuses = sorted(await Match.filter(need_id=need.id).values_list("status", flat=True))
            assert statuses == [MatchStatus.ACCEPTED, MatchStatus.WITHDRAWN]
            assert (await Need.get(id=need.id)).status == NeedStatus.ACCEPTED
            accepted = await NeedEvent.filter(need_id=need.id, to_status=NeedStatus.ACCEPTED).count()
            assert accepted == (1 if MATCHING_WIRED else 0)


async def test_one_provider_accepting_two_overlapping_needs_gets_at_most_one(race_server, orm):
    place = await world.community()
    (a, _), (b, _) = await world.resident(place, "王奶奶"), await world.resident(place, "李奶奶")
    pro, caller = await world.carer(place, "张护理员")
    async with client() as http:
        for round_ in range(REPEAT):
            (one_need, one), (two_need, two) = await _proposed(a, pro, 2 + round_), await _proposed(b, pro, 2 + round_)
            answers = await asyncio.gather(*[post(http, race_server, ACCEPT, {"id": gid("Match", m.id)},
                                                  caller.headers) for m in (one, two)])
            payloads = [_payload(body, "matchAccept") for body in answers]
            assert sum(1 for p in payloads if not p["errors"]) == 1, payloads
            assert [e["code"] for p in payloads for e in p["errors"]] == ["CONFLICT"], payloads
            accepted = await Match.filter(id__in=[one.id, two.id], status=MatchStatus.ACCEPTED).count()
            assert accepted == 1
            needs = sorted(await Need.filter(id__in=[one_need.id, two_need.id]).values_list("status", flat=True))
            assert needs == [NeedStatus.ACCEPTED, NeedStatus.PROPOSED]


async def test_two_hundred_residents_for_twenty_seats(race_server, orm):
    place = await world.community()
    people = await world.residents(place, RESIDENTS)
    async with client() as http:
        for _ in range(REPEAT):
            session = await world.session(place, SEATS)
            answers = await asyncio.gather(*[
                post(http, race_server, ENROLL, {"session": gid("ProjectSession", session.id),
                                                 "resident": gid("Resident", person.id)}, caller.headers)
                for person, caller in people])
            payloads = [_payload(body, "sessionEnroll") for body in answers]
            assert [p["errors"] for p in payloads] == [[]] * RESIDENTS
            await _check_seats(session.id, payloads)
            await _cancel_promotes_the_next(http, race_server, session.id, people)


async def _check_seats(session_id: int, payloads: list[dict]) -> None:
    """20 confirmed; the rest waitlisted 1..180 in the order they committed (their ids); answers agree."""
    rows = await Enrollment.filter(session_id=session_id).order_by("id")
    assert len(rows) == RESIDENTS
    confirmed = [r for r in rows if r.status == EnrollmentStatus.CONFIRMED]
    waitlisted = [r for r in rows if r.status == EnrollmentStatus.WAITLISTED]
    assert len(confirmed) == SEATS and len(waitlisted) == RESIDENTS - SEATS
    assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)
    assert [r.waitlist_position for r in waitlisted] == list(range(1, RESIDENTS - SEATS + 1))
    answered = {p["enrollment"]["id"]: (p["enrollment"]["status"], p["enrollment"]["waitlistPosition"])
                for p in payloads}
    assert answered == {gid("Enrollment", r.id): (r.status.value, r.waitlist_position) for r in rows}


async def _cancel_promotes_the_next(http, server, session_id: int, people) -> None:
    rows = await Enrollment.filter(session_id=session_id).order_by("id")
    leaving = rows[0]
    head = next(r for r in rows if r.waitlist_position == 1)
    headers = next(caller.headers for person, caller in people if person.id == leaving.resident_id)
    payload = _payload(await post(http, server, CANCEL, {"id": gid("Enrollment", leaving.id)}, headers),
                       "enrollmentCancel")
    assert payload["promoted"] == {"id": gid("Enrollment", head.id), "status": "CONFIRMED"}
    waitlist = await Enrollment.filter(session_id=session_id, status=EnrollmentStatus.WAITLISTED).order_by("id")
    assert [r.waitlist_position for r in waitlist] == list(range(1, RESIDENTS - SEATS))
    assert await Enrollment.filter(session_id=session_id, status=EnrollmentStatus.CONFIRMED).count() == SEATS


async def test_a_storm_of_retries_with_one_key_creates_one_need(race_server, orm):
    place = await world.community()
    elder, caller = await world.resident(place)
    start = local(3, 9)
    request = {"residentId": gid("Resident", elder.id), "category": "MEALS", "title": "每天中午送餐",
               "windowStart": start.isoformat(), "windowEnd": local(3, 11).isoformat()}
    async with client() as http:
        for _ in range(REPEAT):
            key = uuid.uuid4().hex
            answers = await asyncio.gather(*[post(http, race_server, CREATE, {"input": request, "key": key},
                                                  caller.headers) for _ in range(10)])
            payloads = [_payload(body, "needCreate") for body in answers]
            assert [p["errors"] for p in payloads] == [[]] * 10
            assert len({p["need"]["id"] for p in payloads}) == 1
    assert await Need.filter(resident_id=elder.id).count() == REPEAT
    assert await NeedEvent.filter(need__resident_id=elder.id, to_status=NeedStatus.SUBMITTED).count() == REPEAT


async def test_a_resident_racing_the_provider_cannot_accept_for_them(race_server, orm):
    """The server checks who accepts, under load as well."""
    place = await world.community()
    elder, resident_caller = await world.resident(place)
    pro, caller = await world.carer(place, "张护理员")
    _, match = await _proposed(elder, pro, days=3)
    async with client() as http:
        answers = await asyncio.gather(
            post(http, race_server, ACCEPT, {"id": gid("Match", match.id)}, resident_caller.headers),
            post(http, race_server, ACCEPT, {"id": gid("Match", match.id)}, caller.headers))
    codes = [[e["code"] for e in _payload(a, "matchAccept")["errors"]] for a in answers]
    assert codes == [["FORBIDDEN"], []]
    assert resident_caller.account.role == AccountRole.RESIDENT
