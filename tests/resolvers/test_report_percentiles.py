"""The portable percentiles of the reports agree with PostgreSQL's percentile_cont, in both databases."""

from __future__ import annotations

import statistics

import pytest

from resolvers.reports.percentiles import MEDIAN, P90, kept_ranks, quantile
from resolvers.reports.sql import ReportStatement


def _expected(values: list[float], q: float) -> float:
    """percentile_cont: linear interpolation at position q * (n - 1) of the sorted values."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8] if q == 0.9 else statistics.median(values)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 21])
async def test_kept_ranks_give_the_median_and_the_90th_percentile(db, size):
    values = [float((i * 37) % 23) * 1.5 for i in range(size)]
    sql = ReportStatement()
    table = " UNION ALL ".join(f"SELECT {v} AS x" for v in values)
    text = (f"WITH v AS ({table}), ranked AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS rn, "
            f"COUNT(*) OVER () AS size FROM v) SELECT rn, size, x FROM ranked WHERE {kept_ranks('rn', 'size')}")
    kept = {int(r["rn"]): float(r["x"]) for r in await sql.rows(text)}
    assert len(kept) <= 4
    assert quantile(kept, size, MEDIAN) == pytest.approx(_expected(values, 0.5))
    assert quantile(kept, size, P90) == pytest.approx(_expected(values, 0.9))
    if sql.postgres:
        cont = (await sql.rows(f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS m, percentile_cont(0.9) "
                               f"WITHIN GROUP (ORDER BY x) AS p FROM ({table}) v"))[0]
        assert (quantile(kept, size, MEDIAN), quantile(kept, size, P90)) == pytest.approx((cont["m"], cont["p"]))


def test_no_values_have_no_quantile():
    assert quantile({}, 0, MEDIAN) is None
