"""Whether the matching services write need events yet.

Proposals and answers change a need's status in the matching services; once they do it through
``resolvers.lifecycle.transition`` (as every other step does), the PROPOSED and ACCEPTED events exist and
the tests that expect them stop being expected failures.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATCHING_WIRED = all("lifecycle" in (ROOT / "resolvers" / name).read_text(encoding="utf-8")
                     for name in ("matching.py", "match_responses.py"))
