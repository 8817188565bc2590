"""Reports for the centre's console: figures computed by SQL aggregates in the database, never row by row.

- :mod:`resolvers.reports.scope`: the period, who may see which report and over which communities.
- :mod:`resolvers.reports.sql`: the dialect details the statements share (PostgreSQL and SQLite).
- :mod:`resolvers.reports.percentiles`: median and 90th percentile with window functions (both dialects).
- :mod:`resolvers.reports.needs`, :mod:`~resolvers.reports.providers`, :mod:`~resolvers.reports.incubation`,
  :mod:`~resolvers.reports.projects`: one module per report.
- :mod:`resolvers.reports.tables`: the same figures as tables for the CSV downloads.

Each report answers in a handful of statements whatever the size of the city; only aggregated rows
(one per community, category and status; per organization; per project) ever reach Python, and none of
them holds personal data.
"""
