"""Attendance at project sessions: who came (residents) and who served (professionals), and check-in codes.

An attendance is recorded once per person and session, by the person with the session's check-in code or
by staff (the centre, or the organizing organization). A professional's attendance counts as volunteer
hours (the session's length); a resident's feeds the project's attendance figures.
"""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import AttendanceMethod


class SessionAttendance(TimestampedModel):
    """One person present at one session: a resident who took part, or a professional who served."""

    session = fields.ForeignKeyField("models.ProjectSession", related_name="attendances", on_delete=fields.CASCADE)
    resident = fields.ForeignKeyField(
        "models.Resident", related_name="attendances", null=True, on_delete=fields.CASCADE
    )
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="attendances", null=True, on_delete=fields.CASCADE,
        description="A professional who served at the session (volunteer hours)",
    )
    method = fields.CharEnumField(AttendanceMethod, max_length=10)
    checked_in_at = fields.DatetimeField()
    recorded_by_account_id = fields.IntField(null=True)
    recorder = fields.CharField(max_length=60, description="Who recorded it (记录人): a name")

    class Meta:
        table = "session_attendance"
        ordering = ["id"]
        unique_together = (("session", "resident"), ("session", "professional"))
        indexes = (("professional_id", "checked_in_at"),)


class SessionCheckInCode(TimestampedModel):
    """The current self check-in code of a session (a new one replaces the old)."""

    session = fields.OneToOneField("models.ProjectSession", related_name="check_in_code", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=12)
    expires_at = fields.DatetimeField()
    issued_by_account_id = fields.IntField(null=True)

    class Meta:
        table = "session_check_in_code"
