"""The free-text search of the need list: the text in the title or the description, in any case.

The answer is Tortoise's ``icontains`` on both columns (``UPPER(title) LIKE UPPER('%text%')``), on every
database. On PostgreSQL the search also asks ``linli_need_grams(title, description) @>
linli_search_grams(text)``: the GIN index ``idx_need_search_grams`` (``models.list_indexes.SEARCH_SQL``)
holds each need's upper-cased characters and pairs of adjacent characters, and the text's pairs (or its one
character) are among them whenever the text is in the title or the description. So the condition is
implied by the LIKE and changes no answer; it only lets PostgreSQL find the candidates in the index instead
of reading every need (a two-character Chinese word included, which a trigram index cannot narrow).
"""

from __future__ import annotations

from pypika_tortoise.enums import JSONOperators
from pypika_tortoise.terms import BasicCriterion, Function
from tortoise.expressions import Q, ResolveContext
from tortoise.query_utils import QueryModifier


class _GramsContain(Q):
    """``linli_need_grams(title, description) @> linli_search_grams($n)``: the text as a parameter."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def resolve(self, resolve_context: ResolveContext) -> QueryModifier:
        table = resolve_context.table
        grams = Function("linli_need_grams", table.title, table.description)
        # JSONOperators.CONTAINS is pypika's "@>", the same operator for arrays
        return QueryModifier(where_criterion=BasicCriterion(
            JSONOperators.CONTAINS, grams, Function("linli_search_grams", self.text)))


def text_search(text: str, dialect: str) -> Q:
    """The condition of a need list filtered by ``text`` (already stripped, not empty)."""
    matches = Q(title__icontains=text) | Q(description__icontains=text)
    return Q(_GramsContain(text), matches) if dialect == "postgres" else matches
