"""ECR facts: which Regions (and registries) each repository's images are replicated to.

Registry replication rules apply to every repository unless they carry repository filters, in
which case a repository is replicated when its name starts with one of the filters (PREFIX_MATCH,
the only filter type). The rules are read from the registry of the repository's own Region.
"""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region

REPOSITORY = "AWS::ECR::Repository"
REGISTRY = "AWS::ECR::Registry"


def _rule_applies(rule: dict, name: str) -> bool:
    filters = rule.get("repositoryFilters") or []
    return not filters or any(f.get("filterType", "PREFIX_MATCH") == "PREFIX_MATCH"
                              and name.startswith(str(f.get("filter", ""))) for f in filters)


def _destination(destination: dict, region: str) -> dict:
    entry = {"Region": destination.get("region"), "RegistryId": destination.get("registryId")}
    cross = other_region(destination.get("region"), region)
    if cross is None:
        entry["_unavailable"] = {"CrossRegion": {"reason": "the replication rule's destination names no Region"}}
    else:
        entry["CrossRegion"] = cross
    return entry


def link_repository_replication(index: ResourceIndex) -> None:
    """derived.replication_destinations: [{Region, RegistryId, CrossRegion}] for each repository."""
    registries = {(r["account_id"], r["region"]): r for r in index.of_type(REGISTRY)}
    for repository in index.of_type(REPOSITORY):
        scope = (repository["account_id"], repository["region"])
        registry = registries.get(scope)
        if registry is None:
            index.set_unknown(repository, "replication_destinations",
                              index.problem(*scope, REGISTRY) or f"{REGISTRY} missing for {scope[1]}")
            continue
        rules = ((registry["properties"].get("replicationConfiguration") or {}).get("rules")) or []
        name = str(repository["properties"].get("repositoryName", repository["id"]))
        destinations = [
            _destination(d, repository["region"])
            for rule in rules if _rule_applies(rule, name) for d in rule.get("destinations") or []
        ]
        index.set_derived(repository, "replication_destinations", destinations)


LINKERS = (
    Linker(
        name="ecr-repository-replication",
        provides={REPOSITORY: ("replication_destinations",)},
        reads={REPOSITORY: (), REGISTRY: ()},
        link=link_repository_replication,
    ),
)
