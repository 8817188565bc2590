"""When a need reached the lifecycle steps the reports time: ``triaged_at``, ``accepted_at``, ``closed_at``.

:mod:`resolvers.lifecycle` sets each column in the statement that takes the need to its status (the
automatic steps of a proposal included). The lifecycle reaches each of these statuses at most once (none
of them lies on a cycle of its transitions), so the column equals the time of the need's only
``need_event`` to that status. For needs that reached a step before the columns existed,
:func:`backfill_step_times` copies the time of the first such event (a data migration calls it).
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from models.enums import NeedStatus

#: The column that records when a need reached each timed status.
STEP_COLUMNS: dict[NeedStatus, str] = {
    NeedStatus.TRIAGED: "triaged_at",
    NeedStatus.ACCEPTED: "accepted_at",
    NeedStatus.CLOSED: "closed_at",
}


def backfill_sql() -> str:
    """One ``UPDATE ... FROM`` (PostgreSQL, and SQLite since 3.33) filling every empty step column.

    The events are grouped once per need (the first event to each status), and each need row is written
    once whatever the number of its columns filled. Columns already set are kept.
    """
    firsts = ", ".join(f"MIN(CASE WHEN to_status = '{status.value}' THEN created_at END) AS {column}"
                       for status, column in STEP_COLUMNS.items())
    statuses = ", ".join(f"'{status.value}'" for status in STEP_COLUMNS)
    assignments = ", ".join(f"{column} = COALESCE(need.{column}, e.{column})" for column in STEP_COLUMNS.values())
    missing = " OR ".join(f"(need.{column} IS NULL AND e.{column} IS NOT NULL)" for column in STEP_COLUMNS.values())
    return (f"UPDATE need SET {assignments} "
            f"FROM (SELECT need_id, {firsts} FROM need_event WHERE to_status IN ({statuses}) GROUP BY need_id) e "
            f"WHERE e.need_id = need.id AND ({missing})")


async def backfill_step_times(connection: BaseDBAsyncClient) -> int:
    """Fill the step columns of existing needs from their events (a Tortoise client, e.g. a migration's
    ``schema_editor.client``). Idempotent. Returns how many needs changed."""
    changed, _ = await connection.execute_query(backfill_sql())
    return changed
