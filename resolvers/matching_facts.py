"""Providers with everything the engine needs about them, in one statement per provider kind.

The pre-filter's ``WHERE`` picks the rows and each picked row's facts come back as correlated
subqueries in the same statement, which the database runs only for the rows that pass, through the
per-provider indexes (``certification(professional_id, kind)``, the ``match`` indexes of
``models.matching.extra_index_sql``, ...). So loading 10 or 1,000 candidates is one round trip per
provider kind, and none scans a whole table. On PostgreSQL the track record is the row the database
keeps per provider (``provider_record``), so a provider's cost does not grow with its history.
(PostgreSQL's JIT is off for the app's connections: the subqueries' estimated cost can pass
``jit_above_cost``, and compiling cost more than the query.)

Facts per provider: certificates; communities served; the track record (``completed``: COMPLETED
matches; ``no_shows``: matches marked so; ``cancelled``: DECLINED ones and WITHDRAWN ones the
provider had responded to, as a proposal withdrawn because someone else accepted first is nobody's
fault; the sum and count of ratings); engagements (an ACCEPTED match whose window has not ended
books that window and takes one unit of capacity; ACCEPTED or COMPLETED matches whose window started
in the last 30 days are recent assignments, for fairness); and the ratings the given residents left
after completed services (continuity; read in the same subquery as the engagements). An
organization's member-derived facts (languages, skills, capacity, experience, certificates,
communities) come from its active members.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from matching import GeoPoint, ProviderProfile, TimeWindow
from matching.profiles import trusted_profile, with_engagements
from models.enums import MatchStatus, ProfessionalStatus
from resolvers.matching_profiles import (
    PROFESSIONAL,
    ProviderFacts,
    certification,
    gender_code,
    organization_profile,
    stored_set,
    stored_slots,
)
from resolvers.matching_sql import Statement, as_date, as_list, as_moment

RECENT_DAYS = 30
ACCEPTED, COMPLETED = MatchStatus.ACCEPTED.value, MatchStatus.COMPLETED.value
DECLINED, WITHDRAWN = MatchStatus.DECLINED.value, MatchStatus.WITHDRAWN.value
ACTIVE = ProfessionalStatus.ACTIVE.value
PRO_COLUMNS = ("id", "name", "gender", "birth_date", "categories", "skills", "languages", "years_experience",
               "availability", "max_concurrent", "latitude", "longitude", "travel_km")
ORG_COLUMNS = "o.id, o.name, o.categories, o.area_id, o.incubated_by_id, o.latitude, o.longitude"
SHOWN_PROFESSIONAL = ("id", "name", "profession")
SHOWN_ORGANIZATION = ("id", "name", "area_id", "incubated_by_id")
"""The stored columns of a provider that the rows of a ranking (with ``shown``) carry, by kind."""
Where = Callable[[Statement], str]
"""Writes the ``WHERE`` condition of a provider query (binding its parameters on the statement)."""


@dataclass(frozen=True, slots=True)
class FactsAsOf:
    """What the facts are relative to: the current time, the residents asking, the rating prior."""

    now: datetime
    resident_ids: frozenset[int] = frozenset()
    prior_rating: float = 4.0

    @classmethod
    def of(cls, resident_ids: Iterable[int], prior_rating: float, now: datetime | None = None) -> FactsAsOf:
        return cls(now or datetime.now(UTC), frozenset(resident_ids), prior_rating)


@dataclass(frozen=True, slots=True)
class Focus:
    """Ranking for one need looks only at whether a professional serves its community, at their
    certificates of the kinds it requires, at their languages and skills when it asks for some, and
    at its own category among theirs (which the pre-filter guarantees). Loading just those (a hashed
    membership test instead of every community served, no certificates at all for most categories,
    neither name nor category list) gives the engine the same answers for that need at a fraction
    of the cost. Such profiles are for that need only."""

    community_id: int
    category: str
    certificate_kinds: frozenset[str]
    languages: bool
    skills: bool


CERTIFICATE = ("c.kind", "c.verified_at IS NOT NULL", "c.issued_on", "c.expires_on")


def _certificates(sql: Statement, owner: str, kinds: str = "") -> str:
    return sql.rows_list(CERTIFICATE, f"FROM certification c WHERE c.professional_id = {owner}{kinds}")


def _history(sql: Statement, column: str, owner: str, asof: FactsAsOf) -> tuple[str, str]:
    """Track record and engagements of the provider whose id is ``owner`` (``column`` of ``match``): a
    ``WITH`` clause for the statement (or ``""``) and the ``history`` column, a JSON list of the counts of
    completed services, no-shows and cancellations, the sum and count of ratings, then the accepted or
    completed matches whose window ended in the last 30 days or later, or whose resident is one of the
    given ones (continuity), each with its status, window, resident and rating.

    PostgreSQL reads the record kept in ``provider_record`` (one row per provider), the recent engagements
    as a range of ``idx_match_<owner>_engaged`` and the residents' completed services once for the
    statement (``served``), so the cost per provider does not grow with its history. SQLite scans the
    provider's matches (and reads the need of each accepted or completed one).
    """
    since = asof.now - timedelta(days=RECENT_DAYS)
    if sql.postgres:
        return _history_postgres(sql, column, owner, asof, since)
    return "", _history_scan(sql, column, owner, asof, since)


def _history_scan(sql: Statement, column: str, owner: str, asof: FactsAsOf, since: datetime) -> str:
    """:func:`_history` from the provider's matches and their needs (SQLite; on PostgreSQL the tests'
    reference for the kept record)."""
    recent = sql.moment("n.window_end", ">", since)
    if asof.resident_ids:
        recent = f"({recent} OR (m.status = '{COMPLETED}' AND {sql.in_ids('n.resident_id', asof.resident_ids)}))"
    engaged = sql.json_array("m.status", "n.window_start", "n.window_end", "n.resident_id", "m.rating")
    engagement = sql.json_embed(f"(SELECT {engaged} FROM need n WHERE n.id = m.need_id AND {recent})")
    history = sql.json_array(
        f"COUNT(*) FILTER (WHERE m.status = '{COMPLETED}')", "COUNT(*) FILTER (WHERE m.no_show)",
        f"COUNT(*) FILTER (WHERE m.status = '{DECLINED}' OR (m.status = '{WITHDRAWN}' AND m.responded_at IS NOT NULL))",
        "COALESCE(SUM(m.rating), 0)", "COUNT(m.rating)",
        f"{sql.json_agg(engagement)} FILTER (WHERE m.status IN ('{ACCEPTED}', '{COMPLETED}'))",
    )
    return f"(SELECT {history} FROM match m WHERE m.{column} = {owner}) AS history"


def _history_postgres(sql: Statement, column: str, owner: str, asof: FactsAsOf, since: datetime) -> tuple[str, str]:
    """:func:`_history` on PostgreSQL (see there)."""
    kind = "P" if column == "professional_id" else "O"
    after = sql.param(since)
    item = "json_build_array(m.status, m.need_window_start, m.need_window_end, m.need_resident_id, m.rating)"
    engaged = (f"SELECT {item} AS item FROM match m WHERE m.{column} = {owner} "
               f"AND m.status IN ('{ACCEPTED}', '{COMPLETED}') AND m.need_window_end > {after}")
    prefix = ""
    if asof.resident_ids:  # their completed services that are not recent (those are in the range above)
        prefix = (f"WITH served AS MATERIALIZED (SELECT m.{column} AS owner, {item} AS item FROM match m "
                  f"WHERE m.status = '{COMPLETED}' AND {sql.in_ids('m.need_resident_id', asof.resident_ids)} "
                  f"AND m.need_window_end <= {after} AND m.{column} IS NOT NULL) ")
        engaged += f" UNION ALL SELECT s.item FROM served s WHERE s.owner = {owner}"
    record = ("json_build_array(COALESCE(r.completed, 0), COALESCE(r.no_shows, 0), COALESCE(r.cancelled, 0), "
              f"COALESCE(r.rating_sum, 0), COALESCE(r.rating_count, 0), (SELECT json_agg(e.item) FROM ({engaged}) e))")
    return prefix, (f"(SELECT {record} FROM (SELECT 1) AS one LEFT JOIN provider_record r "
                    f"ON r.owner = '{kind}' AND r.owner_id = {owner}) AS history")


async def professionals(where: Where, asof: FactsAsOf, suffix: str = "ORDER BY p.id", focus: Focus | None = None,
                        shown: dict[int, Any] | None = None) -> list[ProviderProfile]:
    """Profiles of the professionals ``where`` picks, with their facts (one statement); with a
    ``focus``, only the facts one need looks at (see :class:`Focus`). With ``shown``, the statement also
    reads each one's ``name`` and ``profession`` (``SHOWN_PROFESSIONAL``) and puts its row there by id: an
    answer showing the ten best then needs no second statement for them (:func:`shown_columns`)."""
    sql = Statement()
    condition = where(sql)
    instead: dict[str, str] = {}
    if focus is None:
        certificates = _certificates(sql, "p.id")
        areas = "p.area_ids" if sql.postgres else sql.column_list(
            "s.area_id", "FROM professional_service_area s WHERE s.professional_id = p.id")
    else:
        kinds = ", ".join(sql.param(kind) for kind in sorted(focus.certificate_kinds))
        certificates = _certificates(sql, "p.id", f" AND c.kind IN ({kinds})") if kinds else "NULL"
        community = sql.param(focus.community_id)
        areas = (f"CASE WHEN {community}::int = ANY(p.area_ids) THEN 1 ELSE 0 END" if sql.postgres else
                 f"CASE WHEN p.id IN (SELECT s.professional_id FROM professional_service_area s "
                 f"WHERE s.area_id = {community}) THEN 1 ELSE 0 END")
        instead = {"categories": f"CAST({sql.param(json.dumps([focus.category]))} AS TEXT)"}
        if shown is None:
            instead["name"] = "''"
        instead |= {column: "'[]'" for column, wanted in (("languages", focus.languages), ("skills", focus.skills))
                    if not wanted}
    columns = ", ".join(f"{instead[c]} AS {c}" if c in instead else f"p.{c}" for c in PRO_COLUMNS)
    prefix, history = _history(sql, "professional_id", "p.id", asof)
    extra = "" if shown is None else ", p.profession"  # after the columns the profile reads by position
    rows = await sql.records(
        f"{prefix}SELECT {columns}, {certificates} AS certificates, {areas} AS areas, "
        f"{history}{extra} FROM professional p WHERE {condition} {suffix}"
    )
    if shown is not None:
        shown.update({row[0]: row for row in rows})
    served = None if focus is None else frozenset({focus.community_id})
    return [_professional(row, asof, served) for row in rows]


async def organizations(where: Where, asof: FactsAsOf, focus: Focus | None = None,
                        shown: dict[int, Any] | None = None) -> list[ProviderProfile]:
    """Profiles of the organizations ``where`` picks, with their own and their members' facts (one statement);
    with a ``focus`` (``where`` picks only organizations serving its community), only what that need looks
    at: the members' certificates of its kinds, their languages and skills when it asks for some, and the
    need's community as the one served. With ``shown``, each row is put there by id (as :func:`professionals`)."""
    sql = Statement()
    condition = where(sql)
    members = (f"FROM membership ms JOIN professional mp ON mp.id = ms.professional_id AND mp.status = '{ACTIVE}' "
               "WHERE ms.organization_id = o.id")
    if focus is None:
        certificates = sql.json_embed(_certificates(sql, "mp.id"))
        areas = ("to_json(mp.area_ids)" if sql.postgres else sql.json_embed(
            f"(SELECT {sql.json_agg('s.area_id')} FROM professional_service_area s WHERE s.professional_id = mp.id)"))
        sub_areas = sql.column_list("a.id", "FROM area a WHERE a.parent_id = o.area_id")
        languages, skills = sql.json_embed("mp.languages"), sql.json_embed("mp.skills")
    else:
        kinds = ", ".join(sql.param(kind) for kind in sorted(focus.certificate_kinds))
        certificates = sql.json_embed(_certificates(sql, "mp.id", f" AND c.kind IN ({kinds})")) if kinds else "NULL"
        areas = sub_areas = "NULL"
        languages = sql.json_embed("mp.languages") if focus.languages else "NULL"
        skills = sql.json_embed("mp.skills") if focus.skills else "NULL"
    member = (languages, skills, "mp.max_concurrent", "mp.years_experience", certificates, areas)
    prefix, history = _history(sql, "organization_id", "o.id", asof)
    rows = await sql.records(
        f"{prefix}SELECT {ORG_COLUMNS}, {sql.rows_list(member, members)} AS members, {sub_areas} AS sub_areas, "
        f"{history} FROM organization o WHERE {condition} ORDER BY o.id"
    )
    if shown is not None:
        shown.update({row["id"]: row for row in rows})
    served = None if focus is None else focus.community_id
    return [organization_profile(row, _organization_facts(row, asof, served)) for row in rows]


PROFILE_MEMO_SIZE = 8192
_PROFILE_MEMO: dict[tuple, ProviderProfile] = {}
EMPTY: frozenset = frozenset()


def _professional(row: Sequence, asof: FactsAsOf, served: frozenset[int] | None) -> ProviderProfile:
    """The engine's profile of one professional row of :func:`professionals`, read by position (the
    columns of ``PRO_COLUMNS``, then certificates, areas and history). With a focus, ``served`` is the
    need's community and ``areas`` tells whether the professional serves it.

    Apart from the current engagements (which depend on the time and on the residents asking), a profile
    depends on nothing but the row's values and ``served``, and profiles are read-only: for ranking one
    need (a focus) the last ``PROFILE_MEMO_SIZE`` are kept by those values, so a professional ranked again
    with an unchanged row (the next need of the same community and category) is copied with its
    engagements instead of being built again. Any change of the row (the record, the hours, a
    certificate) is a different key.
    """
    history = as_list(row[15])
    if served is None:  # a full profile (its communities as a list): built each time
        known = _unengaged_professional(row, history, served)
    else:
        key = (*row[:15], *history[:5], served)
        known = _PROFILE_MEMO.get(key)
        if known is None:
            if len(_PROFILE_MEMO) >= PROFILE_MEMO_SIZE:
                _PROFILE_MEMO.clear()
            known = _PROFILE_MEMO[key] = _unengaged_professional(row, history, served)
    engagements = history[5]
    if engagements is None:
        return known
    return with_engagements(known, *_engaged(engagements, asof, booking=True))


def _unengaged_professional(row: Sequence, history: list, served: frozenset[int] | None) -> ProviderProfile:
    """The profile of a professional row as if it had no current engagement (built from values already in
    the engine's normal form, see :func:`matching.profiles.trusted_profile`)."""
    (professional_id, name, gender, birth_date, categories, skills, languages, years, availability, capacity,
     latitude, longitude, travel_km, certificates, areas, *_) = row  # then history (and profession, if read)
    completed, no_shows, cancelled, rating_sum, rating_count, _ = history
    return trusted_profile(
        professional_id, PROFESSIONAL, name, stored_set(categories), stored_set(skills),
        tuple([certification(*item) for item in as_list(certificates)]) if certificates is not None else (),
        stored_set(languages), gender_code(gender), as_date(birth_date),
        frozenset(as_list(areas)) if served is None else served if areas else EMPTY,
        None if latitude is None or longitude is None else GeoPoint(latitude, longitude), travel_km,
        stored_slots(availability), capacity, 0, (), float(years or 0), int(completed or 0), int(no_shows or 0),
        int(cancelled or 0), float(rating_sum or 0), int(rating_count or 0), 0, {},
    )


def _engaged(engagements: Any, asof: FactsAsOf, booking: bool
             ) -> tuple[int, int, tuple[TimeWindow, ...], dict[int, float]]:
    """From a provider's engagements (JSON list, nulls for the matches that are not): the active and
    recent assignments, the windows they book (when ``booking``) and the residents' average ratings."""
    active = recent = 0
    booked: list[TimeWindow] = []
    ratings: dict[int, list[int | None]] = {}
    if engagements:
        since = asof.now - timedelta(days=RECENT_DAYS)
        for item in as_list(engagements):
            if item is None:
                continue
            status, start, end, resident_id, rating = item
            start, end = as_moment(start), as_moment(end)
            if end > since:
                recent += start >= since
                if status == ACCEPTED and end > asof.now:
                    active += 1
                    if booking:
                        booked.append(TimeWindow(start, end))
            if status == COMPLETED and resident_id in asof.resident_ids:
                ratings.setdefault(int(resident_id), []).append(rating)
    served: dict[int, float] = {}
    for resident_id, given in ratings.items():
        rated = [r for r in given if r is not None]
        served[resident_id] = sum(rated) / len(rated) if rated else asof.prior_rating
    return active, recent, tuple(booked), served


def _organization_facts(row: dict, asof: FactsAsOf, served: int | None = None) -> ProviderFacts:
    """An organization's facts: its own history, its area, and what its active members bring (with
    ``served``, the need's community stands for the communities it serves)."""
    completed, no_shows, cancelled, rating_sum, rating_count, engagements = as_list(row["history"])
    facts = ProviderFacts(completed=int(completed or 0), no_shows=int(no_shows or 0), cancelled=int(cancelled or 0),
                          rating_sum=float(rating_sum or 0), rating_count=int(rating_count or 0))
    facts.active, facts.recent, _, facts.served = _engaged(engagements, asof, booking=False)
    facts.community_ids |= {int(row["area_id"])} | {int(a) for a in as_list(row["sub_areas"])}
    for languages, skills, capacity, years, certificates, areas in as_list(row["members"]):
        facts.languages |= set(as_list(languages))
        facts.skills |= set(as_list(skills))
        facts.capacity += int(capacity or 0)
        facts.years_experience = max(facts.years_experience, float(years or 0))
        facts.certifications += [certification(*item) for item in as_list(certificates)]
        facts.community_ids |= set(as_list(areas))
    if served is not None:
        facts.community_ids = {served}
    return facts


def shown_columns(kind: str, row: Any) -> dict[str, Any]:
    """The ``SHOWN_PROFESSIONAL`` or ``SHOWN_ORGANIZATION`` columns of a row kept in ``shown``, by name."""
    return {column: row[column] for column in (SHOWN_PROFESSIONAL if kind == PROFESSIONAL else SHOWN_ORGANIZATION)}
