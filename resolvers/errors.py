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
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    INVALID_ID = "INVALID_ID"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    INTERNAL = "INTERNAL"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


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
    ErrorCode.INVALID_STATE: "The object's current state does not allow this change.",
    ErrorCode.INVALID_CURSOR: "A pagination cursor was not produced by this API.",
    ErrorCode.PAGE_SIZE_EXCEEDED: "`first` or `last` is above the page-size cap (100) or negative.",
    ErrorCode.INVALID_ID: "A global ID is malformed or names another type.",
    ErrorCode.FORBIDDEN: "The caller may not do this.",
    ErrorCode.UNAUTHENTICATED: "The caller must sign in first.",
    ErrorCode.CONFLICT: "A concurrent change won; reload and try again.",
    ErrorCode.INTERNAL: "An unexpected error; quote the correlation id when reporting it.",
    ErrorCode.GRAPHQL_VALIDATION_FAILED: "The document does not parse or does not fit the schema.",
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
