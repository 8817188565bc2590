"""Validation and normalisation of Chinese identifiers (see shared/domain/RULES.md).

- Unified Social Credit Code, GB 32100-2015 (organizations).
- Resident ID number, GB 11643-1999 (ISO 7064 MOD 11-2 check).
- Mainland mobile numbers.

Each ``normalize_*`` function returns the canonical form or raises :class:`InvalidIdentifier`.
"""

from __future__ import annotations

import re
from datetime import date

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"^1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}$")


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier of its kind; the message says why."""


def normalize_uscc(value: str) -> str:
    """Upper-case, check the alphabet and the GB 32100 check character."""
    code = value.strip().upper()
    if len(code) != 18:
        raise InvalidIdentifier("A Unified Social Credit Code has 18 characters.")
    if any(ch not in USCC_ALPHABET for ch in code):
        raise InvalidIdentifier("A Unified Social Credit Code uses 0-9 and capital letters except I, O, S, V, Z.")
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    expected = USCC_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        raise InvalidIdentifier("The check character of this Unified Social Credit Code is wrong.")
    return code


def normalize_id_number(value: str, *, today: date | None = None) -> str:
    """Check a resident ID number (18 characters, real birth date, MOD 11-2 check); store ``X`` upper."""
    number = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidIdentifier("A resident ID number has 17 digits and a check digit or X.")
    birth = id_number_birth_date(number)
    if birth > (today or date.today()):
        raise InvalidIdentifier("The birth date in this ID number is in the future.")
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if number[17] != ID_CHECK[total % 11]:
        raise InvalidIdentifier("The check digit of this ID number is wrong.")
    return number


def id_number_birth_date(number: str) -> date:
    """The birth date encoded in digits 7-14 of an ID number."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdentifier("The birth date in this ID number is not a real date.") from None


def normalize_phone(value: str) -> str:
    """Strip +86 / 0086, spaces and hyphens, and check the mainland mobile pattern."""
    phone = re.sub(r"[\s-]", "", value.strip())
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):]
    if not MOBILE_RE.fullmatch(phone):
        raise InvalidIdentifier("This is not a mainland China mobile number (11 digits starting with 1).")
    return phone


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``."""
    if not phone:
        return None
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_id_number(number: str | None) -> str | None:
    """First 6 and last 4 characters kept: ``110105********002X``."""
    if not number:
        return None
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """Keep the surname (first character) and mask the rest: ``王秀英`` -> ``王**``."""
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
