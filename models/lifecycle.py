"""The trace of a need's life and the record of the service it received.

- ``NeedEvent``: one row per status change of a need (who, from, to, why, when), written in the same
  transaction as the change. Append-only: the API offers no way to change or delete an event.
- ``ServiceRecord``: what the volunteer-service regulations ask a record to hold (志愿服务记录: activity,
  date, place, recipient, content, start and end, evaluation, person in charge, recorder). A draft from
  check-in; confirmed by the resident's feedback or by staff, after which it changes only through an
  approved ``RecordCorrection``, which keeps the replaced values.
"""

from tortoise import fields
from tortoise.models import Model
from tortoise.validators import MaxValueValidator, MinValueValidator

from models.base import TimestampedModel
from models.enums import CorrectionStatus, NeedStatus, ServiceRecordStatus


class NeedEvent(Model):
    """One status change of a need: the actor, the statuses before and after, the reason and the time."""

    id = fields.BigIntField(primary_key=True)
    need = fields.ForeignKeyField("models.Need", related_name="events", on_delete=fields.CASCADE)
    actor_account_id = fields.IntField(null=True, description="The account that made the change, null for the system")
    actor_role = fields.CharField(max_length=20, description="The actor's role, or SYSTEM for the service's own jobs")
    from_status = fields.CharEnumField(NeedStatus, max_length=20, null=True, description="Null when the need was filed")
    to_status = fields.CharEnumField(NeedStatus, max_length=20)
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "need_event"
        ordering = ["id"]
        indexes = (("need_id", "id"), ("to_status", "created_at"), ("to_status", "need_id", "created_at"))


class ServiceRecord(TimestampedModel):
    """The record of one service to a resident, kept as the volunteer-service record measures ask."""

    need = fields.ForeignKeyField("models.Need", related_name="service_records", on_delete=fields.RESTRICT)
    match = fields.ForeignKeyField("models.Match", related_name="service_records", on_delete=fields.RESTRICT)
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="service_records", null=True, on_delete=fields.RESTRICT,
        description="Who served, null when an organization's admin checked in for it",
    )
    recipient = fields.ForeignKeyField("models.Resident", related_name="service_records", on_delete=fields.RESTRICT)
    activity_name = fields.CharField(max_length=120)
    service_date = fields.DateField(description="Hangzhou date of the service")
    place = fields.CharField(max_length=200)
    content = fields.TextField(default="", description="What was done, written at check-out")
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    evaluation = fields.TextField(default="", description="The recipient's evaluation, from their feedback")
    rating = fields.IntField(
        null=True, validators=[MinValueValidator(1), MaxValueValidator(5)], description="The recipient's rating, 1-5"
    )
    person_in_charge = fields.CharField(max_length=60)
    recorder = fields.CharField(max_length=60)
    status = fields.CharEnumField(ServiceRecordStatus, max_length=20, default=ServiceRecordStatus.DRAFT)
    confirmed_at = fields.DatetimeField(null=True)
    confirmed_by_account_id = fields.IntField(null=True)

    class Meta:
        table = "service_record"
        ordering = ["id"]
        indexes = (("need_id", "id"), ("professional_id", "service_date"), ("recipient_id", "service_date"))


class RecordCorrection(TimestampedModel):
    """A request to correct a service record, and its decision: the log of every change to a record."""

    record = fields.ForeignKeyField("models.ServiceRecord", related_name="corrections", on_delete=fields.RESTRICT)
    requested_by_account_id = fields.IntField()
    requested_by_role = fields.CharField(max_length=20)
    changes = fields.JSONField(description="The corrected values, by field name (dates as ISO text)")
    previous = fields.JSONField(description="The values before: when requested, then those actually replaced")
    reason = fields.CharField(max_length=200)
    status = fields.CharEnumField(CorrectionStatus, max_length=20, default=CorrectionStatus.REQUESTED, db_index=True)
    decided_by_account_id = fields.IntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "record_correction"
        ordering = ["id"]
        indexes = (("record_id", "status"),)
