"""Domain errors raised by the services, with a stable code a client can branch on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Every expected error code of Linli (documented in the GraphQL ``ErrorCode`` enum)."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    INVALID_USCC = "INVALID_USCC"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    INVALID_RANGE = "INVALID_RANGE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    INVALID_STATE = "INVALID_STATE"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    INVALID_ID = "INVALID_ID"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_BANNED = "ACCOUNT_BANNED"
    WECHAT_CODE_INVALID = "WECHAT_CODE_INVALID"
    WECHAT_RATE_LIMITED = "WECHAT_RATE_LIMITED"
    WECHAT_USER_BLOCKED = "WECHAT_USER_BLOCKED"
    WECHAT_APPID_MISMATCH = "WECHAT_APPID_MISMATCH"
    WECHAT_UNAVAILABLE = "WECHAT_UNAVAILABLE"
    CONFLICT = "CONFLICT"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    INTERNAL = "INTERNAL"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED"
    TOKEN_LIMIT_EXCEEDED = "TOKEN_LIMIT_EXCEEDED"
    DEPTH_LIMIT_EXCEEDED = "DEPTH_LIMIT_EXCEEDED"
    ALIAS_LIMIT_EXCEEDED = "ALIAS_LIMIT_EXCEEDED"
    INPUT_LIST_TOO_LONG = "INPUT_LIST_TOO_LONG"
    COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
    VALIDATION_LIMIT_EXCEEDED = "VALIDATION_LIMIT_EXCEEDED"
    RATE_LIMITED = "RATE_LIMITED"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_INVALID = "PERSISTED_QUERY_INVALID"
    PERSISTED_QUERY_REQUIRED = "PERSISTED_QUERY_REQUIRED"
    TIMEOUT = "TIMEOUT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    NOT_ELIGIBLE_RELATIVE = "NOT_ELIGIBLE_RELATIVE"
    NOT_PRIORITY_ELDER = "NOT_PRIORITY_ELDER"
    INVALID_CHECK_IN_CODE = "INVALID_CHECK_IN_CODE"


ERROR_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.INVALID: "The value is not acceptable; the message says why.",
    ErrorCode.REQUIRED: "A required value is missing or blank.",
    ErrorCode.TOO_LONG: "The text is longer than allowed.",
    ErrorCode.NOT_FOUND: "No object with this ID exists (or the caller may not see it).",
    ErrorCode.DUPLICATE: "Another object already uses this unique value.",
    ErrorCode.INVALID_USCC: "Not a valid Unified Social Credit Code (GB 32100-2015 check failed).",
    ErrorCode.INVALID_PHONE: "Not a valid mainland China mobile number.",
    ErrorCode.INVALID_ID_NUMBER: "Not a valid resident ID number (GB 11643-1999 check failed).",
    ErrorCode.INVALID_RANGE: "A range is reversed or empty, e.g. an end before its start.",
    ErrorCode.OUT_OF_RANGE: "A number is outside its allowed range, e.g. a negative capacity.",
    ErrorCode.CONSENT_REQUIRED: "Sensitive data needs the person's (or guardian's) separate consent first.",
    ErrorCode.INVALID_STATE: "The object's current state does not allow this change.",
    ErrorCode.INVALID_CURSOR: "A pagination cursor was not produced by this API.",
    ErrorCode.PAGE_SIZE_EXCEEDED: "`first` or `last` is above the page-size cap (100) or negative.",
    ErrorCode.INVALID_ID: "A global ID is malformed or names another type.",
    ErrorCode.FORBIDDEN: "The caller may not do this.",
    ErrorCode.UNAUTHENTICATED: "Sign in first, or the token or API key sent is invalid, expired or revoked.",
    ErrorCode.INVALID_CREDENTIALS: "Unknown user name or wrong password (deliberately not saying which).",
    ErrorCode.ACCOUNT_BANNED: "This account is banned; ask the community centre.",
    ErrorCode.WECHAT_CODE_INVALID: "WeChat refused the login or phone code (40029): it is wrong, used or expired.",
    ErrorCode.WECHAT_RATE_LIMITED: "WeChat is rate-limiting this mini-program (45011); try again in a minute.",
    ErrorCode.WECHAT_USER_BLOCKED: "WeChat blocked this user from signing in (40226).",
    ErrorCode.WECHAT_APPID_MISMATCH: "The phone number was issued for another mini-program (watermark.appid).",
    ErrorCode.WECHAT_UNAVAILABLE: "WeChat could not be reached or answered with an error; try again later.",
    ErrorCode.CONFLICT: "A concurrent change won; reload and try again.",
    ErrorCode.NOT_ELIGIBLE: "The provider breaks a hard matching constraint for this need; the message lists which.",
    ErrorCode.INTERNAL: "An unexpected error; quote the correlation id when reporting it.",
    ErrorCode.GRAPHQL_VALIDATION_FAILED: "The document does not fit the schema (or its variables do not fit it).",
    ErrorCode.GRAPHQL_PARSE_FAILED: "The document is not valid GraphQL syntax.",
    ErrorCode.BAD_REQUEST: "The HTTP request is malformed: not JSON, a wrong content type, or no query.",
    ErrorCode.METHOD_NOT_ALLOWED: "Mutations need POST; GET is for queries only (see the `Allow` header).",
    ErrorCode.REQUEST_TOO_LARGE: "The request body is above 64 KiB (HTTP 413).",
    ErrorCode.BATCHING_NOT_SUPPORTED: "A JSON array of operations was sent; send one operation per request.",
    ErrorCode.TOKEN_LIMIT_EXCEEDED: "The document has more than 2,000 tokens (or comments); parsing stopped.",
    ErrorCode.DEPTH_LIMIT_EXCEEDED: "Fields are nested more than 10 levels deep (fragments included).",
    ErrorCode.ALIAS_LIMIT_EXCEEDED: "The operation uses more than 15 aliases (counted through fragments).",
    ErrorCode.INPUT_LIST_TOO_LONG: "A list in the arguments or variables has more than 100 items.",
    ErrorCode.COST_LIMIT_EXCEEDED: "The operation's static cost is above 5,000 points; ask for smaller pages.",
    ErrorCode.VALIDATION_LIMIT_EXCEEDED: "The document takes too much work to check (e.g. the same fields "
    "selected over and over through fragments); select each field once.",
    ErrorCode.RATE_LIMITED: "The caller spent its budget of cost points; retry after `extensions.retryAfter` s.",
    ErrorCode.INTROSPECTION_DISABLED: "Schema introspection is off in production (except for centre admins).",
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: "The hash is unknown: send it again together with the query text.",
    ErrorCode.PERSISTED_QUERY_INVALID: "The persisted query is malformed: version 1, a SHA-256 hash of the query.",
    ErrorCode.PERSISTED_QUERY_REQUIRED: "This caller may only run known (persisted) documents.",
    ErrorCode.TIMEOUT: "The operation ran over 10 seconds and was cancelled; an uncommitted change is rolled back.",
    ErrorCode.INVALID_TRANSITION: "The need's current status does not lead to the one asked for (see the README's "
    "need lifecycle); nothing was changed.",
    ErrorCode.IDEMPOTENCY_KEY_REUSED: "This idempotency key was already used by you for a different request; use a "
    "new key for a new request.",
    ErrorCode.INSUFFICIENT_BALANCE: "The time-bank account holds fewer hours than asked for; balances never go "
    "below zero and nothing was changed.",
    ErrorCode.NOT_ELIGIBLE_RELATIVE: "Hours go only to the holder's spouse or a direct relative aged 60 or more (or "
    "the holder themself), as verified by centre staff.",
    ErrorCode.NOT_PRIORITY_ELDER: "The pool serves only priority elders: 80 or older living alone, or 60-79 and "
    "disabled on minimum income.",
    ErrorCode.INVALID_CHECK_IN_CODE: "The check-in code is wrong or expired; ask the organizer for the current one.",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field (``field`` is the camelCase input name, or None)."""

    code: ErrorCode
    message: str
    field: str | None = None


class DomainError(Exception):
    """An expected failure: the request is wrong, nothing was changed."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def errors(self) -> list[FieldError]:
        """The failure as a list of field errors, for mutation payloads."""
        return [FieldError(self.code, self.message, self.field)]


class ValidationFailed(DomainError):
    """Several field errors found at once; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].code, errors[0].message, errors[0].field)
        self._errors = errors

    @property
    def errors(self) -> list[FieldError]:
        """All the field errors."""
        return list(self._errors)


class Checker:
    """Collects field errors during validation, then raises them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        """Record one problem."""
        self.errors.append(FieldError(code, message, field))

    def require_text(self, value: str | None, field: str, max_length: int) -> str | None:
        """Strip a text; record REQUIRED when blank and TOO_LONG when over ``max_length``."""
        text = (value or "").strip()
        if not text:
            self.add(ErrorCode.REQUIRED, f"`{field}` must not be blank.", field)
            return None
        if len(text) > max_length:
            self.add(ErrorCode.TOO_LONG, f"`{field}` has at most {max_length} characters.", field)
            return None
        return text

    def check(self) -> None:
        """Raise :class:`ValidationFailed` if anything was recorded."""
        if self.errors:
            raise ValidationFailed(self.errors)
