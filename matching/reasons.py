"""Bilingual wording of why a provider earned its points on each criterion."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from matching.config import Criterion
from matching.context import NeedContext, is_priority_elder, waiting_hours
from matching.profiles import ProviderProfile

Wording = tuple[str, str]
"""A reason as (Chinese, English)."""

URGENCY_LABELS: Mapping[int, Wording] = MappingProxyType(
    {1: ("低", "low"), 2: ("一般", "normal"), 3: ("高", "high"), 4: ("紧急", "critical")}
)


def _years(years: float) -> str:
    """Format years of experience without a needless ``.0``."""
    return f"{max(0.0, years):g}"


def proximity_reason(ctx: NeedContext, provider: ProviderProfile) -> Wording:
    """Same community, distance, or unknown location."""
    if ctx.need.community_id in provider.community_ids:
        return "同一社区", "In the same community"
    here, there = ctx.need.location, provider.location
    if here is None or there is None:
        return "位置未知", "Location unknown"
    km = there.distance_km(here)
    return f"距离约{km:.1f}公里", f"About {km:.1f} km away"


def skill_reason(ctx: NeedContext, provider: ProviderProfile) -> Wording:
    """Requested skills held and years of experience."""
    years = _years(provider.years_experience)
    wanted = ctx.need.skills_wanted
    if not wanted:
        return f"从业{years}年", f"{years} years' experience"
    held = len(wanted & provider.skills)
    return (
        f"具备所需技能{held}/{len(wanted)}项，从业{years}年",
        f"Has {held} of {len(wanted)} requested skills, {years} years' experience",
    )


def continuity_reason(ctx: NeedContext, provider: ProviderProfile) -> Wording:
    """Whether the provider served this resident before, and how it was rated."""
    rating = provider.served_resident_ratings.get(ctx.need.resident_id)
    if rating is None:
        return "未曾服务该居民", "Has not served this resident before"
    if rating <= 3.0:
        return f"曾服务该居民，但评分较低（{rating:.1f}）", f"Served this resident before, rated only {rating:.1f}"
    return f"曾服务该居民，评分{rating:.1f}", f"Served this resident before, rated {rating:.1f}"


def reliability_reason(ctx: NeedContext, provider: ProviderProfile) -> Wording:
    """Track record, or a note that a newcomer is scored with the prior."""
    jobs = provider.completed + provider.no_shows + provider.cancelled
    if jobs == 0 and provider.rating_count == 0:
        return "新加入，按平台默认信誉计分", "New provider, scored with the default prior"
    record_zh = f"完成{provider.completed}单，爽约{provider.no_shows}次，取消{provider.cancelled}次"
    record_en = f"{provider.completed} jobs completed, {provider.no_shows} no-shows, {provider.cancelled} cancelled"
    if provider.rating_count == 0:
        return f"{record_zh}，暂无评价", f"{record_en}, no ratings yet"
    mean = provider.rating_sum / provider.rating_count
    return (
        f"{record_zh}，平均评分{mean:.1f}（{provider.rating_count}次评价）",
        f"{record_en}, rated {mean:.1f} ({provider.rating_count} ratings)",
    )


def fairness_reason(ctx: NeedContext, provider: ProviderProfile) -> Wording:
    """Assignments in the last 30 days."""
    n = provider.recent_assignments
    return f"近30天接单{n}次", f"{n} assignments in the last 30 days"


def urgency_reason(ctx: NeedContext, provider: ProviderProfile) -> Wording:
    """Urgency level, waiting time and priority-elder status of the need."""
    level_zh, level_en = URGENCY_LABELS[int(ctx.need.urgency)]
    parts_zh, parts_en = [f"紧急程度：{level_zh}"], [f"Urgency: {level_en}"]
    hours = waiting_hours(ctx)
    if hours >= 1:
        parts_zh.append(f"已等待{hours:.0f}小时")
        parts_en.append(f"waiting {hours:.0f} h")
    if is_priority_elder(ctx):
        parts_zh.append("80岁以上独居老人")
        parts_en.append("resident aged 80+ living alone")
    return "；".join(parts_zh), "; ".join(parts_en)


REASONS: Mapping[Criterion, Callable[[NeedContext, ProviderProfile], Wording]] = MappingProxyType(
    {
        Criterion.PROXIMITY: proximity_reason,
        Criterion.SKILL: skill_reason,
        Criterion.CONTINUITY: continuity_reason,
        Criterion.RELIABILITY: reliability_reason,
        Criterion.FAIRNESS: fairness_reason,
        Criterion.URGENCY: urgency_reason,
    }
)
"""The wording function of each criterion."""
