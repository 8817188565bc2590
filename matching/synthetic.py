"""Deterministic synthetic needs and providers for tests and benchmarks, plus a timing script.

``generate(seed, needs, providers)`` builds a Hangzhou-like district: communities scattered over
about 8 x 8 km around Gongshu, providers with one to three categories, weekly hours, bookings,
certificates (a few expired or unverified) and track records, and needs spread over two weeks.
Run ``python -m matching.synthetic --needs 2000 --providers 5000`` to time ``rank`` and ``assign``.
"""

from __future__ import annotations

import argparse
import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from matching.assignment import assign, greedy_assign
from matching.categories import CHILD_CATEGORIES, REQUIRED_CERTIFICATIONS, CareCategory, CertificationKind
from matching.config import MatchingConfig
from matching.profiles import Certification, GeoPoint, NeedProfile, ProviderProfile, TimeWindow, WeeklySlot
from matching.ranking import rank

BASE = datetime(2025, 3, 3)
"""A Monday; synthetic needs fall in the two weeks after it, and ``config.now`` is this instant."""
CENTRE = (30.32, 120.14)
SKILLS = ("dementia", "diabetes", "wheelchair", "cooking", "smartphone", "first-aid", "massage", "reading")
BLOCKS = ((8, 12), (13, 18), (8, 18), (18, 21), (7, 20))
K = CertificationKind
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SyntheticBatch:
    """Generated needs and providers with the config to match them under."""

    needs: tuple[NeedProfile, ...]
    providers: tuple[ProviderProfile, ...]
    config: MatchingConfig


def _point(rng: random.Random, centre: tuple[float, float], spread_km: float) -> GeoPoint:
    """A random point within ``spread_km`` (per axis) of ``centre``."""
    lat = centre[0] + rng.uniform(-spread_km, spread_km) / 111.0
    lng = centre[1] + rng.uniform(-spread_km, spread_km) / 96.0
    return GeoPoint(lat, lng)


def _certificates(rng: random.Random, categories: frozenset[CareCategory]) -> tuple[Certification, ...]:
    """Certificates fitting the categories; about one in ten is unverified or expired."""
    kinds: set[CertificationKind] = set()
    for category in sorted(categories):
        if REQUIRED_CERTIFICATIONS[category]:
            kinds.add(rng.choice(sorted(REQUIRED_CERTIFICATIONS[category])))
        if category in CHILD_CATEGORIES:
            kinds |= {K.HEALTH_CERTIFICATE, K.NO_CRIMINAL_RECORD}
    certs = []
    for kind in sorted(kinds):
        roll = rng.random()
        expires = date(2024, 12, 31) if roll < 0.05 else date(2027, 6, 30)
        certs.append(Certification(kind, roll > 0.1 or roll < 0.05, date(2020, 1, 1), expires))
    return tuple(certs)


def _hours(rng: random.Random) -> tuple[WeeklySlot, ...]:
    """A few weekly blocks on three to six weekdays."""
    slots = []
    for day in rng.sample(range(7), rng.randint(3, 6)):
        start, end = rng.choice(BLOCKS)
        slots.append(WeeklySlot(day, time(start), time(end)))
    return tuple(slots)


def _provider(rng: random.Random, ident: int, communities: list[GeoPoint]) -> ProviderProfile:
    """One random provider; about one in five is an organization."""
    org = rng.random() < 0.2
    group = sorted(CHILD_CATEGORIES) if rng.random() < 0.35 else sorted(set(CareCategory) - CHILD_CATEGORIES)
    categories = frozenset(rng.sample(group, rng.randint(1, 3)))
    home = rng.randrange(len(communities))
    jobs = rng.choice((0, 0, rng.randint(1, 40), rng.randint(40, 300)))
    served = {rng.randrange(3000): round(rng.uniform(2.5, 5.0), 1) for _ in range(rng.randint(0, 4))}
    booked = []
    for _ in range(rng.randint(0, 3)):
        start = BASE + timedelta(days=rng.randrange(14), hours=rng.randint(8, 18))
        booked.append(TimeWindow(start, start + timedelta(hours=rng.randint(1, 3))))
    capacity = rng.randint(5, 20) if org else rng.randint(1, 4)
    return ProviderProfile(
        id=ident,
        kind="ORGANIZATION" if org else "PROFESSIONAL",
        name=f"{'机构' if org else '服务者'}{ident}",
        categories=categories,
        skills=frozenset(rng.sample(SKILLS, rng.randint(0, 4))),
        certifications=_certificates(rng, categories),
        languages=frozenset({"zh"} | ({"hangzhou-dialect"} if rng.random() < 0.5 else set())),
        gender=None if org else rng.choice("FFM"),
        birth_date=None if org else date(rng.randint(1960, 2008), rng.randint(1, 12), rng.randint(1, 28)),
        community_ids=frozenset({home} | ({rng.randrange(len(communities))} if org else set())),
        location=_point(rng, (communities[home].lat, communities[home].lng), 0.8),
        travel_km=rng.choice((None, 1.5, 3.0, 5.0)),
        availability=() if org and rng.random() < 0.5 else _hours(rng),
        max_concurrent=capacity,
        active_assignments=rng.randint(0, capacity),
        booked=tuple(booked),
        years_experience=round(rng.uniform(0, 20), 1),
        completed=jobs,
        no_shows=rng.randint(0, max(1, jobs // 20)) if jobs else 0,
        cancelled=rng.randint(0, max(1, jobs // 10)) if jobs else 0,
        rating_sum=jobs * 0.8 * rng.uniform(3.0, 5.0),
        rating_count=int(jobs * 0.8),
        recent_assignments=rng.randint(0, 12),
        served_resident_ratings=served,
    )


def _need(rng: random.Random, ident: int, communities: list[GeoPoint]) -> NeedProfile:
    """One random need in the two weeks after ``BASE``."""
    home = rng.randrange(len(communities))
    start = BASE + timedelta(days=rng.randrange(14), hours=rng.randint(8, 18), minutes=rng.choice((0, 30)))
    category = rng.choice(sorted(CareCategory))
    age = rng.randint(1, 6) if category in CHILD_CATEGORIES else rng.randint(60, 98)
    return NeedProfile(
        id=ident,
        category=category,
        resident_id=rng.randrange(3000),
        community_id=home,
        location=_point(rng, (communities[home].lat, communities[home].lng), 0.5),
        window=TimeWindow(start, start + timedelta(hours=rng.choice((1, 1, 2, 3)))),
        languages=frozenset({"hangzhou-dialect"}) if rng.random() < 0.15 else frozenset(),
        preferred_gender="F" if rng.random() < 0.1 else None,
        skills_wanted=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
        urgency=rng.choice((1, 2, 2, 2, 3, 4)),
        submitted_at=BASE - timedelta(hours=rng.randint(0, 96)),
        resident_age=age,
        resident_lives_alone=age >= 60 and rng.random() < 0.3,
    )


def generate(seed: int, needs: int, providers: int, communities: int = 24) -> SyntheticBatch:
    """Generate a deterministic batch for ``seed``."""
    rng = random.Random(seed)
    places = [_point(rng, CENTRE, 4.0) for _ in range(communities)]
    provider_t = tuple(_provider(rng, i + 1, places) for i in range(providers))
    need_t = tuple(_need(rng, i + 1, places) for i in range(needs))
    return SyntheticBatch(need_t, provider_t, MatchingConfig(now=BASE))


EXAMPLE_CERTIFICATES = tuple(
    Certification(kind, True, date(2020, 1, 1), date(2030, 12, 31))
    for kind in (K.ELDER_CARE_WORKER, K.NURSE, K.CHILDCARE_WORKER, K.HEALTH_CERTIFICATE, K.NO_CRIMINAL_RECORD)
)


def example_provider(**changes: object) -> ProviderProfile:
    """A professional eligible for ``example_need()`` in every category; ``changes`` override fields."""
    fields: dict[str, object] = {
        "id": 1,
        "name": "王阿姨",
        "categories": frozenset(CareCategory),
        "certifications": EXAMPLE_CERTIFICATES,
        "languages": frozenset({"zh", "hangzhou-dialect"}),
        "gender": "F",
        "birth_date": date(1980, 5, 1),
        "community_ids": frozenset({1}),
        "location": GeoPoint(*CENTRE),
        "travel_km": 3.0,
        "availability": tuple(WeeklySlot(day, time(8), time(20)) for day in range(7)),
        "max_concurrent": 2,
        "years_experience": 5.0,
        "completed": 20,
        "rating_sum": 90.0,
        "rating_count": 20,
    }
    fields.update(changes)
    return ProviderProfile(**fields)  # type: ignore[arg-type]


def example_need(**changes: object) -> NeedProfile:
    """A MEALS need in community 1 on Monday ``BASE`` 09:00-11:00; ``changes`` override fields."""
    fields: dict[str, object] = {
        "id": 1,
        "category": CareCategory.MEALS,
        "resident_id": 100,
        "community_id": 1,
        "location": GeoPoint(CENTRE[0] + 0.005, CENTRE[1]),
        "window": TimeWindow(BASE + timedelta(hours=9), BASE + timedelta(hours=11)),
        "submitted_at": BASE - timedelta(hours=2),
        "resident_age": 78,
    }
    fields.update(changes)
    return NeedProfile(**fields)  # type: ignore[arg-type]


def small_batch(seed: int, max_needs: int = 5, max_providers: int = 4) -> SyntheticBatch:
    """A tiny random batch with overlapping windows and capacities 1-2, for brute-force checks."""
    rng = random.Random(seed)
    providers = []
    for j in range(rng.randint(1, max_providers)):
        org = rng.random() < 0.3
        providers.append(
            example_provider(
                id=j + 1,
                kind="ORGANIZATION" if org else "PROFESSIONAL",
                categories=frozenset(rng.sample([CareCategory.MEALS, CareCategory.CLEANING], rng.randint(1, 2))),
                community_ids=frozenset(rng.sample([1, 2], rng.randint(1, 2))),
                travel_km=rng.choice((None, 3.0)),
                skills=frozenset(rng.sample(SKILLS[:3], rng.randint(0, 3))),
                max_concurrent=rng.randint(1, 2),
                recent_assignments=rng.randint(0, 8),
                years_experience=rng.uniform(0, 10),
                served_resident_ratings={100 + rng.randrange(3): rng.uniform(2, 5)},
            )
        )
    needs = []
    for i in range(rng.randint(1, max_needs)):
        start = BASE + timedelta(hours=rng.randint(8, 13), minutes=rng.choice((0, 30)))
        needs.append(
            example_need(
                id=i + 1,
                category=rng.choice([CareCategory.MEALS, CareCategory.CLEANING]),
                community_id=rng.choice([1, 2]),
                resident_id=100 + rng.randrange(3),
                window=TimeWindow(start, start + timedelta(hours=rng.randint(1, 3))),
                urgency=rng.randint(1, 4),
                skills_wanted=frozenset(rng.sample(SKILLS[:3], rng.randint(0, 2))),
            )
        )
    return SyntheticBatch(tuple(needs), tuple(providers), MatchingConfig(now=BASE))


def _timed(label: str, action: Callable[[], T]) -> T:
    """Run ``action``, print how long it took, and return its result."""
    print(f"{label} ...", flush=True)
    started = clock.perf_counter()
    result = action()
    print(f"{label}: {(clock.perf_counter() - started) * 1000:.1f} ms", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    """Time ``rank`` and ``assign`` on a synthetic batch and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=2000)
    parser.add_argument("--providers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    batch = _timed("generate", lambda: generate(args.seed, args.needs, args.providers))
    sample = batch.needs[: min(20, len(batch.needs))]
    ranked = _timed(f"rank x{len(sample)}", lambda: [rank(n, batch.providers, batch.config, 10) for n in sample])
    per_rank = sum(r.total_eligible for r in ranked) / max(1, len(ranked))
    print(f"  mean eligible per need: {per_rank:.1f}")
    result = _timed("assign", lambda: assign(batch.needs, batch.providers, batch.config))
    print(
        f"  method={result.method} optimal={result.optimal} assigned={len(result.assignments)}"
        f" unassigned={len(result.unassigned)} total={result.total_score:.2f}"
    )
    baseline = _timed("greedy_assign", lambda: greedy_assign(batch.needs, batch.providers, batch.config))
    print(f"  greedy total={baseline.total_score:.2f} assigned={len(baseline.assignments)}")


if __name__ == "__main__":
    main()
