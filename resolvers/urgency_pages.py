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
from resolvers.keyset_pages import invalid_cursor

NAME = "URGENCY"
ORDER = ("urgency_rank", "-created_at", "-id")
BACKWARDS = ("-urgency_rank", "created_at", "id")


class UrgencyKeyset:
    """The urgency order as :func:`resolvers.keyset_pages.paginate_keyset` pages it (on a queryset annotated
    with ``urgency_rank``, as ``resolvers.needs.need_queryset`` builds it): the same methods as a ``Keyset``,
    with a seek of two ranges."""

    name = NAME
    columns = ("urgency", "created_at")

    @staticmethod
    def key(row: Any) -> str:
        """The sort key of a need, for its cursor."""
        return f"{NAME};{URGENCY_RANK.get(row.urgency, len(URGENCY_RANK))};{row.created_at.isoformat()};{row.id}"

    @staticmethod
    def parse(cursor_key: str | None, argument: str) -> tuple[int, datetime, int] | None:
        """The rank, time and id in a cursor's key; None when the cursor has no key of this order."""
        name, _, rest = (cursor_key or "").partition(";")
        if name != NAME:
            return None
        try:
            rank, moment, pk = rest.split(";")
            return int(rank), datetime.fromisoformat(moment), int(pk)
        except ValueError:
            raise invalid_cursor(argument) from None

    @staticmethod
    def order(reverse: bool) -> tuple[str, ...]:
        """The ORDER BY of the list, or of the list read backwards."""
        return BACKWARDS if reverse else ORDER

    @staticmethod
    async def seek(queryset: Any, at: tuple[int, datetime, int], limit: int, forward: bool, read: Any) -> list:
        """Up to ``limit`` needs after (``forward``) or before ``at``, in the order read that way: the rest of
        its rank, then, when that is not enough, the ranks beyond it."""
        rank, moment, pk = at
        op = "lt" if forward else "gt"
        same = Q(urgency_rank=rank, **{f"created_at__{op}e": moment}) & Q(
            Q(**{f"created_at__{op}": moment}), Q(**{f"id__{op}": pk}), join_type="OR")
        order = ORDER if forward else BACKWARDS
        rows = await read(queryset.filter(same).order_by(*order), limit)
        if len(rows) < limit:
            beyond = Q(urgency_rank__gt=rank) if forward else Q(urgency_rank__lt=rank)
            rows += await read(queryset.filter(beyond).order_by(*order), limit - len(rows))
        return rows


URGENCY = UrgencyKeyset()
