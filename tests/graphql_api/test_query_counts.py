"""SQL statements per nested query do not grow with page size (measured on the demo subdistrict)."""

import pytest

from resolvers.demo import load_demo_data

QUERIES = {
    "organizations>projects>sessions>enrollments": """query($n: Int!) {
      organizations(first: $n) { totalCount edges { node { name area { name } incubatedBy { name }
        projects(first: $n) { totalCount edges { node { name leads(first: $n) { edges { node { name } } }
          sessions(first: $n) { totalCount edges { node { title confirmedCount
            enrollments(first: $n) { totalCount edges { node { status residentDisplayName } } } } } } } } } } } }
    }""",
    "needs>resident,community,matches>provider": """query($n: Int!) {
      needs(first: $n, filter: {status: [ACCEPTED, COMPLETED, CLOSED]}) { totalCount edges { node {
        title categoryLabel resident { displayName community { name } }
        community { name } matches(first: $n) { totalCount edges { node { score provider {
          ... on Professional { name } ... on Organization { name } } } } } } } }
    }""",
    "professionals>certifications,serviceAreas,memberships>organization": """query($n: Int!) {
      professionals(first: $n) { totalCount edges { node { name certifications(first: $n) { edges { node { kind } } }
        serviceAreas(first: $n) { edges { node { name } } }
        memberships(first: $n) { edges { node { role organization { name } } } } } } }
    }""",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_statement_count_independent_of_page_size(admin_gql, sql, name):
    await load_demo_data()
    counts = {}
    for n in (10, 100):
        with sql() as counter:
            await admin_gql.ok(QUERIES[name], {"n": n})
        counts[n] = counter.count
    print(f"\n{name}: {counts[10]} statements at first=10, {counts[100]} at first=100")
    assert counts[10] == counts[100]
