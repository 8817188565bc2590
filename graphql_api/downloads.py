"""Plain HTTP downloads beside ``/graphql``: the console's reports as CSV, and the open-data export.

- ``GET /reports/<name>.csv?from=2025-03-01&to=2025-03-31[&communityId=<Area ID>]``: one report table
  (:data:`resolvers.reports.tables.TABLES`: ``needs``, ``need-summary``, ``need-timings``, ``providers``,
  ``provider-organizations``, ``incubation``, ``projects``), authorized exactly as the GraphQL report
  (``Authorization: Bearer <token>``; staff their communities, centre admins all, an organization's
  admin its provider and project figures). UTF-8 with a byte-order mark, so Excel shows the Chinese
  headers, sent as an attachment.
- ``GET /volunteer-hours/statement.csv?[from=&to=&professionalId=<Professional ID>]``: a volunteer's
  statement of hours with the record fields of a volunteer-service record (the caller's own, or one they may
  see: an organization's admin their members', staff and centre admins anyone's), recipients masked.
- ``GET /open-data/hsds.json``: the public directory in the Open Referral HSDS 3.0 shape
  (:mod:`resolvers.open_data`), for anyone; never a resident's data.

Both resolve the caller as ``/graphql`` does (bad credentials are refused, not taken as anonymous) and
charge its rate budget a fixed cost. Errors come as the GraphQL error body with ``extensions.code``.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import date

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry import relay

from graphql_api.auth import viewer_from_request
from graphql_api.rate_limit import RateLimiter
from graphql_api.responses import JSON, EdgeError
from graphql_api.settings import Settings
from graphql_api.types.common import decode_id
from resolvers import volunteer_hours
from resolvers.access import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.open_data import hsds_export
from resolvers.reports.scope import ReportPeriod
from resolvers.reports.tables import Table, report_table
from resolvers.scope import load_scope

log = logging.getLogger("linli.downloads")
REPORT_COST = 50
EXPORT_COST = 20
STATUSES = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404}


def csv_bytes(table: Table) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark (CRLF line ends, as RFC 4180 and Excel expect)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return "\ufeff".encode() + text.getvalue().encode("utf-8")


def _day(request: Request, name: str) -> date:
    value = request.query_params.get(name)
    if not value:
        raise DomainError(ErrorCode.REQUIRED, f"Give `{name}` as a date, e.g. {name}=2025-03-01.", name)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, f"`{name}` must be a date like 2025-03-01.", name) from None


def _optional_day(request: Request, name: str) -> date | None:
    return _day(request, name) if request.query_params.get(name) else None


def _node_id(request: Request, name: str, type_name: str) -> int | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception:  # strawberry raises several kinds for malformed base64 or text
        raise DomainError(ErrorCode.INVALID_ID, f"`{name}` is not a valid ID.", name) from None
    return decode_id(global_id, type_name, name)


def _community(request: Request) -> int | None:
    return _node_id(request, "communityId", "Area")


class Download:
    """An endpoint that resolves the caller, charges its budget and answers with a body or a coded error."""

    def __init__(self, settings: Settings, limiter: RateLimiter, cost: int,
                 answer: Callable[[Request, Viewer], Awaitable[Response]]) -> None:
        self.settings, self.limiter, self.cost, self.answer = settings, limiter, cost, answer

    async def respond(self, request: Request) -> Response:
        """The answer to one request (a request/response endpoint of Starlette)."""
        try:
            viewer = await viewer_from_request(request, self.settings)
            if viewer.auth_error:
                raise DomainError(ErrorCode.UNAUTHENTICATED, viewer.auth_error)
            verdict = await self.limiter.charge(viewer.rate_key, self.cost)
            if not verdict.allowed:
                raise EdgeError(429, ErrorCode.RATE_LIMITED, str(verdict.error().message),
                                {"Retry-After": str(verdict.reset_after)}, retryAfter=verdict.reset_after)
            return await self.answer(request, viewer)
        except EdgeError as error:
            return _error(error)
        except DomainError as error:
            return _error(EdgeError(STATUSES.get(error.code, 400), error.code, error.message))
        except Exception as error:  # unexpected: masked, logged with a correlation id
            correlation_id = uuid.uuid4().hex
            log.error("Unexpected error %s in a download", correlation_id, exc_info=error)
            return _error(EdgeError(500, ErrorCode.INTERNAL, f"Unexpected error; quote correlation id "
                                    f"{correlation_id} when reporting it.", correlationId=correlation_id))


def _error(error: EdgeError) -> Response:
    return Response(orjson.dumps(error.body()), status_code=error.status, headers=error.headers, media_type=JSON)


async def report_csv(request: Request, viewer: Viewer) -> Response:
    """One report table as a CSV attachment."""
    name = request.path_params["name"]
    period = ReportPeriod.of(_day(request, "from"), _day(request, "to"))
    table = await report_table(name, await load_scope(viewer), period, _community(request))
    return _attachment(table, f"linli-{name}-{period.first_day.isoformat()}-{period.last_day.isoformat()}.csv")


def _attachment(table: Table, filename: str) -> Response:
    return Response(csv_bytes(table), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


async def statement_csv(request: Request, viewer: Viewer) -> Response:
    """A volunteer's statement of hours as a CSV attachment."""
    period = volunteer_hours.Period(_optional_day(request, "from"), _optional_day(request, "to"))
    found = await volunteer_hours.statement(await load_scope(viewer), _node_id(request, "professionalId",
                                                                               "Professional"), period)
    headers, rows = volunteer_hours.statement_rows(found)
    return _attachment(Table(headers, rows), f"linli-volunteer-hours-{found.professional.id}.csv")


async def hsds_json(request: Request, viewer: Viewer) -> Response:
    """The HSDS 3.0 open-data export."""
    body = orjson.dumps(await hsds_export())
    return Response(body, media_type=JSON, headers={"Cache-Control": "public, max-age=300"})


def download_routes(settings: Settings, limiter: RateLimiter) -> list[Route]:
    """The routes of the downloads, sharing the GraphQL endpoint's rate limiter."""
    return [
        Route("/reports/{name}.csv", Download(settings, limiter, REPORT_COST, report_csv).respond, methods=["GET"]),
        Route("/volunteer-hours/statement.csv", Download(settings, limiter, REPORT_COST, statement_csv).respond,
              methods=["GET"]),
        Route("/open-data/hsds.json", Download(settings, limiter, EXPORT_COST, hsds_json).respond, methods=["GET"]),
    ]
