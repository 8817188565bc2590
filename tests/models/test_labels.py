"""Every stored enum value has its own Chinese label, even where two enums share a value."""

from models import enums as e


def test_shared_values_keep_their_own_labels():
    assert e.label(e.ProfessionalStatus.ACTIVE) == "在岗"
    assert e.label(e.ClaimStatus.ACTIVE) == "已认领"
    assert e.label(e.ProjectStatus.COMPLETED) == "已结项"
    assert e.label(e.MatchStatus.COMPLETED) == "已完成"
    assert e.label(e.AssociationRole.MEMBER) == "会员"
    assert e.label(e.MembershipRole.MEMBER) == "成员"


def test_every_member_of_every_labelled_enum_has_a_label():
    enums = [e.AreaKind, e.OrganizationKind, e.IncubationStage, e.OrganizationStatus, e.ProfessionalStatus,
             e.AssociationRole, e.MembershipRole, e.ProjectStatus, e.TargetGroup, e.ClaimStatus, e.SessionKind,
             e.SessionStatus, e.EnrollmentStatus, e.Gender, e.AgeBand, e.Mobility, e.GuardianRelation,
             e.ConsentPurpose, e.NeedStatus, e.Urgency, e.ProviderKind, e.MatchStatus, e.CareCategory,
             e.CertificationKind, e.ServiceRecordStatus, e.CorrectionStatus, e.NotificationKind,
             e.NotificationStatus, e.TimeBankAccountKind, e.TimeBankEntryKind, e.FamilyRelation,
             e.AttendanceMethod]
    missing = [f"{cls.__name__}.{m.name}" for cls in enums for m in cls if not e.has_label(m)]
    assert missing == []
