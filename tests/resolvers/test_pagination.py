"""Cursor pagination: the same slice whether a list is paged top-level or per parent in one statement."""

import itertools

import pytest

from models import Area
from models.enums import AreaKind
from resolvers.errors import DomainError, ErrorCode
from resolvers.pagination import PageArgs, encode_cursor, paginate, paginate_children
from resolvers.relations import RELATIONS


def naive(items: list, args: PageArgs) -> tuple[list, int]:
    offset, limit = args.bounds(len(items))
    return items[offset:offset + limit], offset


@pytest.mark.parametrize(("first", "after", "last", "before", "expected"), [
    (3, None, None, None, [0, 1, 2]),
    (3, 1, None, None, [2, 3, 4]),
    (None, None, 2, None, [8, 9]),
    (None, None, 2, 5, [3, 4]),
    (10, 7, None, None, [8, 9]),
    (2, 2, None, 4, [3]),
    (0, None, None, None, []),
])
def test_bounds(first, after, last, before, expected):
    args = PageArgs(first=first, after=after, last=last, before=before)
    assert naive(list(range(10)), args)[0] == expected


def test_invalid_arguments_are_coded():
    with pytest.raises(DomainError) as error:
        PageArgs.parse(first=101)
    assert error.value.code == ErrorCode.PAGE_SIZE_EXCEEDED
    with pytest.raises(DomainError) as error:
        PageArgs.parse(first=5, after="not-a-cursor")
    assert error.value.code == ErrorCode.INVALID_CURSOR
    with pytest.raises(DomainError) as error:
        PageArgs.parse(first=1, last=1)
    assert error.value.code == ErrorCode.INVALID
    assert PageArgs.parse(after=encode_cursor(4)).after == 4


async def test_per_parent_pages_match_naive_slices(db):
    parents = [await Area.create(name=f"街道{i}", kind=AreaKind.SUBDISTRICT) for i in range(4)]
    sizes = [0, 1, 5, 12]
    children = {}
    for parent, size in zip(parents, sizes, strict=True):
        rows = [await Area.create(name=f"{parent.name}-社区{j:02d}", kind=AreaKind.COMMUNITY, parent=parent)
                for j in range(size)]
        children[parent.id] = [r.id for r in sorted(rows, key=lambda r: (r.name, r.id))]
    relation = RELATIONS["area.children"]
    ids = [p.id for p in parents]
    for first, after, last, before in itertools.product([None, 0, 3], [None, 0, 4], [None, 2], [None, 3, 9]):
        if first is not None and last is not None:
            continue
        args = PageArgs(first=first if first is not None or last is not None else 20, after=after, last=last,
                        before=before)
        pages = await paginate_children(relation, ids, args)
        for parent_id, page in zip(ids, pages, strict=True):
            expected, offset = naive(children[parent_id], args)
            assert [row.id for row in page.items] == expected, (args, parent_id)
            assert page.total == len(children[parent_id])
            if expected:
                assert page.offset == offset


async def test_top_level_paginate(db):
    for i in range(7):
        await Area.create(name=f"社区{i}", kind=AreaKind.COMMUNITY)
    page = await paginate(Area.all().order_by("id"), PageArgs(first=3, after=2))
    assert [a.name for a in page.items] == ["社区3", "社区4", "社区5"]
    assert page.total == 7 and page.has_next and page.has_previous
