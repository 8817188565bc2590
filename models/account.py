"""Who may sign in: accounts, their rotating refresh tokens, and partner organizations' API keys.

No secret is stored in the clear: passwords as salted scrypt hashes, refresh tokens and API keys as
SHA-256 digests. WeChat's ``session_key`` is never stored at all.
"""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import AccountRole, AccountStatus


class Account(TimestampedModel):
    """A person who signs in: a resident or professional through WeChat, centre staff with a password."""

    role = fields.CharEnumField(AccountRole, max_length=20, default=AccountRole.RESIDENT, db_index=True)
    status = fields.CharEnumField(AccountStatus, max_length=10, default=AccountStatus.ACTIVE)
    display_name = fields.CharField(max_length=50, default="")
    username = fields.CharField(max_length=50, null=True, unique=True, description="Staff sign-in name")
    password_hash = fields.CharField(
        max_length=200, null=True, description="Staff only: scrypt parameters, salt and digest"
    )
    wechat_openid = fields.CharField(max_length=64, null=True, unique=True, description="WeChat mini-program openid")
    wechat_unionid = fields.CharField(max_length=64, null=True, db_index=True)
    phone = fields.CharField(max_length=20, null=True, description="Personal: normalized mainland mobile number")
    resident = fields.ForeignKeyField(
        "models.Resident", related_name="accounts", null=True, on_delete=fields.SET_NULL
    )
    professional = fields.ForeignKeyField(
        "models.Professional", related_name="accounts", null=True, on_delete=fields.SET_NULL
    )
    organization = fields.ForeignKeyField(
        "models.Organization", related_name="accounts", null=True, on_delete=fields.SET_NULL,
        description="The organization an org admin manages",
    )
    area_ids = fields.JSONField(
        default=list, description="Communities (a subdistrict: with its communities) a staff member serves, none "
        "when empty (a centre admin serves all whatever this holds)")
    token_version = fields.IntField(default=0, description="Bumped to revoke every token issued before")
    ended_sessions = fields.JSONField(
        default=dict, description="Sign-ins ended (logout, a reused refresh token) within an access token's "
        "lifetime (refresh family: when), whose access tokens stop at once")
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"
        ordering = ["id"]


class RefreshToken(TimestampedModel):
    """One refresh token of a rotation family, stored as its SHA-256 digest only."""

    account = fields.ForeignKeyField("models.Account", related_name="refresh_tokens", on_delete=fields.CASCADE)
    token_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 hex digest of the token")
    family = fields.CharField(max_length=32, db_index=True, description="All tokens rotated from one sign-in")
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    replaced_by = fields.ForeignKeyField(
        "models.RefreshToken", related_name="replaces", null=True, on_delete=fields.SET_NULL
    )
    user_agent = fields.CharField(max_length=120, default="")

    class Meta:
        table = "refresh_token"
        ordering = ["id"]


class ApiKey(TimestampedModel):
    """A partner organization's server credential, scoped and revocable, stored as its SHA-256 digest."""

    organization = fields.ForeignKeyField(
        "models.Organization", related_name="api_keys", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=80)
    prefix = fields.CharField(max_length=12, description="First characters of the key, shown to tell keys apart")
    key_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 hex digest of the key")
    scopes = fields.JSONField(default=list, description="Granted scopes such as directory:read")
    created_by = fields.ForeignKeyField(
        "models.Account", related_name="api_keys_created", null=True, on_delete=fields.SET_NULL
    )
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
        ordering = ["id"]
