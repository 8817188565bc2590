"""Signing in with WeChat and binding a phone number to the account.

- ``wechat_login``: the openid of a login code finds its account, or a new RESIDENT account is made
  (not yet linked to anyone: it needs a phone binding).
- ``wechat_phone_bind``: a phone number checked by WeChat links the account to the professional with
  that number (the account becomes PROFESSIONAL), else to the one resident with that number (RESIDENT),
  else the number is only kept on the account (``bound`` false, the centre can link it later). A record
  already linked to another account is never taken over.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Account, Professional, Resident
from models.enums import AccountRole
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.identifiers import InvalidIdentifier, normalize_phone
from resolvers.logins import SignIn, sign_in
from resolvers.wechat import WeChatClient

MAX_CODE_LENGTH = 128
PHONE_BINDING_ROLES = frozenset({AccountRole.RESIDENT, AccountRole.PROFESSIONAL})
NEW_ACCOUNT_NAME = "微信用户"


@dataclass(frozen=True, slots=True)
class PhoneBinding:
    """The account after binding, and whether it was linked to a resident or professional."""

    account: Account
    bound: bool


def _checked_code(code: str | None) -> str:
    text = (code or "").strip()
    if not text:
        raise DomainError(ErrorCode.REQUIRED, "`code` must not be blank.", "code")
    if len(text) > MAX_CODE_LENGTH:
        raise DomainError(ErrorCode.TOO_LONG, f"`code` has at most {MAX_CODE_LENGTH} characters.", "code")
    return text


async def wechat_login(client: WeChatClient, code: str, secret_key: str, user_agent: str = "") -> SignIn:
    """Exchange a ``wx.login`` code, find or create the account of its openid, and sign it in."""
    identity = await client.identity(_checked_code(code))
    account = await Account.get_or_none(wechat_openid=identity.openid)
    if account is None:
        account = await _create_wechat_account(identity.openid, identity.unionid)
    elif identity.unionid and account.wechat_unionid != identity.unionid:
        account.wechat_unionid = identity.unionid
        await account.save(update_fields=["wechat_unionid"])
    return await sign_in(account, secret_key, user_agent)


async def _create_wechat_account(openid: str, unionid: str | None) -> Account:
    try:
        async with in_transaction():
            return await Account.create(
                role=AccountRole.RESIDENT, wechat_openid=openid, wechat_unionid=unionid,
                display_name=NEW_ACCOUNT_NAME,
            )
    except IntegrityError:
        # A concurrent first login of the same user created it a moment ago.
        return await Account.get(wechat_openid=openid)


async def wechat_phone_bind(client: WeChatClient, viewer: Viewer, code: str) -> PhoneBinding:
    """Bind the phone number of a ``getPhoneNumber`` code to the signed-in account (see module rules)."""
    if viewer.account_id is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in with WeChat before binding a phone number.", "code")
    if viewer.role not in PHONE_BINDING_ROLES:
        raise DomainError(ErrorCode.FORBIDDEN, "Only resident and professional accounts bind a phone number.",
                          "code")
    checked = _checked_code(code)
    account = await Account.get(id=viewer.account_id)
    try:
        phone = normalize_phone(await client.phone_number(checked))
    except InvalidIdentifier:
        raise DomainError(ErrorCode.INVALID_PHONE, "Only mainland China mobile numbers can be bound.",
                          "code") from None
    professional_id = await _unclaimed(Professional, "professional_id", phone, account.id)
    resident_id = None if professional_id else await _unclaimed(Resident, "resident_id", phone, account.id)
    values = {
        "phone": phone, "professional_id": professional_id, "resident_id": resident_id,
        "role": AccountRole.PROFESSIONAL if professional_id else AccountRole.RESIDENT,
    }
    async with in_transaction():
        await Account.filter(id=account.id).update(**values)
    await account.refresh_from_db()
    return PhoneBinding(account=account, bound=bool(professional_id or resident_id))


async def _unclaimed(model: type[Professional] | type[Resident], link: str, phone: str, account_id: int) -> int | None:
    """The id of the one row of ``model`` with this phone that no other account links to, else None."""
    ids = await model.filter(phone=phone).limit(2).values_list("id", flat=True)
    if len(ids) != 1:
        return None
    if await Account.filter(**{link: ids[0]}).exclude(id=account_id).exists():
        return None
    return ids[0]
