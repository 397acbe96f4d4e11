"""Secrets Manager facts: is the secret a replica (its primary lives in another Region), and in
which other Regions is it replicated?"""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

SECRET = "AWS::SecretsManager::Secret"


def link_secret_replicas(index: ResourceIndex) -> None:
    """derived.is_replica and derived.replicas ([{Region, Status}] in other Regions)."""
    for secret in index.of_type(SECRET):
        primary = secret["properties"].get("PrimaryRegion")
        index.set_derived(secret, "is_replica", bool(primary) and primary != secret["region"])
        problem = index.detail_problem(secret, "ReplicationStatus")
        if problem:
            index.set_unknown(secret, "replicas", problem)
            continue
        statuses = secret["properties"]["ReplicationStatus"] or []
        index.set_derived(secret, "replicas", [
            {"Region": s.get("Region"), "Status": s.get("Status"), "StatusMessage": s.get("StatusMessage")}
            for s in statuses if s.get("Region") != secret["region"]
        ])


LINKERS = (
    Linker(
        name="secretsmanager-replicas",
        provides={SECRET: ("is_replica", "replicas")},
        requires={SECRET: ("ReplicationStatus",)},
        link=link_secret_replicas,
    ),
)
