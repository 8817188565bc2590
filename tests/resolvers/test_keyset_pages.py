"""Need-list pages that seek by their cursors' sort keys (``resolvers.keyset_pages.paginate_keyset``): the same
items as paging by position, in every keyed order, forwards, backwards and from the end, ties included."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta

import pytest

from models import Area, AuditRecord, Resident
from models.enums import AreaKind, AuditAction, CareCategory, NeedStatus, Urgency
from resolvers.access import Role, Viewer
from resolvers.audit import AUDIT_ORDER
from resolvers.errors import DomainError, ErrorCode
from resolvers.keyset_pages import paginate_keyset
from resolvers.needs import KEYSETS, NeedFilter, need_page, need_queryset
from resolvers.pagination import PageArgs, encode_cursor
from resolvers.professionals import KEYSETS as PROFESSIONAL_ORDERS
from resolvers.professionals import ProfessionalFilter, professional_queryset
from resolvers.residents import REGISTER_ORDER, ResidentFilter, resident_queryset
from resolvers.scope import Scope
from tests.factories_residents import make_need, make_professional, make_resident

ADMIN = Scope(Viewer(role=Role.CENTRE_ADMIN, account_id=1), area_ids=None)
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


async def _needs(rng: random.Random) -> list[Area]:
    communities = [await Area.create(name=f"社区{i}", kind=AreaKind.COMMUNITY) for i in range(2)]
    residents = [await make_resident(c, f"居民{i}") for i, c in enumerate(communities * 2)]
    for i in range(37):
        moment = T0 + timedelta(minutes=rng.choice((0, 0, 5, 7, 30, 90, 600)) * rng.randrange(4))  # many ties
        await make_need(rng.choice(residents), f"需求{i}", created_at=moment, category=rng.choice(list(CareCategory)),
                        window_start=T0 + timedelta(days=3, hours=rng.randrange(3)),
                        urgency=rng.choice(list(Urgency)), status=rng.choice((NeedStatus.SUBMITTED, NeedStatus.CLOSED)))
    return communities


def _criteria(communities: list[Area]) -> list[NeedFilter]:
    return [NeedFilter(), NeedFilter(community_id=communities[0].id), NeedFilter(open_only=True),
            NeedFilter(urgency=Urgency.HIGH), NeedFilter(search="需求1")]


def _orders() -> list[str]:
    return [*KEYSETS, "URGENCY"]


async def _all(criteria: NeedFilter, order: str) -> list[int]:
    return list(await need_queryset(criteria, order).values_list("id", flat=True))


async def test_walking_forwards_and_backwards_by_keyed_cursors_meets_every_need_once_in_order(db):
    rng = random.Random(4)
    communities = await _needs(rng)
    for criteria in _criteria(communities):
        for order in _orders():
            expected = await _all(criteria, order)
            size = rng.choice((1, 4, 7))
            forwards, args = [], PageArgs(first=size)
            while True:
                page = await need_page(criteria, order, ADMIN, args)
                forwards += [row.id for row in page.items]
                assert page.offset == len(forwards) - len(page.items) and page.total == len(expected)
                if not page.has_next:
                    break
                args = PageArgs.parse(first=size, after=page.cursor(len(page.items) - 1))
            assert forwards == expected, (criteria, order)
            backwards, args = [], PageArgs(last=size)
            while True:
                page = await need_page(criteria, order, ADMIN, args)
                backwards = [row.id for row in page.items] + backwards
                assert page.offset == len(expected) - len(backwards)
                if not page.has_previous:
                    break
                args = PageArgs.parse(last=size, before=page.cursor(0))
            assert backwards == expected, (criteria, order)


async def test_a_keyed_page_equals_the_page_by_position(db):
    rng = random.Random(9)
    communities = await _needs(rng)
    for _ in range(60):
        criteria, order = rng.choice(_criteria(communities)), rng.choice(_orders())
        expected = await _all(criteria, order)
        if len(expected) < 3:
            continue
        at = rng.randrange(len(expected))
        keyed = (await need_page(criteria, order, ADMIN, PageArgs(first=len(expected)))).cursor(at)
        for first, last, cursor in ((rng.randrange(1, 9), None, "after"), (None, rng.randrange(1, 9), "before")):
            by_key = await need_page(criteria, order, ADMIN, PageArgs.parse(first, **{cursor: keyed}, last=last))
            by_position = await need_page(criteria, order, ADMIN,
                                          PageArgs.parse(first, **{cursor: encode_cursor(at)}, last=last))
            assert [r.id for r in by_key.items] == [r.id for r in by_position.items], (criteria, order, cursor)
            assert (by_key.offset, by_key.total) == (by_position.offset, by_position.total)


async def test_deep_pages_seek_instead_of_skipping(db, sql):
    rng = random.Random(2)
    await _needs(rng)
    middle = (await need_page(NeedFilter(), "NEWEST", ADMIN, PageArgs(first=20))).cursor(19)
    urgent_middle = (await need_page(NeedFilter(), "URGENCY", ADMIN, PageArgs(first=20))).cursor(19)
    with sql() as statements:  # one statement, or two when the page crosses into the next urgency
        await need_page(NeedFilter(), "URGENCY", ADMIN, PageArgs.parse(first=5, after=urgent_middle))
    assert statements.statements and not any("OFFSET" in s.upper() for s in statements.statements)
    with sql() as statements:
        after = await need_page(NeedFilter(), "NEWEST", ADMIN, PageArgs.parse(first=5, after=middle))
        last = await need_page(NeedFilter(), "WINDOW_START", ADMIN, PageArgs(last=5))
        urgent = await need_page(NeedFilter(), "URGENCY", ADMIN, PageArgs(last=5))  # read backwards
    pages = [s for s in statements.statements if "LIMIT" in s]
    assert len(pages) == 3 and not any("OFFSET" in s.upper() for s in pages), pages
    assert after.offset == 20 and last.offset == last.total - 5 and urgent.offset == urgent.total - 5
    assert [r.id for r in urgent.items] == (await _all(NeedFilter(), "URGENCY"))[-5:]
    with sql() as statements:  # a cursor without a key still pages by position
        await need_page(NeedFilter(), "NEWEST", ADMIN, PageArgs.parse(first=5, after=encode_cursor(19)))
    assert any("OFFSET" in s.upper() for s in statements.statements if "LIMIT" in s)


async def test_a_cursor_with_a_broken_key_is_a_client_error(db):
    await _needs(random.Random(1))
    broken = base64.b64encode(b"cursor:3;NEWEST;not-a-time;7").decode()
    with pytest.raises(DomainError) as refused:
        await need_page(NeedFilter(), "NEWEST", ADMIN, PageArgs.parse(first=5, after=broken))
    assert refused.value.code == ErrorCode.INVALID_CURSOR and refused.value.errors[0].field == "after"


async def _walk(queryset, keyset, size: int) -> tuple[list[int], list[int]]:
    """The ids met walking a list forwards by ``after`` and backwards (from its last page) by ``before``."""
    forwards, args = [], PageArgs(first=size)
    while True:
        page = await paginate_keyset(queryset, args, keyset, plain=False)
        forwards += [item.id for item in page.items]
        if not page.has_next:
            break
        args = PageArgs.parse(first=size, after=page.cursor(len(page.items) - 1))
    backwards, args = [], PageArgs(last=size)
    while True:
        page = await paginate_keyset(queryset, args, keyset, plain=False)
        backwards = [item.id for item in page.items] + backwards
        if not page.has_previous:
            break
        args = PageArgs.parse(last=size, before=page.cursor(0))
    return forwards, backwards


async def test_the_register_and_the_audit_log_page_by_id(db):
    here = await Area.create(name="和睦社区", kind=AreaKind.COMMUNITY)
    for i in range(23):
        resident = await make_resident(here, f"居民{i}")
        await AuditRecord.create(actor_role="STAFF", subject=resident, action=AuditAction.READ, purpose="测试")
    register = resident_queryset(ResidentFilter())
    expected = list(await Resident.all().order_by("id").values_list("id", flat=True))
    assert await _walk(register, REGISTER_ORDER, 4) == (expected, expected)
    log = AuditRecord.all().order_by("-id")
    newest_first = list(await log.values_list("id", flat=True))
    assert await _walk(log, AUDIT_ORDER, 5) == (newest_first, newest_first)


async def test_the_professional_directory_pages_by_name_and_by_time(db):
    for i in range(19):  # names repeat and may hold the key's separator
        await make_professional(["陈护士", "李;医生", "王阿姨", "Zhang"][i % 4], "护士")
    for order, keyset in PROFESSIONAL_ORDERS.items():
        directory = professional_queryset(ProfessionalFilter(), order)
        expected = list(await directory.values_list("id", flat=True))
        assert await _walk(directory, keyset, 3) == (expected, expected), order
