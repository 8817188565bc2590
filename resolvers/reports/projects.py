"""The project report: per project, the sessions of the period, their seats, waitlists and attendance.

Sessions count in the period they start in. A session is held when it is COMPLETED, or not cancelled
and already over; cancelled sessions count apart and add no seats. Seats filled are confirmed
enrollments, the waitlist the enrollments still waitlisted; attendance is the residents recorded present
(``session_attendance``) at held sessions, and its rate compares them with those sessions' confirmed
enrollments (walk-ins can take it above 1).

Staff see the projects of their communities and of the whole subdistrict; an organization's admin the
projects their organization runs. One statement (the totals add up the projects' rows).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from models.enums import CareCategory
from resolvers.reports.incubation import project_area
from resolvers.reports.scope import ReportScope
from resolvers.reports.sql import ReportStatement, count, share


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """Session figures of one project, or the totals of all (``project_id`` None)."""

    project_id: int | None
    project_name: str
    organizer_name: str
    category: CareCategory | None
    sessions: int
    held: int
    cancelled: int
    seats: int
    seats_filled: int
    waitlisted: int
    sessions_with_waitlist: int
    held_confirmed: int
    attended: int

    @property
    def fill_rate(self) -> float | None:
        """Seats filled as a share of the seats of the sessions not cancelled."""
        return share(self.seats_filled, self.seats)

    @property
    def attendance_rate(self) -> float | None:
        """Residents present at held sessions as a share of those sessions' confirmed enrollments."""
        return share(self.attended, self.held_confirmed)


COUNTED = [f.name for f in fields(SessionFigures)][4:]


@dataclass(frozen=True, slots=True)
class ProjectReport:
    """Every project's figures and their totals."""

    where: ReportScope
    projects: list[SessionFigures]

    @property
    def totals(self) -> SessionFigures:
        """The projects' figures added up."""
        sums = {name: sum(getattr(p, name) for p in self.projects) for name in COUNTED}
        return SessionFigures(None, "合计", "", None, **sums)


async def project_report(where: ReportScope, now: datetime | None = None) -> ProjectReport:
    """The project report of ``where`` (one statement)."""
    sql = ReportStatement()
    over = sql.before("ps.ends_at", now or datetime.now(UTC))
    held = f"(ps.status = 'COMPLETED' OR (ps.status <> 'CANCELLED' AND {over}))"
    text = f"""
        WITH s AS (
            SELECT ps.id, ps.project_id, ps.capacity,
                   CASE WHEN ps.status = 'CANCELLED' THEN 0 ELSE 1 END AS live,
                   CASE WHEN {held} THEN 1 ELSE 0 END AS held
            FROM project_session ps JOIN project p ON p.id = ps.project_id
            WHERE {sql.within('ps.starts_at', where.period)} AND {project_area(sql, where)}
              AND {sql.equals('p.organizer_id', where.organization_id)}),
        e AS (
            SELECT en.session_id, SUM(CASE WHEN en.status = 'CONFIRMED' THEN 1 ELSE 0 END) AS confirmed,
                   SUM(CASE WHEN en.status = 'WAITLISTED' THEN 1 ELSE 0 END) AS waitlisted
            FROM enrollment en JOIN s ON s.id = en.session_id GROUP BY en.session_id),
        a AS (
            SELECT sa.session_id, COUNT(*) AS attended FROM session_attendance sa JOIN s ON s.id = sa.session_id
            WHERE sa.resident_id IS NOT NULL GROUP BY sa.session_id)
        SELECT s.project_id, p.name AS project_name, o.name AS organizer_name, p.category,
               COUNT(*) AS sessions, SUM(s.held) AS held, SUM(1 - s.live) AS cancelled,
               SUM(s.live * s.capacity) AS seats, SUM(s.live * COALESCE(e.confirmed, 0)) AS seats_filled,
               SUM(s.live * COALESCE(e.waitlisted, 0)) AS waitlisted,
               SUM(CASE WHEN s.live = 1 AND e.waitlisted > 0 THEN 1 ELSE 0 END) AS sessions_with_waitlist,
               SUM(s.held * COALESCE(e.confirmed, 0)) AS held_confirmed,
               SUM(s.held * COALESCE(a.attended, 0)) AS attended
        FROM s JOIN project p ON p.id = s.project_id JOIN organization o ON o.id = p.organizer_id
        LEFT JOIN e ON e.session_id = s.id LEFT JOIN a ON a.session_id = s.id
        GROUP BY s.project_id, p.name, o.name, p.category ORDER BY s.project_id"""
    rows = [
        SessionFigures(r["project_id"], r["project_name"], r["organizer_name"], CareCategory(r["category"]),
                       **{name: count(r[name]) for name in COUNTED})
        for r in await sql.rows(text)
    ]
    return ProjectReport(where, rows)
