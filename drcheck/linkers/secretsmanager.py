"""Secrets Manager facts: is the secret a replica (its primary lives in another Region), and in
which other Regions is it replicated?"""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region

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
        replicas = []
        for status in secret["properties"]["ReplicationStatus"] or []:
            cross = other_region(status.get("Region"), secret["region"])
            if cross is False:
                continue
            entry = {"Region": status.get("Region"), "Status": status.get("Status"),
                     "StatusMessage": status.get("StatusMessage")}
            if cross is None:  # not known to be in another Region, so not known to be a copy elsewhere
                entry = {"Region": None, "_unavailable": {"Status": {"reason": "a replica names no Region"}}}
            replicas.append(entry)
        index.set_derived(secret, "replicas", replicas)


LINKERS = (
    Linker(
        name="secretsmanager-replicas",
        provides={SECRET: ("is_replica", "replicas")},
        reads={SECRET: ("ReplicationStatus",)},
        link=link_secret_replicas,
    ),
)
