"""Tortoise ORM models of Linli (and their migrations in ``models.migrations``); no GraphQL here."""

from models.account import Account, ApiKey, RefreshToken
from models.area import Area
from models.attendance import SessionAttendance, SessionCheckInCode
from models.audit import AuditRecord, ChildDataApproval
from models.idempotency import IdempotencyKey
from models.lifecycle import NeedEvent, RecordCorrection, ServiceRecord
from models.matching import ProviderBlock
from models.need import Match, Need
from models.notification import Notification, NotificationTrigger
from models.organization import Organization
from models.professional import Certification, Membership, Professional
from models.project import Enrollment, Project, ProjectClaim, ProjectSession
from models.resident import ConsentRecord, Guardianship, Household, Resident
from models.time_bank import FamilyTie, TimeBankAccount, TimeBankEntry

__all__ = [
    "Account",
    "ApiKey",
    "Area",
    "AuditRecord",
    "Certification",
    "ChildDataApproval",
    "ConsentRecord",
    "Enrollment",
    "Guardianship",
    "Household",
    "IdempotencyKey",
    "Match",
    "Membership",
    "Need",
    "NeedEvent",
    "Notification",
    "NotificationTrigger",
    "Organization",
    "Professional",
    "Project",
    "ProjectClaim",
    "ProjectSession",
    "ProviderBlock",
    "RecordCorrection",
    "RefreshToken",
    "Resident",
    "ServiceRecord",
    "TimeBankAccount",
    "TimeBankEntry",
    "FamilyTie",
    "SessionAttendance",
    "SessionCheckInCode",
]
