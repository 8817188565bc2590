"""Profiles kept between rankings (``resolvers.matching_facts._PROFILE_MEMO``) never outlive the facts they
were built from: a ranking after a change equals one built from scratch."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Match
from models.enums import MatchStatus, ProviderKind
from resolvers import matching_facts
from resolvers.matching import match_candidates
from tests.factories import make_areas
from tests.factories_matching import centre_admin, make_carer, make_elder, make_open_need

pytestmark = pytest.mark.usefixtures("db")


async def _ranking(need_id: int, fresh: bool = False) -> list[tuple]:
    if fresh:
        matching_facts._PROFILE_MEMO.clear()
    found = await match_candidates(centre_admin(), need_id, first=10)
    # rounded: the urgency part grows with the time waited, by a millionth of a point between two calls
    return [(c.provider_key, round(c.score, 4), tuple(round(p.points, 4) for p in c.breakdown))
            for c in found.candidates]


async def test_a_ranking_after_a_change_equals_one_built_from_scratch():
    _, here, _ = await make_areas()
    carers = [await make_carer(here, f"护理员{i}", years_experience=float(i)) for i in range(3)]
    elder = await make_elder(here)
    need = await make_open_need(elder, days=3, hour=9)
    first = await _ranking(need.id, fresh=True)
    assert await _ranking(need.id) == first  # the kept profiles answer alike

    # a completed, well-rated service for carer 0 (its record and the resident's continuity change)
    done = await make_open_need(elder, days=-5, hour=9)
    await Match.create(need=done, provider_kind=ProviderKind.PROFESSIONAL, professional=carers[0],
                       status=MatchStatus.COMPLETED, rating=5, proposed_by="test")
    # carer 1 accepted another service at the same time: double booked, no longer a candidate
    other = await make_open_need(await make_elder(here, "李爷爷"), days=3, hour=9)
    await Match.create(need=other, provider_kind=ProviderKind.PROFESSIONAL, professional=carers[1],
                       status=MatchStatus.ACCEPTED, proposed_by="test")
    # carer 2 is now less experienced
    carers[2].years_experience = 0.5
    await carers[2].save()

    again = await _ranking(need.id)
    assert again == await _ranking(need.id, fresh=True)
    assert again != first
    keys = [key for key, _, _ in again]
    assert ("PROFESSIONAL", carers[1].id) not in keys

    # and when the booked service moves away, carer 1 is back
    other.window_start += timedelta(days=2)
    other.window_end += timedelta(days=2)
    await other.save()
    assert ("PROFESSIONAL", carers[1].id) in [key for key, _, _ in await _ranking(need.id)]
