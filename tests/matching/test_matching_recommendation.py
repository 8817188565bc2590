"""recommend_projects(): who is offered which sessions, in which order, and why."""

from datetime import datetime, timedelta

from matching import CareCategory, ResidentProfile, SessionOffer, TargetGroup, recommend_projects

NOW = datetime(2025, 3, 3, 9, 0)


def offer(session_id: int, **changes) -> SessionOffer:
    """A session of project ``session_id`` two days from now, 10 seats, open to all."""
    fields = {
        "project_id": session_id,
        "session_id": session_id,
        "category": CareCategory.COMPANIONSHIP,
        "starts_at": NOW + timedelta(days=2),
        "seats_free": 10,
        "project_name": f"项目{session_id}",
        "community_id": 1,
    }
    fields.update(changes)
    return SessionOffer(**fields)


def ids(recommendations) -> list[int]:
    """Session ids in order."""
    return [r.session_id for r in recommendations]


SENIOR = ResidentProfile(id=1, age=72, community_id=1)
PARENT = ResidentProfile(id=2, age=33, community_id=1, youngest_child_age=4)


def test_full_started_and_out_of_age_sessions_are_left_out():
    sessions = [
        offer(1),
        offer(2, seats_free=0),
        offer(3, seats_free=0, waitlist_allowed=True),
        offer(4, starts_at=NOW - timedelta(hours=1)),
        offer(5, target_min_age=18, target_max_age=35),
        offer(6, target_group=TargetGroup.CHILDREN, target_max_age=6),
    ]
    assert sorted(ids(recommend_projects(SENIOR, sessions, first=10, now=NOW))) == [1, 3]
    waitlisted = next(r for r in recommend_projects(SENIOR, sessions, now=NOW) if r.session_id == 3)
    assert any(reason.code == "WAITLIST" for reason in waitlisted.reasons)


def test_children_sessions_check_the_childs_age():
    toddler_club = offer(1, target_group=TargetGroup.CHILDREN, target_min_age=0, target_max_age=3)
    preschool = offer(2, target_group=TargetGroup.CHILDREN, target_min_age=3, target_max_age=6)
    assert ids(recommend_projects(PARENT, [toddler_club, preschool], now=NOW)) == [2]
    assert ids(recommend_projects(SENIOR, [preschool], now=NOW)) == []


def test_seniors_get_digital_and_health_projects_first():
    sessions = [
        offer(1, category=CareCategory.PARENTING_GUIDANCE),
        offer(2, category=CareCategory.DIGITAL_HELP, project_name="银龄跨越数字鸿沟行动"),
        offer(3, category=CareCategory.HEALTH_CHECK, project_name="健康保健公益课程和义诊"),
    ]
    result = recommend_projects(SENIOR, sessions, now=NOW)
    assert ids(result)[:2] == [2, 3] and ids(result)[2] == 1
    assert any(r.code == "LIFE_STAGE" and "60" in r.zh for r in result[0].reasons)


def test_parents_of_young_children_get_parenting_projects_first():
    sessions = [
        offer(1, category=CareCategory.DIGITAL_HELP),
        offer(2, category=CareCategory.PARENTING_GUIDANCE, project_name="科学养育公益培训"),
        offer(3, category=CareCategory.FAMILY_READING, project_name="爱有方"),
    ]
    result = recommend_projects(PARENT, sessions, now=NOW)
    assert ids(result) == [2, 3, 1]
    assert all(r.reasons and all(x.zh and x.en for x in r.reasons) for r in result)


def test_interest_community_and_timing_order_the_rest():
    resident = ResidentProfile(id=3, age=45, community_id=1, interests=frozenset({CareCategory.FAMILY_READING}))
    sessions = [
        offer(1),
        offer(2, category=CareCategory.FAMILY_READING),
        offer(3, community_id=2),
        offer(4, community_id=None),
        offer(5, starts_at=NOW + timedelta(days=20)),
    ]
    # a subdistrict-wide session in 2 days edges out one in the resident's community in 20 days
    assert ids(recommend_projects(resident, sessions, now=NOW)) == [2, 1, 4, 5, 3]
    assert ids(recommend_projects(resident, sessions, first=2, now=NOW)) == [2, 1]


def test_each_project_appears_once_through_its_best_session():
    sessions = [offer(1, project_id=9, starts_at=NOW + timedelta(days=9)), offer(2, project_id=9)]
    [only] = recommend_projects(SENIOR, sessions, now=NOW)
    assert only.session_id == 2 and only.project_id == 9
