"""Every kind of message renders within WeChat's template value limits (RULES.md), whatever the records hold."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.enums import NotificationKind
from resolvers.notification_templates import LAYOUTS, PAGES, MessageFacts, check_value, mask_digits, render
from tests.fake_wechat import template_value_ok

HANGZHOU = ZoneInfo("Asia/Shanghai")
LIMITS = {"thing": 20, "phrase": 5, "name": 10, "number": 32, "character_string": 32, "phone_number": 17}
START = datetime(2024, 12, 31, 22, 30, tzinfo=HANGZHOU)
ODD_TEXTS = [
    "",
    "   \n\t ",
    "助餐",
    "和睦街道和睦社区居民委员会第三网格党群服务中心（东区）",
    "王阿姨\n电话13812345678\t身份证11010519491231002X",
    "Zhang Hulijuan, certified elder-care worker & nurse",
    "🍚送餐服务🍚" * 5,
    "a\u200bb\u0000c\u202ed" + "x" * 40,
    "０１２３４５６７８９０１２",
]
CASES = [
    MessageFacts(need_id=need_id, category=category, window_start=START, window_end=START + timedelta(hours=hours),
                 place=place, provider=provider)
    for need_id, category, place, provider, hours in [
        (1, "助餐", ODD_TEXTS[3], ODD_TEXTS[4], 1),
        (2, ODD_TEXTS[6], ODD_TEXTS[0], ODD_TEXTS[5], 3),  # across midnight
        (1234567890123, ODD_TEXTS[7], ODD_TEXTS[1], ODD_TEXTS[8], 50),
        (42, ODD_TEXTS[4], ODD_TEXTS[4], ODD_TEXTS[3], 2),
    ]
]


@pytest.mark.parametrize("kind", list(NotificationKind))
@pytest.mark.parametrize("facts", CASES)
def test_every_kind_renders_within_the_limits(kind, facts):
    message = render(kind, facts)
    assert message.data and message.page.startswith(PAGES[kind] + "?needId=")
    for keyword, value in message.data.items():
        kind_of_value = re.fullmatch(r"([a-z_]+?)\d+", keyword).group(1)
        assert template_value_ok(keyword, {"value": value}), (keyword, value)  # the fake WeChat's own check
        if kind_of_value in LIMITS:
            assert 1 <= len(value) <= LIMITS[kind_of_value], (keyword, value)
        if kind_of_value == "phrase":
            assert re.fullmatch(r"[\u4e00-\u9fff]{1,5}", value)
        if kind_of_value == "time":
            day = r"\d{4}年\d{1,2}月\d{1,2}日 "
            assert re.fullmatch(rf"{day}\d{{2}}:\d{{2}}~({day})?\d{{2}}:\d{{2}}", value)
        assert not re.search(r"\d{7,}", value) or kind_of_value in {"character_string", "number"}
        assert "13812345678" not in value and "11010519491231002X" not in value
        assert value == value.strip() and not re.search(r"[\x00-\x1f\u200b\u202e]", value)


def test_the_layouts_cover_every_kind():
    assert set(LAYOUTS) == set(PAGES) == set(NotificationKind)


def test_times_are_in_hangzhou_and_repeat_the_date_across_midnight():
    facts = CASES[1]
    assert render(NotificationKind.MATCH_ACCEPTED, facts).data["time2"] == "2024年12月31日 22:30~2025年1月1日 01:30"
    utc = MessageFacts(need_id=3, category="助餐", window_start=datetime.fromisoformat("2024-05-01T01:00:00+00:00"),
                       window_end=datetime.fromisoformat("2024-05-01T03:00:00+00:00"))
    assert render(NotificationKind.SERVICE_TOMORROW, utc).data["time2"] == "2024年5月1日 09:00~11:00"


def test_long_text_is_cut_with_an_ellipsis_and_numbers_are_masked():
    data = render(NotificationKind.MATCH_ACCEPTED, CASES[0]).data
    assert data["thing3"] == "王阿姨 电话138****5678 身…"
    assert mask_digits("座机88886666") == "座机****6666"
    assert render(NotificationKind.MATCH_PROPOSED, CASES[1]).data["thing3"] == "无"


@pytest.mark.parametrize(("keyword", "value"), [
    ("thing1", "一" * 21), ("thing1", ""), ("thing1", "两行\n文字"), ("thing1", "电话13812345678"),
    ("phrase2", "待接单啦啦啦"), ("phrase2", "OK"), ("phrase2", "待 接单"),
    ("name3", "欧" * 11), ("name3", "A" * 21), ("name3", "张三13812345678"),
    ("number4", "1" * 33), ("number4", "12a"),
    ("character_string5", "N" * 33), ("character_string5", "编号1"), ("character_string5", "N 1"),
    ("phone_number6", "1" * 18), ("phone_number6", "13812345678"),
    ("time7", "2024-05-01 09:00"), ("time7", "明天上午"),
    ("color8", "red"),
])
def test_values_beyond_the_limits_are_refused(keyword, value):
    with pytest.raises(ValueError):
        check_value(keyword, value)


@pytest.mark.parametrize(("keyword", "value"), [
    ("thing1", "一" * 20), ("phrase2", "待接单"), ("name3", "欧" * 10), ("name3", "A" * 20),
    ("number4", "1" * 32), ("character_string5", "N" * 32), ("phone_number6", "138****5678"),
    ("time7", "15:01"), ("time7", "2024年5月1日 09:00~11:00"),
])
def test_values_within_the_limits_pass(keyword, value):
    check_value(keyword, value)
