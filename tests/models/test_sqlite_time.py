"""Datetimes compare by instant on every backend, whatever time zone a value was written or filtered in.

SQLite keeps datetimes as text: a value written in Asia/Shanghai ("...18:00+08:00") and a filter in UTC
("...10:00+00:00") must still compare as the same instant (models/sqlite_time.py stores UTC text).
"""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from models import Area
from models.enums import AreaKind

pytestmark = pytest.mark.asyncio
SHANGHAI = timezone(timedelta(hours=8))


async def test_filters_compare_instants_across_time_zones(db):
    written = datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI)  # 10:00 UTC
    area = await Area.create(name="测试社区", kind=AreaKind.COMMUNITY, code="330106001001")
    await Area.filter(id=area.id).update(created_at=written)
    an_hour_later_utc = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
    an_hour_earlier_utc = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert await Area.filter(id=area.id, created_at__lt=an_hour_later_utc).exists()
    assert not await Area.filter(id=area.id, created_at__lt=an_hour_earlier_utc).exists()
    assert (await Area.get(id=area.id)).created_at == written
