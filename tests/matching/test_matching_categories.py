"""Care categories, certification kinds, their labels and the requirement table."""

from matching import (
    CATEGORY_LABELS_EN,
    CATEGORY_LABELS_ZH,
    CERTIFICATION_LABELS_EN,
    CERTIFICATION_LABELS_ZH,
    CHILD_SAFETY_CERTIFICATIONS,
    REQUIRED_CERTIFICATIONS,
    AgeRules,
    CareCategory,
    CertificationKind,
    is_child_category,
    volunteer_age_conditions,
)

K = CertificationKind


def test_every_category_and_certification_has_both_labels():
    assert set(CATEGORY_LABELS_ZH) == set(CATEGORY_LABELS_EN) == set(CareCategory)
    assert set(CERTIFICATION_LABELS_ZH) == set(CERTIFICATION_LABELS_EN) == set(CertificationKind)
    assert CATEGORY_LABELS_ZH[CareCategory.BATHING] == "助浴"
    assert CATEGORY_LABELS_ZH[CareCategory.DIGITAL_HELP] == "数字助老"
    assert CERTIFICATION_LABELS_ZH[K.CHILDCARE_WORKER] == "保育师"


def test_child_group():
    children = {c for c in CareCategory if is_child_category(c)}
    assert children == {
        CareCategory.INFANT_CARE,
        CareCategory.PRESCHOOL_CARE,
        CareCategory.PARENTING_GUIDANCE,
        CareCategory.PARENT_CHILD_ACTIVITY,
        CareCategory.FAMILY_READING,
    }


def test_requirement_table_uses_any_of_sets():
    assert set(REQUIRED_CERTIFICATIONS) == set(CareCategory)
    assert REQUIRED_CERTIFICATIONS[CareCategory.BATHING] == {K.ELDER_CARE_WORKER, K.NURSE}
    assert REQUIRED_CERTIFICATIONS[CareCategory.MEDICAL] == {K.DOCTOR, K.NURSE}
    assert REQUIRED_CERTIFICATIONS[CareCategory.HEALTH_CHECK] == {K.DOCTOR, K.NURSE}
    assert REQUIRED_CERTIFICATIONS[CareCategory.INFANT_CARE] == {K.INFANT_CARE_WORKER, K.CHILDCARE_WORKER}
    assert REQUIRED_CERTIFICATIONS[CareCategory.PRESCHOOL_CARE] == {K.CHILDCARE_WORKER}
    assert REQUIRED_CERTIFICATIONS[CareCategory.MEALS] == frozenset()
    assert CHILD_SAFETY_CERTIFICATIONS == {K.HEALTH_CERTIFICATE, K.NO_CRIMINAL_RECORD}


def test_volunteer_age_rules():
    rules = AgeRules()
    assert not volunteer_age_conditions(5, rules).allowed
    six = volunteer_age_conditions(6, rules)
    assert six.allowed and six.needs_accompaniment and six.needs_guardian_consent
    twelve = volunteer_age_conditions(12, rules)
    assert not twelve.needs_accompaniment and twelve.needs_guardian_consent
    assert volunteer_age_conditions(16, rules).needs_guardian_consent
    assert not volunteer_age_conditions(18, rules).needs_guardian_consent
    assert volunteer_age_conditions(7, AgeRules(volunteer_min_age=8)).allowed is False
