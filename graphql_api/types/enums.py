"""The domain enums exposed to GraphQL, each value described with its Chinese label.

Clients show ``label`` texts; the ``labels`` query returns them all at once so a mini-program can
cache them at start-up, and the main types carry ``...Label`` fields beside their enum fields.
"""

from enum import StrEnum

import strawberry

from models import enums as e
from resolvers.errors import ERROR_DESCRIPTIONS, ErrorCode


def _english(value: StrEnum) -> str:
    return value.name.replace("_", " ").capitalize()


def expose(cls: type[StrEnum], description: str, value_descriptions: dict | None = None) -> type[StrEnum]:
    """Register ``cls`` as a GraphQL enum whose values are described as ``<中文>: <English>``."""
    strawberry.enum(cls, description=description)
    for value in cls.__strawberry_definition__.values:
        member = cls[value.name]
        text = (value_descriptions or {}).get(member) or _english(member)
        value.description = f"{e.label(member)}: {text}" if e.has_label(member) else text
    return cls


AreaKind = expose(e.AreaKind, "Level of an area in the subdistrict tree.")
OrganizationKind = expose(e.OrganizationKind, "Role of an organization in the community's network.", {
    e.OrganizationKind.HUB_CENTRE: "Hub centre that coordinates and incubates organizations",
    e.OrganizationKind.ASSOCIATION: "The subdistrict's New Social Stratum Association",
    e.OrganizationKind.INCUBATED: "Service organization incubated by the hub centre",
    e.OrganizationKind.PARTNER: "Partner organization (hospital, school, company...)",
})
IncubationStage = expose(e.IncubationStage, "Where an organization stands in the hub's incubation.")
OrganizationStatus = expose(e.OrganizationStatus, "Operating status of an organization.")
ProfessionalStatus = expose(e.ProfessionalStatus, "Whether a professional currently takes assignments.")
AssociationRole = expose(e.AssociationRole, "Office held in the New Social Stratum Association.")
MembershipRole = expose(e.MembershipRole, "A professional's role within an organization.")
ProjectStatus = expose(e.ProjectStatus, "Lifecycle status of a project.")
TargetGroup = expose(e.TargetGroup, "Whom a project is for.")
ClaimStatus = expose(e.ClaimStatus, "Status of a project claim (项目认领).")
SessionKind = expose(e.SessionKind, "Kind of project session.")
SessionStatus = expose(e.SessionStatus, "Status of a project session.")
EnrollmentStatus = expose(e.EnrollmentStatus, "A resident's place in a session.")
Gender = expose(e.Gender, "Gender, where a person chose to give it.")
AgeBand = expose(e.AgeBand, "Age band: shown instead of a birth date, which is personal information.")
Mobility = expose(e.Mobility, "How well a resident moves on their own.")
GuardianRelation = expose(e.GuardianRelation, "How a guardian is related to a child.")
ConsentPurpose = expose(e.ConsentPurpose, "Purpose a consent record covers (PIPL Art. 14, 29, 31).")
NeedStatus = expose(e.NeedStatus, "Where a need stands, from submission to a closed loop.")
Urgency = expose(e.Urgency, "How urgent a need is.")
ProviderKind = expose(e.ProviderKind, "Whether a provider is a person or an organization.")
MatchStatus = expose(e.MatchStatus, "Status of a proposed match between a need and a provider.")
AccessPurpose = expose(e.AccessPurpose, "Why centre staff open a resident's personal data (audited).")
AuditAction = expose(e.AuditAction, "What happened to a resident's personal data.")
CareCategory = expose(e.CareCategory, "Care category of a need, a project or a provider's offer (一老一小).")
CertificationKind = expose(e.CertificationKind, "Kind of qualification certificate or background check.")
AccountRole = expose(e.AccountRole, "What kind of caller an account or a request is.", {
    e.AccountRole.ANONYMOUS: "Not signed in (never an account's role)",
    e.AccountRole.RESIDENT: "Resident signed in through WeChat",
    e.AccountRole.PROFESSIONAL: "Professional signed in through WeChat",
    e.AccountRole.ORG_ADMIN: "Administrator of one organization",
    e.AccountRole.STAFF: "Community centre staff serving some communities",
    e.AccountRole.CENTRE_ADMIN: "Community centre administrator (accounts, roles, audit)",
    e.AccountRole.PARTNER: "Partner organization's server, signed in with an API key",
})
AccountStatus = expose(e.AccountStatus, "Whether an account may sign in.")
ApiKeyScope = expose(e.ApiKeyScope, "What a partner's API key may do.", {
    e.ApiKeyScope.DIRECTORY_READ: "Read the public directory (directory:read)",
    e.ApiKeyScope.PROJECTS_WRITE: "Manage the organization's own projects (projects:write)",
    e.ApiKeyScope.STATS_READ: "Read aggregated statistics, never personal data (stats:read)",
})
ServiceRecordStatus = expose(e.ServiceRecordStatus, "Whether a service record is still a draft or confirmed.", {
    e.ServiceRecordStatus.DRAFT: "Draft: written at check-in, completed at check-out",
    e.ServiceRecordStatus.CONFIRMED: "Confirmed by the resident's feedback or by staff; changed only by a correction",
})
CorrectionStatus = expose(e.CorrectionStatus, "Where a request to correct a service record stands.")
TimeBankAccountKind = expose(e.TimeBankAccountKind, "A personal time-bank account, or the pool for priority elders.")
TimeBankEntryKind = expose(e.TimeBankEntryKind, "What a time-bank ledger entry records.", {
    e.TimeBankEntryKind.DEPOSIT: "Hours earned by a confirmed elder-care service",
    e.TimeBankEntryKind.TRANSFER_OUT: "Hours given to a spouse or a direct relative aged 60+",
    e.TimeBankEntryKind.TRANSFER_IN: "Hours received from a relative's account",
    e.TimeBankEntryKind.DONATION_OUT: "Hours donated to the pool for priority elders",
    e.TimeBankEntryKind.DONATION_IN: "Hours the pool received as a donation",
    e.TimeBankEntryKind.CAP_EXCESS_OUT: "Hours above the balance cap, sent to the pool",
    e.TimeBankEntryKind.CAP_EXCESS_IN: "Hours the pool received from a balance above the cap",
    e.TimeBankEntryKind.SPEND: "Hours spent on a service received (never cash)",
})
FamilyRelation = expose(e.FamilyRelation, "How a resident is related to a time-bank account's holder.", {
    e.FamilyRelation.SELF: "The holder themself (a volunteer's own resident record)",
})
AttendanceMethod = expose(e.AttendanceMethod, "How an attendance at a session was recorded.", {
    e.AttendanceMethod.CODE: "Self check-in with the session's code",
    e.AttendanceMethod.STAFF: "Recorded by centre staff or the organizing organization",
})
NotificationKind = expose(e.NotificationKind, "What a WeChat subscription message tells its recipient.", {
    e.NotificationKind.MATCH_PROPOSED: "A provider is proposed for a need",
    e.NotificationKind.MATCH_ACCEPTED: "The provider accepted the resident's need",
    e.NotificationKind.SERVICE_TOMORROW: "A reminder the day before an accepted service",
    e.NotificationKind.FEEDBACK_REQUESTED: "The service is completed: the resident is asked for feedback",
})
NotificationStatus = expose(e.NotificationStatus, "Where a notification is on its way to its recipient.", {
    e.NotificationStatus.PENDING: "Waiting to be sent (or to be retried after a failure)",
    e.NotificationStatus.SENDING: "Being sent by a worker",
    e.NotificationStatus.SENT: "Acknowledged by WeChat: never sent again",
    e.NotificationStatus.FAILED: "Given up: WeChat refused it, or every attempt failed",
    e.NotificationStatus.SKIPPED: "Not sent: no WeChat openid, no subscription, or no template configured",
})
ErrorCode = expose(ErrorCode, "Machine-readable code of an expected error.", ERROR_DESCRIPTIONS)

LABELLED_ENUMS: tuple[type[StrEnum], ...] = (
    AreaKind, OrganizationKind, IncubationStage, OrganizationStatus, ProfessionalStatus, AssociationRole,
    MembershipRole, ProjectStatus, TargetGroup, ClaimStatus, SessionKind, SessionStatus, EnrollmentStatus,
    Gender, AgeBand, Mobility, GuardianRelation, ConsentPurpose, NeedStatus, Urgency, ProviderKind,
    MatchStatus, CareCategory, CertificationKind, AccountRole, AccountStatus, ApiKeyScope, AccessPurpose,
    AuditAction, ServiceRecordStatus, CorrectionStatus, TimeBankAccountKind, TimeBankEntryKind, FamilyRelation,
    AttendanceMethod, NotificationKind, NotificationStatus,
)


@strawberry.type(description="Display label of one enum value, for clients to show.")
class EnumLabel:
    enum: str = strawberry.field(description="GraphQL name of the enum, e.g. `CareCategory`.")
    value: str = strawberry.field(description="The enum value, e.g. `MEALS`.")
    label: str = strawberry.field(description="Chinese display label, e.g. 助餐.")
    description: str = strawberry.field(description="Chinese label and English description.")


def all_labels() -> list[EnumLabel]:
    """Every labelled enum value."""
    out = []
    for cls in LABELLED_ENUMS:
        definition = cls.__strawberry_definition__
        for value in definition.values:
            member = cls[value.name]
            out.append(EnumLabel(enum=definition.name, value=value.name, label=e.label(member),
                                 description=value.description or ""))
    return out
