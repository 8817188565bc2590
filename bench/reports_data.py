"""The rows the reports read beyond the seeded city, generated in PostgreSQL by ``INSERT ... SELECT``.

The city of :mod:`bench.city` has needs and matches; the reports also read the needs' lifecycle events,
service records, incubation stages, projects with claims, sessions, enrollments and attendance. They
are derived here from the city's rows with deterministic pseudo-random fractions of the ids (no Python
loop, a few statements), so the same city always gets the same report data:

- events: every need's chain from SUBMITTED to its status; the steps before the service take fractions
  of the time between submission and the service window (skewed, so medians and tails differ), the
  closure up to three days after the service; cancelled needs stop at a step drawn from their id;
- step times: the needs' ``triaged_at`` / ``accepted_at`` / ``closed_at`` from those events (the data
  migration's own statement, :func:`models.step_times.backfill_sql`);
- service records: one per completed match (2 h on average), confirmed for closed needs and half the
  completed ones, with the match's rating;
- organizations: incubation stages spread over applied / incubating / graduated (graduations over the
  last two years);
- projects: ``PROJECTS`` run by the organizations (a fifth for the whole subdistrict), one or two claims
  each, ``SESSIONS_PER_PROJECT`` sessions over the last 120 days and the next 14 (5% cancelled), filled to
  50-130% of their capacity (the rest waitlisted), 80% of the confirmed residents present at held ones.
"""

from __future__ import annotations

import asyncpg

from bench.progress import Progress
from models.step_times import backfill_sql

PROJECTS = 1_000
SESSIONS_PER_PROJECT = 20


def fraction(seed: int, column: str = "n.id") -> str:
    """A deterministic value in [0, 1) drawn from an id."""
    return f"((({column}::bigint * {seed}) % 1000) / 1000.0)"


DEPTH = ("CASE n.status WHEN 'SUBMITTED' THEN 0 WHEN 'TRIAGED' THEN 1 WHEN 'MATCHING' THEN 2 WHEN 'PROPOSED' THEN 3 "
         "WHEN 'ACCEPTED' THEN 4 WHEN 'COMPLETED' THEN 6 WHEN 'CLOSED' THEN 7 ELSE n.id % 4 END")
SPAN = "(n.window_start - n.created_at)"
EVENTS = f"""
INSERT INTO need_event (need_id, actor_account_id, actor_role, from_status, to_status, reason, created_at)
SELECT n.id, NULL, CASE WHEN s.step = 0 THEN 'RESIDENT' ELSE 'STAFF' END, s.from_status, s.to_status, '', s.at
FROM need n CROSS JOIN LATERAL (VALUES
    (0, NULL, 'SUBMITTED', n.created_at),
    (1, 'SUBMITTED', 'TRIAGED', n.created_at + {SPAN} * 0.25 * {fraction(7919)} * {fraction(7919)}),
    (2, 'TRIAGED', 'MATCHING', n.created_at + {SPAN} * (0.25 * {fraction(7919)} * {fraction(7919)} + 0.01)),
    (3, 'MATCHING', 'PROPOSED', n.created_at + {SPAN} * (0.3 + 0.2 * {fraction(104729)})),
    (4, 'PROPOSED', 'ACCEPTED', n.created_at + {SPAN} * (0.55 + 0.4 * {fraction(1299709)} * {fraction(1299709)})),
    (5, 'ACCEPTED', 'IN_SERVICE', n.window_start),
    (6, 'IN_SERVICE', 'COMPLETED', n.window_end),
    (7, 'COMPLETED', 'CLOSED', n.window_end + interval '72 hours' * {fraction(15485863)} * {fraction(15485863)})
) AS s(step, from_status, to_status, at)
WHERE s.step <= {DEPTH} AND (n.status <> 'CANCELLED' OR s.step <= n.id % 4)"""
CANCELLATIONS = f"""
INSERT INTO need_event (need_id, actor_account_id, actor_role, from_status, to_status, reason, created_at)
SELECT n.id, NULL, 'RESIDENT', (ARRAY['SUBMITTED', 'TRIAGED', 'MATCHING', 'PROPOSED'])[1 + n.id % 4], 'CANCELLED',
       '', n.created_at + {SPAN} * 0.6
FROM need n WHERE n.status = 'CANCELLED'"""
RECORDS = """
INSERT INTO service_record (created_at, updated_at, need_id, match_id, professional_id, recipient_id, activity_name,
    service_date, place, content, started_at, ended_at, evaluation, rating, person_in_charge, recorder, status,
    confirmed_at, confirmed_by_account_id)
SELECT n.window_end, n.window_end, n.id, m.id, m.professional_id, n.resident_id, n.title,
       (n.window_start AT TIME ZONE 'Asia/Shanghai')::date, '家中', '服务完成', n.window_start, n.window_end, '',
       m.rating, '站长', '记录员', CASE WHEN n.status = 'CLOSED' OR n.id % 2 = 0 THEN 'CONFIRMED' ELSE 'DRAFT' END,
       CASE WHEN n.status = 'CLOSED' OR n.id % 2 = 0 THEN n.window_end END, NULL
FROM need n JOIN match m ON m.need_id = n.id AND m.status = 'COMPLETED'
WHERE n.status IN ('COMPLETED', 'CLOSED')"""
STAGES = """
UPDATE organization o SET
    incubation_stage = CASE WHEN o.id % 5 = 0 THEN 'APPLIED' WHEN o.id % 5 IN (1, 2) THEN 'INCUBATING'
                            ELSE 'GRADUATED' END,
    incubation_started_on = CURRENT_DATE - (30 + (o.id * 37) % 900),
    graduated_on = CASE WHEN o.id % 5 IN (3, 4) THEN CURRENT_DATE - ((o.id * 53) % 730) END
"""
PROJECT_ROWS = f"""
INSERT INTO project (created_at, updated_at, name, organizer_id, category, target_group, min_age, max_age, description,
                     status, starts_on, ends_on, area_id)
SELECT now(), now(), '公益项目' || g, o.id, o.categories->>0, 'ALL', NULL, NULL, '', 'ACTIVE',
       CURRENT_DATE - 150, NULL, CASE WHEN g % 5 = 0 THEN NULL ELSE o.area_id END
FROM generate_series(1, {PROJECTS}) AS g
JOIN (SELECT id, categories, area_id, row_number() OVER (ORDER BY id) - 1 AS k FROM organization) o
  ON o.k = g % (SELECT COUNT(*) FROM organization)"""
CLAIMS = """
INSERT INTO project_claim (created_at, updated_at, project_id, professional_id, organization_id, status, note)
SELECT now() - interval '1 day' * ((p.id * 13) % 200), now(), p.id, NULL, p.organizer_id,
       CASE WHEN p.id % 10 = 0 THEN 'WITHDRAWN' ELSE 'ACTIVE' END, ''
FROM project p
UNION ALL
SELECT now() - interval '1 day' * ((p.id * 17) % 200), now(), p.id, 1 + (p.id * 7919) % 20000, NULL, 'ACTIVE', ''
FROM project p WHERE p.id % 2 = 0"""
SESSIONS = f"""
INSERT INTO project_session (created_at, updated_at, project_id, title, kind, starts_at, ends_at, venue, capacity,
                             status)
SELECT now(), now(), p.id, '第' || k || '期', 'CLASS', t.starts_at, t.starts_at + interval '2 hours', '同心荟',
       10 + (p.id * 7 + k) % 21,
       CASE WHEN (p.id + k) % 20 = 0 THEN 'CANCELLED' WHEN t.starts_at < now() AND k % 2 = 0 THEN 'COMPLETED'
            ELSE 'SCHEDULED' END
FROM project p CROSS JOIN generate_series(1, {SESSIONS_PER_PROJECT}) AS k
CROSS JOIN LATERAL (SELECT date_trunc('day', now()) - interval '120 days'
                           + interval '1 day' * (k * 134 / {SESSIONS_PER_PROJECT} + p.id % 5)
                           + interval '1 hour' * (9 + p.id % 10) AS starts_at) t"""
ENROLLMENTS = f"""
INSERT INTO enrollment (created_at, updated_at, session_id, resident_id, status, waitlist_position)
SELECT s.starts_at - interval '3 days', s.starts_at - interval '3 days', s.id,
       1 + (s.id::bigint * 7919 + j * 104729) % (SELECT COUNT(*) FROM resident),
       CASE WHEN j % 17 = 0 THEN 'CANCELLED' WHEN j <= s.capacity THEN 'CONFIRMED' ELSE 'WAITLISTED' END,
       CASE WHEN j % 17 <> 0 AND j > s.capacity THEN j - s.capacity END
FROM project_session s
CROSS JOIN LATERAL generate_series(1, (s.capacity * (0.5 + 0.8 * {fraction(7919, 's.id')}))::int) AS j"""
ATTENDANCE = """
INSERT INTO session_attendance (created_at, updated_at, session_id, resident_id, professional_id, method,
                                checked_in_at, recorded_by_account_id, recorder)
SELECT s.starts_at, s.starts_at, s.id, e.resident_id, NULL, 'CODE', s.starts_at, NULL, '签到'
FROM project_session s JOIN enrollment e ON e.session_id = s.id AND e.status = 'CONFIRMED'
WHERE s.status <> 'CANCELLED' AND s.ends_at < now() AND (e.id % 5) <> 0"""
STEPS = [("need events", EVENTS), ("cancellations", CANCELLATIONS), ("step times", backfill_sql()),
         ("service records", RECORDS),
         ("incubation stages", STAGES), ("projects", PROJECT_ROWS), ("claims", CLAIMS), ("sessions", SESSIONS),
         ("enrollments", ENROLLMENTS), ("attendance", ATTENDANCE), ("analyse", "VACUUM ANALYZE")]


async def add_report_data(conn: asyncpg.Connection) -> None:
    """Run every step, each with its progress bar and time."""
    for label, statement in STEPS:
        with Progress(label, 1) as bar:
            await conn.execute(statement)
            bar.advance(1)


async def table_sizes(conn: asyncpg.Connection) -> dict[str, int]:
    """Row counts of the tables the reports read."""
    tables = ("need", "need_event", "match", "service_record", "organization", "project", "project_claim",
              "project_session", "enrollment", "session_attendance", "professional", "resident")
    return {t: await conn.fetchval(f'SELECT COUNT(*) FROM "{t}"') for t in tables}
