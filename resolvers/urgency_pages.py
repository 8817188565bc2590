"""Pages of the need list in the urgency order (most urgent first, then newest) that seek by their cursors.

The order is ``(rank of the urgency, created_at DESC, id DESC)``, read from the index ``idx_need_by_urgency``
(``models.list_indexes``). A key of a rank and a time running in opposite directions is not one range of
that index, but it is at most two: the rest of the cursor's rank (that rank, and a time and id before the
cursor's), then the ranks after it from their start. So a page after a cursor is one statement, or two when
it crosses into the next rank (the page before a cursor likewise, backwards), instead of an ``OFFSET``: at
city scale a page half-way through the list by position read 250,000 index entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from models.list_indexes import URGENCY_RANK
from resolvers.errors import DomainError, ErrorCode
from resolvers.pagination import Page, PageArgs, limited_rows, paginate_rows

NAME = "URGENCY"
ORDER = ("urgency_rank", "-created_at", "-id")
BACKWARDS = ("-urgency_rank", "created_at", "id")


def key(row: Any) -> str:
    """The sort key of a need, for its cursor."""
    return f"{NAME};{URGENCY_RANK.get(row.urgency, len(URGENCY_RANK))};{row.created_at.isoformat()};{row.id}"


def parse(cursor_key: str | None, argument: str) -> tuple[int, datetime, int] | None:
    """The rank, time and id in a cursor's key; None when the cursor has no key of this order."""
    name, _, rest = (cursor_key or "").partition(";")
    if name != NAME:
        return None
    try:
        rank, moment, pk = rest.split(";")
        return int(rank), datetime.fromisoformat(moment), int(pk)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_CURSOR, f"`{argument}` is not a cursor from this API.", argument) from None


async def seek(queryset: Any, at: tuple[int, datetime, int], limit: int, forward: bool,
               fields: tuple[str, ...] | None) -> list:
    """Up to ``limit`` needs after (``forward``) or before ``at``, in the order read that way: the rest of its
    rank, then, when that is not enough, the ranks beyond it."""
    rank, moment, pk = at
    op = "lt" if forward else "gt"
    same = Q(urgency_rank=rank, **{f"created_at__{op}e": moment}) & Q(
        Q(**{f"created_at__{op}": moment}), Q(**{f"id__{op}": pk}), join_type="OR")
    order = ORDER if forward else BACKWARDS
    rows = await limited_rows(queryset.filter(same).order_by(*order), limit, fields)
    if len(rows) < limit:
        beyond = Q(urgency_rank__gt=rank) if forward else Q(urgency_rank__lt=rank)
        rows += await limited_rows(queryset.filter(beyond).order_by(*order), limit - len(rows), fields)
    return rows


async def urgency_page(queryset: Any, args: PageArgs, fields: tuple[str, ...] | None, total: int | None) -> Page:
    """A page of the need list in the urgency order (``queryset`` annotated with ``urgency_rank``, as
    ``resolvers.needs.need_queryset`` builds it), as :func:`resolvers.pagination.paginate_keyset` pages the
    other orders: after a keyed cursor, before one, and the last page seek; anything else goes by position."""
    fields = None if fields is None else tuple(dict.fromkeys((*fields, "urgency", "created_at")))
    after = parse(args.after_key, "after") if args.after is not None else None
    before = parse(args.before_key, "before") if args.before is not None else None
    if total is None:
        total = await queryset.count()
    if after is not None and args.before is None and args.last is None and args.first is not None:
        items = await seek(queryset, after, args.first, True, fields) if args.first else []
        offset = args.after + 1
    elif args.last is not None and args.after is None and (args.before is None or before is not None):
        if not args.last:
            items = []
        elif before is None:
            items = list(reversed(await limited_rows(queryset.order_by(*BACKWARDS), args.last, fields)))
        else:
            items = list(reversed(await seek(queryset, before, args.last, False, fields)))
        offset = max(0, (total if before is None else args.before) - len(items))
    else:
        page = await paginate_rows(queryset, args, fields, total)
        items, offset = page.items, page.offset
    return Page(items=items, offset=offset, total=total, keys=[key(row) for row in items])
