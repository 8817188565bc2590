"""Indexes of the API's list queries that model ``Meta`` cannot declare: partial indexes.

The need list's most used view, a community's open needs newest first (the resident app and the staff
console), reads the open needs of one community in ``created_at`` order: a partial index over the open
needs alone answers its page with an index scan of 50 entries and its total with an index-only count,
instead of sorting every open need of the community. A migration applies it with ``RunPython``
(the statement is idempotent); ``bench.seed_city`` applies it to the benchmark cities.
"""

from models.enums import OPEN_NEED_STATUSES

_OPEN = ", ".join(f"'{status.value}'" for status in sorted(OPEN_NEED_STATUSES))  # enum constants only
OPEN_NEEDS_INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "idx_need_open_by_community" ON "need" ("community_id", "created_at" DESC, '
    f'"id" DESC) WHERE "status" IN ({_OPEN})'
)


def list_index_sql(dialect: str) -> list[str]:
    """The partial indexes of the list queries (PostgreSQL and SQLite both have them)."""
    return [OPEN_NEEDS_INDEX_SQL]
