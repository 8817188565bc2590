"""WeChat subscription messages: the values of each kind, within WeChat's limits, and nothing private.

Each kind is one subscription template picked in the WeChat console with the keywords below (their names,
e.g. ``thing1``, must be the template's); its id is configured per kind (``WECHAT_TEMPLATE_<KIND>``).

=================== ============================ =====================================================
kind                sent to                      keywords
=================== ============================ =====================================================
MATCH_PROPOSED      the provider proposed        thing1 服务项目, time2 服务时间, thing3 服务地点,
                                                 character_string4 需求编号, phrase5 状态 (待接单)
MATCH_ACCEPTED      the resident (or guardian)   thing1 服务项目, time2 服务时间, thing3 服务者, phrase4 状态
SERVICE_TOMORROW    the resident and provider    thing1 服务项目, time2 服务时间, thing3 服务地点, thing4 温馨提示
FEEDBACK_REQUESTED  the resident (or guardian)   thing1 服务项目, thing2 服务者, time3 服务时间, thing4 温馨提示
=================== ============================ =====================================================

Value limits (RULES.md and WeChat's table of template values): ``thing`` at most 20 characters, ``phrase``
at most 5 Chinese characters and nothing else, ``name`` at most 10 Chinese characters (or 20 letters),
``number`` and ``character_string`` at most 32 (no Chinese), ``phone_number`` at most 17 digits and
symbols, ``time`` a 24-hour time with an optional date (``2024年5月1日 09:00``, a period joined by ``~``).
Free text is cut to fit, never refused (a short message beats a lost one); :func:`check_value` then checks
every rendered value, so a layout that breaks a limit fails loudly instead of being refused by WeChat (47003).

Privacy: a message holds the care category (never the need's title or description, which residents write
and which may describe their health), the time, the community, the provider's name, the need's number and
fixed words. Never a resident's name (a child's least of all), health details, or a phone or ID number:
any run of 7 or more digits in free text is masked (``138****5678``).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from models.enums import NotificationKind

K = NotificationKind
SHANGHAI = ZoneInfo("Asia/Shanghai")
THING_MAX, PHRASE_MAX, NAME_MAX_CHINESE, NAME_MAX_LATIN, STRING_MAX, PHONE_MAX = 20, 5, 10, 20, 32, 17
ELLIPSIS = "…"
CHINESE = re.compile(r"[\u3400-\u9fff]")
DIGIT_RUN = re.compile(r"\d{7,}[Xx]?")
WHITESPACE = re.compile(r"\s+")
_MOMENT = r"(?:\d{4}年\d{1,2}月\d{1,2}日 )?\d{2}:\d{2}"
TIME_VALUE = re.compile(rf"{_MOMENT}(?:~{_MOMENT})?")
KEYWORD = re.compile(r"([a-z_]+?)(\d+)")
#: Value types that may carry text from records: no unmasked number may appear in them.
FREE_TEXT = frozenset({"thing", "name", "phone_number"})

PAGES = {
    K.MATCH_PROPOSED: "pages/provider/proposals/index",
    K.MATCH_ACCEPTED: "pages/needs/detail/index",
    K.SERVICE_TOMORROW: "pages/needs/detail/index",
    K.FEEDBACK_REQUESTED: "pages/needs/feedback/index",
}
PROPOSED_PHRASE, ACCEPTED_PHRASE = "待接单", "已接单"
TOMORROW_TIP = "明天有预约的服务，请留意时间"
FEEDBACK_TIP = "服务已完成，请为本次服务评价"


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What a message may tell: nothing here is personal to a resident."""

    need_id: int
    category: str
    window_start: datetime
    window_end: datetime
    place: str = ""
    provider: str = ""


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """The template values (keyword -> text) and the mini-program page of one message."""

    data: dict[str, str]
    page: str


def render(kind: NotificationKind, facts: MessageFacts) -> RenderedMessage:
    """The message of ``kind`` for ``facts``, every value checked against WeChat's limits."""
    data = LAYOUTS[kind](facts)
    for keyword, value in data.items():
        check_value(keyword, value)
    need = base64.b64encode(f"Need:{facts.need_id}".encode()).decode()
    return RenderedMessage(data=data, page=f"{PAGES[kind]}?needId={quote(need, safe='')}")


def _proposed(f: MessageFacts) -> dict[str, str]:
    return {"thing1": thing(f.category), "time2": time_range(f.window_start, f.window_end), "thing3": thing(f.place),
            "character_string4": character_string(f"N{f.need_id}"), "phrase5": phrase(PROPOSED_PHRASE)}


def _accepted(f: MessageFacts) -> dict[str, str]:
    return {"thing1": thing(f.category), "time2": time_range(f.window_start, f.window_end),
            "thing3": thing(f.provider), "phrase4": phrase(ACCEPTED_PHRASE)}


def _tomorrow(f: MessageFacts) -> dict[str, str]:
    return {"thing1": thing(f.category), "time2": time_range(f.window_start, f.window_end), "thing3": thing(f.place),
            "thing4": thing(TOMORROW_TIP)}


def _feedback(f: MessageFacts) -> dict[str, str]:
    return {"thing1": thing(f.category), "thing2": thing(f.provider),
            "time3": time_range(f.window_start, f.window_end), "thing4": thing(FEEDBACK_TIP)}


LAYOUTS: dict[NotificationKind, Callable[[MessageFacts], dict[str, str]]] = {
    K.MATCH_PROPOSED: _proposed, K.MATCH_ACCEPTED: _accepted, K.SERVICE_TOMORROW: _tomorrow,
    K.FEEDBACK_REQUESTED: _feedback,
}


def clean(text: str | None) -> str:
    """One line of printable text: control and format characters dropped, whitespace runs made one space."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in (text or ""))
    return WHITESPACE.sub(" ", kept).strip()


def mask_digits(text: str) -> str:
    """Runs of 7+ digits (phone, ID and account numbers) masked: ``138****5678``, ``****6666``."""
    def masked(run: re.Match) -> str:
        digits = run.group()
        return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 11 else f"****{digits[-4:]}"
    return DIGIT_RUN.sub(masked, text)


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, the last one an ellipsis when something was cut."""
    return text if len(text) <= limit else text[:limit - 1] + ELLIPSIS


def thing(text: str | None, fallback: str = "无") -> str:
    """A ``thing`` value: cleaned, numbers masked, at most 20 characters, never empty."""
    return cut(mask_digits(clean(text)) or fallback, THING_MAX)


def phrase(text: str) -> str:
    """A ``phrase`` value: 1-5 Chinese characters (the fixed words of a layout)."""
    if not re.fullmatch(rf"{CHINESE.pattern}{{1,{PHRASE_MAX}}}", text):
        raise ValueError(f"a phrase is 1-{PHRASE_MAX} Chinese characters, not {text!r}")
    return text


def character_string(text: str) -> str:
    """A ``character_string`` value: printable ASCII without spaces, at most 32."""
    kept = "".join(c for c in text if "!" <= c <= "~")
    return kept[:STRING_MAX] or "-"


def time_range(start: datetime, end: datetime) -> str:
    """A ``time`` value in Hangzhou time: ``2024年5月1日 09:00~11:00`` (the date repeated across midnight)."""
    a, b = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    first = f"{a.year}年{a.month}月{a.day}日 {a:%H:%M}"
    second = f"{b:%H:%M}" if b.date() == a.date() else f"{b.year}年{b.month}月{b.day}日 {b:%H:%M}"
    return f"{first}~{second}"


def check_value(keyword: str, value: str) -> None:
    """ValueError unless ``value`` fits the type of ``keyword`` (``thing3`` is a thing) as WeChat requires."""
    match = KEYWORD.fullmatch(keyword)
    kind = match.group(1) if match else ""
    if kind not in CHECKS:
        raise ValueError(f"unknown template keyword {keyword!r}")
    if not value or not CHECKS[kind](value) or (kind in FREE_TEXT and DIGIT_RUN.search(value)):
        raise ValueError(f"{keyword} does not take {value!r}")


def _name_fits(value: str) -> bool:
    limit = NAME_MAX_CHINESE if CHINESE.search(value) else NAME_MAX_LATIN
    return len(value) <= limit and not re.search(r"\d", value)


CHECKS: dict[str, Callable[[str], bool]] = {
    "thing": lambda v: len(v) <= THING_MAX and clean(v) == v,
    "phrase": lambda v: bool(re.fullmatch(rf"{CHINESE.pattern}{{1,{PHRASE_MAX}}}", v)),
    "name": _name_fits,
    "number": lambda v: bool(re.fullmatch(r"\d+(\.\d+)?", v)) and len(v) <= STRING_MAX,
    "character_string": lambda v: bool(re.fullmatch(rf"[!-~]{{1,{STRING_MAX}}}", v)),
    "phone_number": lambda v: bool(re.fullmatch(rf"[\d+\-* ()]{{1,{PHONE_MAX}}}", v)),
    "time": lambda v: bool(TIME_VALUE.fullmatch(v)),
}
