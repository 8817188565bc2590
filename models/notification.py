"""The notification outbox: what a change means for people, written with the change, then delivered.

A ``NotificationTrigger`` is written in the transaction of the change it reports (a need proposed to a
provider, accepted, completed, or a service due tomorrow), so the two commit together or not at all. The
background sender (``resolvers.notification_sender``) turns each trigger into one ``Notification`` per
person to tell, a WeChat subscription message, and delivers those with retries.
"""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import NotificationKind, NotificationStatus


class NotificationTrigger(TimestampedModel):
    """A change people are to be told about, written in the change's own transaction."""

    kind = fields.CharEnumField(NotificationKind, max_length=30)
    need = fields.ForeignKeyField("models.Need", related_name="notification_triggers", on_delete=fields.CASCADE)
    dedupe_key = fields.CharField(max_length=120, unique=True, description="One trigger per occasion")
    expanded_at = fields.DatetimeField(null=True, description="When the sender turned it into notifications")

    class Meta:
        table = "notification_trigger"
        ordering = ["id"]
        indexes = (("expanded_at", "id"),)


class Notification(TimestampedModel):
    """One WeChat subscription message to one account, with its delivery state."""

    kind = fields.CharEnumField(NotificationKind, max_length=30)
    need = fields.ForeignKeyField("models.Need", related_name="notifications", null=True,
                                  on_delete=fields.CASCADE)
    recipient = fields.ForeignKeyField("models.Account", related_name="notifications", on_delete=fields.CASCADE)
    dedupe_key = fields.CharField(max_length=160, unique=True, description="One message per occasion and person")
    template_id = fields.CharField(max_length=64, default="", description="The WeChat subscription template")
    page = fields.CharField(max_length=200, default="", description="The mini-program page the message opens")
    data = fields.JSONField(default=dict, description="The rendered template values, keyword to text")
    status = fields.CharEnumField(NotificationStatus, max_length=10, default=NotificationStatus.PENDING,
                                  db_index=True)
    attempts = fields.IntField(default=0, description="Sends tried so far")
    next_attempt_at = fields.DatetimeField(description="Due for its next send, or the end of a send's lease")
    last_error = fields.CharField(max_length=200, default="")
    sent_at = fields.DatetimeField(null=True, description="When WeChat acknowledged it")

    class Meta:
        table = "notification"
        ordering = ["id"]
        indexes = (("status", "next_attempt_at"),)
