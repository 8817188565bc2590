"""Indexes of the need list that model ``Meta`` cannot declare: DESC keys, expressions, partial, free-text.

The list (``resolvers.needs.need_queryset``) pages with ``ORDER BY ... LIMIT 50`` (after a cursor, from
its sort key: ``resolvers.keyset_pages.Keyset``; a first page, or a cursor without a key, ``OFFSET n``). A page is
cheap only when an index yields rows already in the page's order, tiebreaker included, after the equality
filters: then PostgreSQL reads 50 index entries and stops, instead of sorting every matching need. So each
order the API offers gets an index over the whole city and one per equality filter whose rows cluster in
time (a community, a status, the open needs): a filter spread evenly over time (a category, an urgency)
finds its page in the first few hundred entries of the whole-city index of the order.

The orders: ``NEWEST`` / ``OLDEST`` are ``(created_at, id)`` backwards / forwards; ``WINDOW_START`` is
``(window_start, id)``; ``URGENCY`` is ``(URGENCY_RANK_SQL, created_at DESC, id DESC)``, an expression
index whose expression is the very text the query orders by (the planner matches expressions, not names).
Free-text search (``UPPER(title) LIKE UPPER('%text%')``, Tortoise's ``icontains``) gets a GIN index of
characters and character pairs on PostgreSQL (:data:`SEARCH_SQL`), which needs no extension.

Every statement is idempotent. Migrations apply the list with ``RunPython`` (0003, 0004, 0006);
``bench.seed_city`` applies it to the benchmark cities; ``bench.explain`` checks that the plans use it.
"""

from models.enums import OPEN_NEED_STATUSES, Urgency

URGENCY_RANK = {Urgency.CRITICAL: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2, Urgency.LOW: 3}
URGENCY_RANK_SQL = (  # constants from the enum only, so nothing from a request reaches the SQL text
    'CASE "urgency" ' + " ".join(f"WHEN '{u.value}' THEN {r}" for u, r in URGENCY_RANK.items())
    + f" ELSE {len(URGENCY_RANK)} END"
)
"""The rank the ``URGENCY`` order sorts by (most urgent first); its indexes use the same expression."""

_OPEN = ", ".join(f"'{status.value}'" for status in sorted(OPEN_NEED_STATUSES))  # enum constants only
_WHERE_OPEN = f' WHERE "status" IN ({_OPEN})'
_ORDERS = {  # the key columns of each order of the need list
    "created": '"created_at", "id"',  # NEWEST (scanned backwards) and OLDEST
    "window": '"window_start", "id"',  # WINDOW_START
    "urgency": f'({URGENCY_RANK_SQL}), "created_at" DESC, "id" DESC',  # URGENCY
}


def _index(name: str, columns: str, where: str = "") -> str:
    return f'CREATE INDEX IF NOT EXISTS "idx_need_{name}" ON "need" ({columns}){where}'


OPEN_NEEDS_INDEX_SQL = _index("open_by_community", '"community_id", "created_at" DESC, "id" DESC', _WHERE_OPEN)
"""A community's open needs, newest first (the resident app and the staff console): the page is 50 index
entries and the total an index-only count of the community's open needs."""

ORDER_INDEX_SQL = [
    # no filter, or a filter spread over time (category, urgency, a resident's few needs); the window
    # index carries created_at too, so a submittedAfter/Before range is checked inside the index
    _index("by_created", _ORDERS["created"]),
    _index("by_window", '"window_start", "id", "created_at"'),
    _index("by_urgency", _ORDERS["urgency"]),
    # communityId (30 communities of very different sizes)
    *(_index(f"community_by_{order}", f'"community_id", {keys}') for order, keys in _ORDERS.items()),
    # status: one status clusters in time (open needs are recent, closed ones old), so it needs its own
    *(_index(f"status_by_{order}", f'"status", {keys}') for order, keys in _ORDERS.items()),
    # openOnly (a status set, so partial indexes), alone and with communityId
    *(_index(f"open_by_{order}", keys, _WHERE_OPEN) for order, keys in _ORDERS.items()),
    *(_index(f"open_by_community_{order}", f'"community_id", {keys}', _WHERE_OPEN)
      for order, keys in _ORDERS.items() if order != "created"),  # created: OPEN_NEEDS_INDEX_SQL
    # totalCount of urgency and of communityId + category: index-only counts
    _index("urgency_count", '"urgency", "community_id"'),
    _index("community_category_count", '"community_id", "category"'),
]

DIRECTORY_INDEX_SQL = [
    'CREATE INDEX IF NOT EXISTS "idx_professional_by_name" ON "professional" ("name", "id")',
    'CREATE INDEX IF NOT EXISTS "idx_professional_by_created" ON "professional" ("created_at", "id")',
]
"""The professional directory's orders (``resolvers.professionals.ORDERINGS``), tiebreaker included: its first
and last pages and the pages after a cursor read 50 entries (by ``created_at`` alone PostgreSQL sorted all
20,000 professionals at city scale: 18 ms)."""

SEARCH_SQL = [
    # search (``search``: the text in the title or the description, any case). Most Chinese words are two
    # characters, which have no trigram, so pg_trgm cannot narrow them (its index makes them slower than a
    # scan). Instead a GIN index holds each need's characters and pairs of adjacent characters (upper-cased,
    # as Tortoise's icontains compares); the search adds ``grams @> search grams`` (the text's pairs, or its
    # one character), which every match satisfies, so the LIKE only rechecks the candidates the index finds.
    # a loop (array_append extends the array in place): ten times faster to index than a set-returning query
    "CREATE OR REPLACE FUNCTION linli_text_grams(t text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ DECLARE u text := upper(t); grams text[] := '{}'; BEGIN FOR i IN 1 .. length(u) LOOP "
    "grams := array_append(grams, substr(u, i, 1)); IF i > 1 THEN grams := array_append(grams, substr(u, i - 1, 2)); "
    "END IF; END LOOP; RETURN grams; END $$",
    "CREATE OR REPLACE FUNCTION linli_need_grams(title text, description text) RETURNS text[] LANGUAGE sql "
    "IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT linli_text_grams(title) || linli_text_grams(description) $$",
    "CREATE OR REPLACE FUNCTION linli_search_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ SELECT CASE WHEN length(t) = 1 THEN ARRAY[upper(t)] ELSE ARRAY(SELECT DISTINCT "
    "substr(upper(t), i, 2) FROM generate_series(1, length(t) - 1) AS i) END $$",
    'CREATE INDEX IF NOT EXISTS "idx_need_search_grams" ON "need" USING GIN (linli_need_grams("title", "description"))',
]
"""The search index and its functions (PostgreSQL); ``resolvers.need_search`` writes the matching condition."""


def list_index_sql(dialect: str) -> list[str]:
    """The indexes of the need list and the professional directory (the B-tree ones on PostgreSQL and SQLite,
    the search one on PostgreSQL)."""
    statements = [OPEN_NEEDS_INDEX_SQL, *ORDER_INDEX_SQL, *DIRECTORY_INDEX_SQL]
    return [*statements, *SEARCH_SQL] if dialect == "postgres" else statements
