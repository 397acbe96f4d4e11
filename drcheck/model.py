"""The plain values that pass between stages: statuses, severities and their weights.

Inventories, findings and score cards are plain dicts (JSON-serialisable) so that every stage's
output can be saved and read back by the next stage in another run.
"""

from enum import StrEnum


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"  # could not tell: access denied, API error, data missing
    NOT_APPLICABLE = "NOT_APPLICABLE"


SEVERITY_WEIGHTS: dict[str, int] = {"critical": 10, "high": 5, "medium": 3, "low": 1}
SEVERITIES = tuple(SEVERITY_WEIGHTS)

# Categories answer "what does this protect against?":
#   backup            - can the data be restored to an earlier point (corruption, deletion)?
#   replication       - is there a copy in another Region (Region loss)?
#   high-availability - does it survive an Availability Zone loss?
#   protection        - can the resource or its backups be deleted by mistake or by an attacker?
#   recovery-readiness - is recovery exercised and observable (restore tests, failed jobs, health checks)?
CATEGORIES = ("backup", "replication", "high-availability", "protection", "recovery-readiness")

INVENTORY_SCHEMA_VERSION = 1
FINDINGS_SCHEMA_VERSION = 1
