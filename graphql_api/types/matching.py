"""GraphQL types of matching: ranked candidates with explanations, excluded providers, batch assignments.

A ranking's candidates are objects over the engine's (:class:`~graphql_api.types.row_backed.RowBacked`):
their breakdown and reasons are built only when the answer selects them. Their providers are given to
them before the answer is built (:func:`give_providers`), from the columns the ranking's statements
already read when the answer asks only for those (a name, a profession), else in one statement per
provider kind; the answer of a ranking is then read without one resolver call per candidate (the compiled
plans of :mod:`graphql_api.plans`). A batch assignment's providers go through the per-request loaders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

import models
from graphql_api.context import Info
from graphql_api.types.need import Need, Provider
from graphql_api.types.organization import Organization
from graphql_api.types.row_backed import RowBacked, columns_for, keep, prefetchable, prefetched, row_fields, selects
from graphql_api.types.score import MatchCriterion, ScoreComponent
from matching import EXCLUSION_LABELS, AssignmentMethod, ExclusionCode, UnassignedCode
from models.enums import ProviderKind
from resolvers.matching import Ranked
from resolvers.matching_facts import SHOWN_ORGANIZATION, SHOWN_PROFESSIONAL
from resolvers.rows import row_maker

if TYPE_CHECKING:
    from graphql_api.types.professional import Professional

ExclusionCodeEnum = strawberry.enum(
    ExclusionCode, name="ExclusionCode", description="A hard matching constraint a provider breaks for a need."
)
for _value in ExclusionCodeEnum.__strawberry_definition__.values:
    _zh, _en = EXCLUSION_LABELS[ExclusionCode[_value.name]]
    _value.description = f"{_zh}: {_en[0].upper()}{_en[1:]}"

AssignmentMethodEnum = strawberry.enum(AssignmentMethod, name="AssignmentMethod", description=(
    "How a batch was solved: LINEAR_SUM_ASSIGNMENT or MILP are exact; GREEDY is the fallback when a solver failed."
))
UnassignedCodeEnum = strawberry.enum(UnassignedCode, name="UnassignedCode", description=(
    "Why a need of a batch got no provider."
))
VALUE_TEXTS = {
    AssignmentMethod.LINEAR_SUM_ASSIGNMENT: "Exact: a linear sum assignment (no time conflicts had to be resolved)",
    AssignmentMethod.MILP: "Exact: an integer program (overlapping windows of one provider were resolved)",
    AssignmentMethod.GREEDY: "Fallback: greedy by urgency and waiting time, used only when a solver failed",
    UnassignedCode.NO_ELIGIBLE_PROVIDER: "没有符合条件的服务者: No provider meets every hard constraint",
    UnassignedCode.CAPACITY_EXHAUSTED: "名额已满: The eligible providers all went to better-matching needs",
}
for _enum in (AssignmentMethodEnum, UnassignedCodeEnum):
    for _value in _enum.__strawberry_definition__.values:
        _value.description = VALUE_TEXTS[_enum[_value.name]]


async def load_provider(info: Info, key: tuple[str, int]) -> Professional | Organization:
    """The professional or organization of a provider key, through the request's loaders."""
    kind, provider_id = key
    if kind == ProviderKind.PROFESSIONAL.value:
        from graphql_api.types.professional import Professional

        return Professional.from_model(await info.context.loaders.by_id(models.Professional).load(provider_id))
    return Organization.from_model(await info.context.loaders.by_id(models.Organization).load(provider_id))


@strawberry.type(description="A highlight of why a candidate is proposed, in Chinese and English.")
class Reason:
    criterion: MatchCriterion = strawberry.field(description="The criterion the highlight comes from.")
    zh: str = strawberry.field(description="The reason in Chinese.")
    en: str = strawberry.field(description="The reason in English.")


@strawberry.type(description="A hard constraint a provider breaks for the need, with the explanation.")
class Exclusion:
    code: ExclusionCodeEnum = strawberry.field(description="Which constraint.")
    message_zh: str = strawberry.field(description="Why, in Chinese.")
    message_en: str = strawberry.field(description="Why, in English.")


@strawberry.type(description="An eligible provider for a need: its score out of 100, the breakdown that adds up "
                             "to it, and the strongest reasons.")
class MatchCandidate(RowBacked):
    score: float = strawberry.field(description="Score out of 100 (the sum of the breakdown's points).")
    breakdown: list[ScoreComponent] = strawberry.field(description="Points per criterion, with reasons.")
    reasons: list[Reason] = strawberry.field(description="Up to three provider-specific highlights, best first.")
    key: strawberry.Private[tuple[str, int]]

    @classmethod
    def from_engine(cls, candidate: Any) -> MatchCandidate:
        """Over a ``matching.Candidate``: the breakdown and reasons are built only when an answer reads them."""
        return cls.of_row(candidate, key=candidate.provider_key)

    @strawberry.field(description="The provider: a professional or an organization.", graphql_type=Provider)
    @prefetchable("provider")
    def provider(self, info: Info) -> Professional | Organization:
        return prefetched(self, "provider") or load_provider(info, self.key)


MatchCandidate.ROW_FIELDS = row_fields(
    "score",
    breakdown=lambda candidate: [ScoreComponent.from_engine(c) for c in candidate.breakdown],
    reasons=lambda candidate: [Reason(criterion=r.criterion, zh=r.zh, en=r.en) for r in candidate.reasons],
)


@strawberry.type(description="A provider that cannot take the need, with every constraint it breaks.")
class ExcludedCandidate(RowBacked):
    failed: list[Exclusion] = strawberry.field(description="The broken constraints, in a fixed order.")
    key: strawberry.Private[tuple[str, int]]

    @classmethod
    def from_engine(cls, excluded: Any) -> ExcludedCandidate:
        """Over a ``matching.ExcludedCandidate`` (the exclusions are built only when an answer reads them)."""
        return cls.of_row(excluded, key=excluded.provider_key)

    @strawberry.field(description="The provider: a professional or an organization.", graphql_type=Provider)
    @prefetchable("provider")
    def provider(self, info: Info) -> Professional | Organization:
        return prefetched(self, "provider") or load_provider(info, self.key)


ExcludedCandidate.ROW_FIELDS = row_fields(failed=lambda excluded: [
    Exclusion(code=e.code, message_zh=e.message_zh, message_en=e.message_en) for e in excluded.exclusions
])


@strawberry.type(description="The ranking of providers for one need.")
class MatchCandidates:
    candidates: list[MatchCandidate] = strawberry.field(description="The best eligible providers, best first.")
    excluded: list[ExcludedCandidate] = strawberry.field(
        description="With `includeExcluded`: providers offering the category that break a constraint, and why "
                    "(those outside the need's area at most 200)."
    )
    total_eligible: int = strawberry.field(description="How many providers are eligible in all.")
    need_id: strawberry.Private[int]

    @classmethod
    def from_engine(cls, ranking: Any) -> MatchCandidates:
        """Build from a ``matching.RankingResult``."""
        return cls(
            candidates=[MatchCandidate.from_engine(c) for c in ranking.candidates],
            excluded=[ExcludedCandidate.from_engine(e) for e in ranking.excluded],
            total_eligible=ranking.total_eligible, need_id=ranking.need_id,
        )

    @classmethod
    async def answer(cls, info: Info, ranked: Ranked) -> MatchCandidates:
        """The ranking with each listed provider the answer selects already given to its candidate
        (:func:`give_providers`), so the answer is built without a resolver call per candidate."""
        answer = cls.from_engine(ranked.result)
        listed = [*(("candidates", c) for c in answer.candidates), *(("excluded", e) for e in answer.excluded)]
        await give_providers(info, listed, ranked.shown)
        return answer

    @strawberry.field(description="The need that was ranked for.")
    async def need(self, info: Info) -> Need:
        return Need.from_model(await info.context.loaders.by_id(models.Need).load(self.need_id))


async def give_providers(info: Info, listed: list[tuple[str, Any]], shown: dict[tuple[str, int], dict]) -> None:
    """Give each listed candidate (``(field, candidate)``, the field of ``matchCandidates`` it is in) its
    provider when the answer selects it there.

    When every field the selection asks of a professional (of an organization) is one of the stored columns
    the ranking's own statements read (``shown``: name, profession, ...), the providers of that kind are
    built over those; otherwise the rows with the selected columns are loaded, one statement for all of
    that kind (as the resolvers' loaders would). A provider missing from both is left to the resolver.
    """
    from graphql_api.types.professional import Professional

    fields = [field for field in ("candidates", "excluded") if selects(info, field, "provider")]
    if not listed or not fields:
        return
    listed = [(field, candidate) for field, candidate in listed if field in fields]
    for kind, model, cls, available in (
        (ProviderKind.PROFESSIONAL.value, models.Professional, Professional, SHOWN_PROFESSIONAL),
        (ProviderKind.ORGANIZATION.value, models.Organization, Organization, SHOWN_ORGANIZATION),
    ):
        mine = [candidate for _, candidate in listed if candidate.key[0] == kind]
        if not mine:
            continue
        columns = _selected_columns(cls, info, fields)
        if columns is not None and set(columns) <= set(available) and all(c.key in shown for c in mine):
            make = row_maker(model)
            rows = [make(dict(shown[c.key])) for c in mine]
        else:
            ids = tuple(dict.fromkeys(c.key[1] for c in mine))
            found = dict(zip(ids, await info.context.loaders.by_ids(model, columns).load(ids), strict=True))
            rows = [found[c.key[1]] for c in mine]
        for candidate, row in zip(mine, rows, strict=True):
            if row is not None:
                keep(candidate, "provider", cls.from_model(row))


def _selected_columns(cls: type[RowBacked], info: Info, fields: list[str]) -> tuple[str, ...] | None:
    """The columns the selections of ``provider`` in ``fields`` read of a ``cls`` object (None: all of them)."""
    wanted: set[str] = set()
    for field in fields:
        columns = columns_for(cls, info, field, "provider")
        if columns is None:
            return None
        wanted.update(columns)
    return tuple(sorted(wanted))


@strawberry.type(description="A need given to a provider by a batch assignment.")
class MatchAssignment:
    score: float = strawberry.field(description="The pair's score out of 100.")
    need_id: strawberry.Private[int]
    key: strawberry.Private[tuple[str, int]]

    @strawberry.field(description="The need.")
    async def need(self, info: Info) -> Need:
        return Need.from_model(await info.context.loaders.by_id(models.Need).load(self.need_id))

    @strawberry.field(description="The provider it went to.", graphql_type=Provider)
    async def provider(self, info: Info) -> Professional | Organization:
        return await load_provider(info, self.key)


@strawberry.type(description="A need a batch assignment left without a provider, and why.")
class UnassignedNeed:
    code: UnassignedCodeEnum = strawberry.field(description="Why: nobody eligible, or eligible ones all taken.")
    message_zh: str = strawberry.field(description="Why, in Chinese.")
    message_en: str = strawberry.field(description="Why, in English.")
    exclusion: ExclusionCodeEnum | None = strawberry.field(
        description="With NO_ELIGIBLE_PROVIDER: the most common constraint the providers of the category break."
    )
    need_id: strawberry.Private[int]

    @strawberry.field(description="The need.")
    async def need(self, info: Info) -> Need:
        return Need.from_model(await info.context.loaders.by_id(models.Need).load(self.need_id))
