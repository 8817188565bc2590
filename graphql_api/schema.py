"""The strawberry schema: root types merged from one module per concept.

``python -m graphql_api.schema`` prints the SDL; ``schema.graphql`` is that output, checked by a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from graphql_api.auth import RefuseBadCredentials
from graphql_api.cost import CostLimit
from graphql_api.document_cache import DocumentCache
from graphql_api.errors import CodedErrors
from graphql_api.execution import LinliExecutor, install_plain_resolvers
from graphql_api.extensions import combine
from graphql_api.field_plans import install_cast_type_resolvers
from graphql_api.limits import DocumentLimits
from graphql_api.mutations.account import AccountMutation
from graphql_api.mutations.attendance import AttendanceMutation
from graphql_api.mutations.auth import AuthMutation
from graphql_api.mutations.certification import CertificationMutation
from graphql_api.mutations.lifecycle import LifecycleMutation
from graphql_api.mutations.match import MatchMutation
from graphql_api.mutations.need import NeedMutation
from graphql_api.mutations.organization import OrganizationMutation
from graphql_api.mutations.privacy import PrivacyMutation
from graphql_api.mutations.professional import ProfessionalMutation
from graphql_api.mutations.project import ProjectMutation
from graphql_api.mutations.resident import ResidentMutation
from graphql_api.mutations.service_record import ServiceRecordMutation
from graphql_api.mutations.session import SessionMutation
from graphql_api.mutations.time_bank import TimeBankMutation
from graphql_api.permissions import require_sign_in
from graphql_api.public_cache import InvalidatePublicReads
from graphql_api.queries.accounts import AccountQuery
from graphql_api.queries.directory import DirectoryQuery
from graphql_api.queries.matching import MatchingQuery
from graphql_api.queries.needs import NeedQuery
from graphql_api.queries.notifications import NotificationQuery
from graphql_api.queries.people import PeopleQuery
from graphql_api.queries.privacy import PrivacyQuery
from graphql_api.queries.projects import ProjectQuery
from graphql_api.queries.queues import QueueQuery
from graphql_api.queries.reports import ReportQuery
from graphql_api.queries.residents import ResidentQuery
from graphql_api.queries.service_records import ServiceRecordQuery
from graphql_api.queries.statistics import StatisticsQuery
from graphql_api.queries.time_bank import TimeBankQuery
from graphql_api.queries.volunteer_hours import VolunteerHoursQuery
from graphql_api.subscriptions import Subscription

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


@strawberry.type
class NodeQuery:
    node: relay.Node | None = relay.node(description="Fetch any object by its global ID.")


QUERIES: tuple[type, ...] = (
    PrivacyQuery, StatisticsQuery,
    NodeQuery, DirectoryQuery, ResidentQuery, NeedQuery, PeopleQuery, ProjectQuery, AccountQuery,
    MatchingQuery,
    QueueQuery, ServiceRecordQuery,
    ReportQuery,
    TimeBankQuery, VolunteerHoursQuery,
    NotificationQuery,
)
MUTATIONS: tuple[type, ...] = (
    PrivacyMutation,
    OrganizationMutation, ResidentMutation, NeedMutation, ProfessionalMutation, CertificationMutation,
    ProjectMutation, SessionMutation, AuthMutation, AccountMutation,
    MatchMutation,
    LifecycleMutation, ServiceRecordMutation,
    TimeBankMutation, AttendanceMutation,
)

Query = merge_types("Query", QUERIES)
Query.__strawberry_definition__.description = "Entry points for reading Linli's data."
Mutation = merge_types("Mutation", MUTATIONS)
Mutation.__strawberry_definition__.description = "Every change to Linli's data; each returns a payload."
require_sign_in(Mutation)

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(relay_max_results=100),
    extensions=[combine(CodedErrors, RefuseBadCredentials, DocumentLimits, CostLimit, DocumentCache,
                        InvalidatePublicReads)],  # one extension for Strawberry: graphql_api.extensions
    execution_context_class=LinliExecutor,  # read-only leaf fields skip the generic machinery (graphql_api.execution)
)
install_plain_resolvers(schema._schema)
install_cast_type_resolvers(schema._schema)  # a cast node's type by a look-up (graphql_api.field_plans)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return schema.as_str() + "\n"


def main() -> None:
    """Write ``schema.graphql`` (or print it with ``--print``)."""
    if "--print" in sys.argv:
        sys.stdout.write(sdl())
        return
    SCHEMA_PATH.write_text(sdl(), encoding="utf-8")
    print(f"Wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()
