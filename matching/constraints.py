"""Hard constraints: a provider breaking any of them is never proposed for the need.

Each constraint pairs a fast predicate (``holds``) with a bilingual explanation, and calling it
returns None or an ``Exclusion``. ``check`` lists every failing constraint in ``ExclusionCode``
order; ``is_eligible`` stops at the first failure, testing the cheap and selective ones first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matching.categories import (
    CATEGORY_LABELS_EN,
    CATEGORY_LABELS_ZH,
    CERTIFICATION_LABELS_EN,
    CERTIFICATION_LABELS_ZH,
    CertificationKind,
)
from matching.config import MatchingConfig
from matching.context import NeedContext, prepare, valid_kinds
from matching.exclusions import GENDER_LABELS, LANGUAGE_LABELS, Exclusion, ExclusionCode
from matching.profiles import NeedProfile, ProviderKind, ProviderProfile
from matching.schedule import hours_cover

Predicate = Callable[[NeedContext, ProviderProfile], bool]
Explainer = Callable[[NeedContext, ProviderProfile], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Constraint:
    """A hard constraint: ``holds`` tests it, ``explain`` words a failure as (zh, en)."""

    code: ExclusionCode
    holds: Predicate
    explain: Explainer

    def __call__(self, ctx: NeedContext, provider: ProviderProfile) -> Exclusion | None:
        """Return None when the constraint holds, else the ``Exclusion`` saying why not."""
        if self.holds(ctx, provider):
            return None
        zh, en = self.explain(ctx, provider)
        return Exclusion(self.code, zh, en)


def _kinds_zh(kinds: frozenset[CertificationKind], joiner: str) -> str:
    """Name certification kinds in Chinese, in a stable order."""
    return joiner.join(CERTIFICATION_LABELS_ZH[k] for k in sorted(kinds))


def _kinds_en(kinds: frozenset[CertificationKind], joiner: str) -> str:
    """Name certification kinds in English, in a stable order."""
    return joiner.join(CERTIFICATION_LABELS_EN[k] for k in sorted(kinds))


def serves_category(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """The provider offers the need's category."""
    return ctx.need.category in provider.categories


def _explain_category(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a CATEGORY failure."""
    cat = ctx.need.category
    return f"不提供{CATEGORY_LABELS_ZH[cat]}服务", f"Does not offer {CATEGORY_LABELS_EN[cat]}"


def is_qualified(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """Holds one valid qualification of the category (if any) and all the need's extra ones."""
    if not ctx.qualification_any and not ctx.required_all:
        return True
    kinds = valid_kinds(ctx, provider)
    return (not ctx.qualification_any or not kinds.isdisjoint(ctx.qualification_any)) and (ctx.required_all <= kinds)


def _explain_qualification(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a QUALIFICATION failure, naming what is missing."""
    kinds = valid_kinds(ctx, provider)
    parts_zh, parts_en = [], []
    if ctx.qualification_any and kinds.isdisjoint(ctx.qualification_any):
        parts_zh.append(_kinds_zh(ctx.qualification_any, "或"))
        parts_en.append(_kinds_en(ctx.qualification_any, " or "))
    missing = ctx.required_all - kinds
    if missing:
        parts_zh.append(_kinds_zh(missing, "、"))
        parts_en.append(_kinds_en(missing, ", "))
    return f"缺少有效资质：{'；'.join(parts_zh)}", f"Lacks a valid qualification: {'; '.join(parts_en)}"


def is_child_safe(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """For child categories: holds a verified, valid health and no-criminal-record certificate."""
    return not ctx.child_safety_all or ctx.child_safety_all <= valid_kinds(ctx, provider)


def _explain_child_safety(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a CHILD_SAFETY failure, naming the missing certificates."""
    missing = frozenset(ctx.child_safety_all - valid_kinds(ctx, provider))
    return (
        f"照护儿童须持经核验的有效{_kinds_zh(missing, '和')}",
        f"Working with children needs a verified, valid {_kinds_en(missing, ' and ')}",
    )


def _distance(ctx: NeedContext, provider: ProviderProfile) -> float | None:
    """Distance in km between provider and need, or None when a location is unknown."""
    here, there = ctx.need.location, provider.location
    return None if here is None or there is None else there.distance_km(here)


def serves_place(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """Serves the need's community, or both locations are known and within the travel radius."""
    if ctx.need.community_id in provider.community_ids:
        return True
    if provider.travel_km is None:
        return False
    distance = _distance(ctx, provider)
    return distance is not None and distance <= provider.travel_km


def _explain_place(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a PLACE failure, with the distance when it is known."""
    distance = _distance(ctx, provider)
    if distance is None or provider.travel_km is None:
        return "不服务该社区", "Does not serve this community"
    return (
        f"不服务该社区，距离{distance:.1f}公里，超出服务半径{provider.travel_km:.1f}公里",
        f"Does not serve this community; {distance:.1f} km away, beyond a {provider.travel_km:.1f} km radius",
    )


def is_available(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """The provider's weekly hours cover the whole window (organizations without hours: always)."""
    return provider.always_available or hours_cover(provider.weekly, ctx.segments)


def _explain_availability(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word an AVAILABILITY failure."""
    return "该时段不在服务时间内", "Not available at the requested time"


def is_free(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """No accepted assignment of the provider overlaps the window."""
    window = ctx.need.window
    return not any(window.overlaps(booked) for booked in provider.booked)


def _explain_double_booking(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a DOUBLE_BOOKING failure."""
    return "该时段已有其他服务安排", "Already booked at an overlapping time"


def has_capacity(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """The provider has fewer open assignments than its maximum."""
    return provider.active_assignments < provider.max_concurrent


def _explain_capacity(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a CAPACITY failure."""
    n = provider.max_concurrent
    return f"已达同时服务上限（{n}单）", f"At capacity ({n} open assignments)"


def speaks_language(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """Speaks at least one of the requested languages, if any were requested."""
    wanted = ctx.need.languages
    return not wanted or not wanted.isdisjoint(provider.languages)


def _explain_language(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a LANGUAGE failure, naming the requested languages."""
    names = [LANGUAGE_LABELS.get(code, (code, code)) for code in sorted(ctx.need.languages)]
    return (
        f"不会所需语言：{'或'.join(zh for zh, _ in names)}",
        f"Speaks none of: {', '.join(en for _, en in names)}",
    )


def fits_gender(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """Matches the preferred gender; organizations pass, as they send a suitable staff member."""
    wanted = ctx.need.preferred_gender
    return wanted is None or provider.kind is ProviderKind.ORGANIZATION or provider.gender == wanted


def _explain_gender(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a GENDER failure."""
    wanted = ctx.need.preferred_gender or ""
    zh, en = GENDER_LABELS.get(wanted, (wanted, wanted))
    return f"居民希望由{zh}服务", f"The resident prefers a {en} carer"


def not_blocked(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """The resident has not blocked the provider."""
    return provider.key not in ctx.need.blocked_provider_keys


def _explain_blocked(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a BLOCKED failure."""
    return "已被居民屏蔽", "Blocked by the resident"


def not_declined(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """The provider has not declined this need before."""
    return provider.key not in ctx.need.declined_provider_keys


def _explain_declined(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word a DECLINED failure."""
    return "已婉拒此需求", "Already declined this need"


def is_old_enough(ctx: NeedContext, provider: ProviderProfile) -> bool:
    """Has reached the minimum provider age on the service day (unknown birth dates pass)."""
    return provider.birth_date is None or provider.birth_date <= ctx.adult_cutoff


def _explain_age(ctx: NeedContext, provider: ProviderProfile) -> tuple[str, str]:
    """Word an AGE failure."""
    age = ctx.config.age_rules.min_provider_age
    return f"未满{age}周岁，不能提供上门服务", f"Under {age}, cannot provide home services"


_C = ExclusionCode
CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(_C.CATEGORY, serves_category, _explain_category),
    Constraint(_C.QUALIFICATION, is_qualified, _explain_qualification),
    Constraint(_C.CHILD_SAFETY, is_child_safe, _explain_child_safety),
    Constraint(_C.PLACE, serves_place, _explain_place),
    Constraint(_C.AVAILABILITY, is_available, _explain_availability),
    Constraint(_C.DOUBLE_BOOKING, is_free, _explain_double_booking),
    Constraint(_C.CAPACITY, has_capacity, _explain_capacity),
    Constraint(_C.LANGUAGE, speaks_language, _explain_language),
    Constraint(_C.GENDER, fits_gender, _explain_gender),
    Constraint(_C.BLOCKED, not_blocked, _explain_blocked),
    Constraint(_C.DECLINED, not_declined, _explain_declined),
    Constraint(_C.AGE, is_old_enough, _explain_age),
)
"""Every hard constraint, in ``ExclusionCode`` order."""

_FAST_ORDER: tuple[Predicate, ...] = (
    serves_category,
    has_capacity,
    not_blocked,
    not_declined,
    fits_gender,
    speaks_language,
    is_old_enough,
    serves_place,
    is_available,
    is_free,
    is_qualified,
    is_child_safe,
)


def check_prepared(ctx: NeedContext, provider: ProviderProfile) -> list[Exclusion]:
    """Return every broken constraint for a prepared need, in ``ExclusionCode`` order."""
    return [e for e in (constraint(ctx, provider) for constraint in CONSTRAINTS) if e is not None]


def eligibility_checks(ctx: NeedContext) -> tuple[Predicate, ...]:
    """The fast-order predicates that can fail for this need: without a preferred gender, languages,
    blocks, declines or required certificates, those tests hold for everyone and are left out."""
    need, skip = ctx.need, set()
    for holds, applies in ((fits_gender, need.preferred_gender is not None), (speaks_language, need.languages),
                           (not_blocked, need.blocked_provider_keys), (not_declined, need.declined_provider_keys),
                           (is_qualified, ctx.qualification_any or ctx.required_all),
                           (is_child_safe, ctx.child_safety_all)):
        if not applies:
            skip.add(holds)
    return tuple(holds for holds in _FAST_ORDER if holds not in skip)


def is_eligible_prepared(ctx: NeedContext, provider: ProviderProfile,
                         checks: tuple[Predicate, ...] | None = None) -> bool:
    """Tell whether the provider breaks no constraint for a prepared need (stops at the first);
    ``checks`` (from :func:`eligibility_checks`) spares the tests that hold for everyone."""
    for holds in _FAST_ORDER if checks is None else checks:
        if not holds(ctx, provider):
            return False
    return True


def check(need: NeedProfile, provider: ProviderProfile, config: MatchingConfig) -> list[Exclusion]:
    """Return every hard constraint ``provider`` breaks for ``need``, in ``ExclusionCode`` order."""
    return check_prepared(prepare(need, config), provider)


def is_eligible(need: NeedProfile, provider: ProviderProfile, config: MatchingConfig) -> bool:
    """Tell whether ``provider`` may be proposed for ``need`` (breaks no hard constraint)."""
    return is_eligible_prepared(prepare(need, config), provider)


def failed_codes(ctx: NeedContext, provider: ProviderProfile) -> list[ExclusionCode]:
    """Return the codes of every broken constraint without wording them (cheaper than ``check``)."""
    return [c.code for c in CONSTRAINTS if not c.holds(ctx, provider)]
