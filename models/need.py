"""Needs raised by (or for) residents, and the matches that propose providers for them."""

from tortoise import fields
from tortoise.validators import MaxValueValidator, MinValueValidator

from models.base import TimestampedModel
from models.enums import CareCategory, Gender, MatchStatus, NeedStatus, ProviderKind, Urgency


class Need(TimestampedModel):
    """A resident's request for a service in one care category and time window."""

    resident = fields.ForeignKeyField("models.Resident", related_name="needs", on_delete=fields.RESTRICT)
    requested_by_staff = fields.CharField(
        max_length=60, null=True, description="Staff member who filed it on the resident's behalf"
    )
    category = fields.CharEnumField(CareCategory, max_length=30)
    title = fields.CharField(max_length=80)
    description = fields.TextField(default="")
    urgency = fields.CharEnumField(Urgency, max_length=10, default=Urgency.NORMAL)
    window_start = fields.DatetimeField()
    window_end = fields.DatetimeField()
    community = fields.ForeignKeyField("models.Area", related_name="needs", on_delete=fields.RESTRICT)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    required_certifications = fields.JSONField(default=list)
    languages = fields.JSONField(default=list)
    preferred_gender = fields.CharEnumField(Gender, max_length=10, null=True)
    skills_wanted = fields.JSONField(default=list)
    status = fields.CharEnumField(NeedStatus, max_length=20, default=NeedStatus.SUBMITTED)
    triaged_at = fields.DatetimeField(null=True, description="When the need became TRIAGED (the first time)")
    accepted_at = fields.DatetimeField(null=True, description="When the need became ACCEPTED (the first time)")
    closed_at = fields.DatetimeField(null=True, description="When the need became CLOSED (the first time)")

    class Meta:
        table = "need"
        ordering = ["-created_at", "-id"]
        indexes = (("community_id", "status", "created_at", "id"), ("category", "status"),
                   ("resident_id", "created_at"),
                   ("created_at", "community_id", "category", "status", "id", "triaged_at", "accepted_at",
                    "closed_at"))  # period reports (counts and step timings), index-only


class Match(TimestampedModel):
    """A provider (professional or organization) proposed for a need."""

    need = fields.ForeignKeyField("models.Need", related_name="matches", on_delete=fields.CASCADE)
    provider_kind = fields.CharEnumField(ProviderKind, max_length=20)
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="matches", null=True, on_delete=fields.RESTRICT
    )
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="matches", null=True, on_delete=fields.RESTRICT
    )
    score = fields.FloatField(null=True)
    score_breakdown = fields.JSONField(null=True)
    status = fields.CharEnumField(MatchStatus, max_length=20, default=MatchStatus.PROPOSED, db_index=True)
    proposed_by = fields.CharField(max_length=60, description="Who proposed it: a staff name or 'engine'")
    responded_at = fields.DatetimeField(null=True)
    decline_reason = fields.CharField(max_length=200, null=True, description="Why the provider declined, if given")
    dispatched_from = fields.ForeignKeyField(
        "models.Match", related_name="dispatches", null=True, on_delete=fields.CASCADE,
        description="The organization's accepted match this member's match was dispatched from",
    )
    rating = fields.IntField(
        null=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        description="The resident's rating of the service, 1 to 5",
    )
    no_show = fields.BooleanField(default=False, description="The provider did not turn up")

    class Meta:
        table = "match"
        ordering = ["id"]
        indexes = (("professional_id", "status"), ("organization_id", "status"), ("need_id", "status"),
                   ("status", "created_at", "need_id", "id"))  # unanswered proposals (work queues), index-only
