"""Who is told about a need, and what a message about it may say (batched: a few statements per batch).

The resident side is the resident's own accounts and, for a child's need, their guardians' accounts; the
provider side is the professional's accounts, or an organization's admins. A message's facts are the
need's care category, time, community and the provider's name: nothing personal to a resident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from models import Account, Area, ConsentRecord, Guardianship, Match, Need, Organization, Professional
from models.enums import AccountRole, ConsentPurpose, label
from resolvers.notification_templates import MessageFacts


async def resident_recipients(resident_ids: set[int]) -> dict[int, list[Account]]:
    """Each resident's own accounts followed by their guardians' accounts, without repeats."""
    if not resident_ids:
        return {}
    links = await Guardianship.filter(child_id__in=resident_ids).values_list("child_id", "guardian_id")
    people = resident_ids | {guardian for _, guardian in links}
    by_person: dict[int, list[Account]] = defaultdict(list)
    for account in await Account.filter(resident_id__in=people).order_by("id"):
        by_person[account.resident_id].append(account)
    found = {}
    for resident_id in resident_ids:
        guardians = [g for child, g in links if child == resident_id]
        found[resident_id] = _unique([*by_person[resident_id], *(a for g in guardians for a in by_person[g])])
    return found


async def notification_consents(resident_ids: set[int]) -> set[int]:
    """The residents among ``resident_ids`` with a standing consent to be notified (purpose NOTIFICATIONS)."""
    if not resident_ids:
        return set()
    return set(await ConsentRecord.filter(resident_id__in=resident_ids, purpose=ConsentPurpose.NOTIFICATIONS,
                                          withdrawn_at=None).values_list("resident_id", flat=True))


async def provider_recipients(matches: Iterable[Match]) -> dict[int, list[Account]]:
    """The accounts of each match's provider (the professional, or the organization's admins), by match id."""
    matches = list(matches)
    professional_ids = {m.professional_id for m in matches if m.professional_id is not None}
    organization_ids = {m.organization_id for m in matches if m.professional_id is None and m.organization_id}
    professionals: dict[int, list[Account]] = defaultdict(list)
    organizations: dict[int, list[Account]] = defaultdict(list)
    if professional_ids:
        for account in await Account.filter(professional_id__in=professional_ids).order_by("id"):
            professionals[account.professional_id].append(account)
    if organization_ids:
        for account in await Account.filter(organization_id__in=organization_ids,
                                            role=AccountRole.ORG_ADMIN).order_by("id"):
            organizations[account.organization_id].append(account)
    return {m.id: professionals[m.professional_id] if m.professional_id is not None else
            organizations[m.organization_id] for m in matches}


async def provider_names(matches: Iterable[Match]) -> dict[int, str]:
    """Each match's provider name (a professional's or an organization's), by match id."""
    matches = list(matches)
    professional_ids = {m.professional_id for m in matches if m.professional_id is not None}
    organization_ids = {m.organization_id for m in matches if m.organization_id is not None}
    people = dict(await Professional.filter(id__in=professional_ids).values_list("id", "name")) \
        if professional_ids else {}
    organizations = dict(await Organization.filter(id__in=organization_ids).values_list("id", "name")) \
        if organization_ids else {}
    return {m.id: people.get(m.professional_id) or organizations.get(m.organization_id) or "" for m in matches}


async def place_names(needs: Iterable[Need]) -> dict[int, str]:
    """The community name of each need, by need id."""
    needs = list(needs)
    names = dict(await Area.filter(id__in={n.community_id for n in needs}).values_list("id", "name"))
    return {n.id: names.get(n.community_id, "") for n in needs}


def facts_of(need: Need, place: str, provider: str = "") -> MessageFacts:
    """What a message about ``need`` may say."""
    return MessageFacts(need_id=need.id, category=label(need.category), window_start=need.window_start,
                        window_end=need.window_end, place=place, provider=provider)


def _unique(accounts: list[Account]) -> list[Account]:
    seen: dict[int, Account] = {}
    for account in accounts:
        seen.setdefault(account.id, account)
    return list(seen.values())
