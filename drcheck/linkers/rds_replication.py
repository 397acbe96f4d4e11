"""Copies of RDS databases in other Regions: read replicas, global databases, replicated
automated backups and snapshot copies, found from either side of the copy."""

from __future__ import annotations

from collections import defaultdict

from drcheck import unknowns
from drcheck.arns import region_of
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region

# Copies that follow the source continuously (a snapshot copy is only as new as its Time).
LIVE_KINDS = ("read-replica", "global-database", "automated-backup-replication")


def _snapshot_copies(index: ResourceIndex, snapshot_type: str, source_region_of, keys) -> dict:
    """(account, source Region, identity key) -> [(the copy's source resource id, copy)] found in
    other Regions."""
    found: dict[tuple, list[tuple]] = defaultdict(list)
    for snapshot in index.of_type(snapshot_type):
        props = snapshot["properties"]
        source_region = source_region_of(props)
        if not source_region or source_region == snapshot["region"] or props.get("Status") != "available":
            continue
        entry = {"Kind": "snapshot-copy", "Region": snapshot["region"], "Identifier": snapshot["id"],
                 "Time": props.get("SnapshotCreateTime")}
        for key in keys:
            if props.get(key):
                found[(snapshot["account_id"], source_region, key, props[key])].append((props.get(keys[0]), entry))
    return found


def _copies_of(found: dict, resource: dict, keys) -> list[dict]:
    """Snapshot copies matched by resource id when both sides have it, else by identifier.

    keys = (resource-id key, identifier key). A copy naming another resource id is a copy of another
    database that had this name (deleted, then re-created): never this one's DR copy."""
    props = resource["properties"]
    own_id = props.get(keys[0])
    for key in keys:
        if props.get(key):
            listed = found.get((resource["account_id"], resource["region"], key, props[key]), [])
            copies = [entry for copy_id, entry in listed
                      if not (own_id and copy_id and copy_id != own_id)]
            if copies:
                return copies
    return []


def _settle(index: ResourceIndex, resource: dict, copies: list[dict], problems: list[str]) -> None:
    # A live copy is an answer whatever else failed; otherwise a Region we could not read might
    # hold the copy, so the answer is unknown.
    if problems and not any(c["Kind"] in LIVE_KINDS for c in copies):
        index.set_unknown(resource, "cross_region_copies", unknowns.join(problems))
    else:
        index.set_derived(resource, "cross_region_copies", copies)


def link_instance_copies(index: ResourceIndex) -> None:
    """derived.cross_region_copies of DB instances: [{Kind, Region, Identifier, Time?, Status?}]."""
    keys = ("DbiResourceId", "DBInstanceIdentifier")
    found = _snapshot_copies(index, "AWS::RDS::DBSnapshot", lambda p: p.get("SourceRegion"), keys)
    replicated = {r["arn"]: r for r in index.of_type("AWS::RDS::DBInstanceAutomatedBackup") if r.get("arn")}
    for instance in index.of_type("AWS::RDS::DBInstance"):
        props = instance["properties"]
        copies = []
        # Same-Region replicas are named by identifier, cross-Region ones by ARN.
        for replica in (props.get("ReadReplicaDBInstanceIdentifiers") or []) + \
                (props.get("ReadReplicaDBClusterIdentifiers") or []):
            region = region_of(replica)
            if region and region != instance["region"]:
                copies.append({"Kind": "read-replica", "Region": region, "Identifier": replica})
        for replication in props.get("DBInstanceAutomatedBackupsReplications") or []:
            arn = replication.get("DBInstanceAutomatedBackupsArn")
            entry = {"Kind": "automated-backup-replication", "Region": region_of(arn), "Identifier": arn}
            backup = replicated.get(arn)
            if backup:  # the destination Region was scanned: say how current the copy is
                entry["Status"] = backup["properties"].get("Status")
                entry["Time"] = (backup["properties"].get("RestoreWindow") or {}).get("LatestTime")
            copies.append(entry)
        copies.extend(_copies_of(found, instance, keys))
        _settle(index, instance, copies, index.problems_in_account(instance["account_id"], "AWS::RDS::DBSnapshot"))


def link_cluster_copies(index: ResourceIndex) -> None:
    """derived.cross_region_copies of DB clusters: global-database members in other Regions,
    cross-Region read replica clusters and cluster snapshot copies."""
    keys = ("DbClusterResourceId", "DBClusterIdentifier")
    found = _snapshot_copies(index, "AWS::RDS::DBClusterSnapshot",
                             lambda p: region_of(p.get("SourceDBClusterSnapshotArn")), keys)
    global_of: dict[str, dict] = {}
    for global_cluster in index.of_type("AWS::RDS::GlobalCluster"):
        for member in global_cluster["properties"].get("GlobalClusterMembers") or []:
            global_of[str(member.get("DBClusterArn"))] = global_cluster
    for cluster in index.of_type("AWS::RDS::DBCluster"):
        props = cluster["properties"]
        copies = []
        global_database = global_of.get(str(cluster.get("arn")))
        if global_database:
            for member in global_database["properties"].get("GlobalClusterMembers") or []:
                region = region_of(member.get("DBClusterArn"))
                if region and region != cluster["region"]:
                    copies.append({"Kind": "global-database", "Region": region,
                                   "Identifier": global_database["id"], "Member": member.get("DBClusterArn")})
        for replica in props.get("ReadReplicaIdentifiers") or []:
            region = region_of(replica)
            if region and region != cluster["region"]:
                copies.append({"Kind": "read-replica", "Region": region, "Identifier": replica})
        copies.extend(_copies_of(found, cluster, keys))
        problems = index.problems_in_account(cluster["account_id"], "AWS::RDS::DBClusterSnapshot")
        problems += index.problems_in_account(cluster["account_id"], "AWS::RDS::GlobalCluster")
        _settle(index, cluster, copies, problems)


def link_backup_source(index: ResourceIndex) -> None:
    """derived.source_region of automated backups: the source Region of a replicated backup
    (None for the Region's own backups)."""
    for backup in index.of_type("AWS::RDS::DBInstanceAutomatedBackup"):
        props = backup["properties"]
        source = region_of(props.get("DBInstanceArn")) or props.get("Region")
        cross = other_region(source, backup["region"])
        if cross is None:
            index.set_unknown(backup, "source_region", "the automated backup names no source Region")
        else:
            index.set_derived(backup, "source_region", source if cross else None)


LINKERS = (
    Linker(
        name="rds-instance-cross-region-copies",
        provides={"AWS::RDS::DBInstance": ("cross_region_copies",)},
        reads={"AWS::RDS::DBInstance": (), "AWS::RDS::DBSnapshot": (), "AWS::RDS::DBInstanceAutomatedBackup": ()},
        link=link_instance_copies,
    ),
    Linker(
        name="rds-cluster-cross-region-copies",
        provides={"AWS::RDS::DBCluster": ("cross_region_copies",)},
        reads={"AWS::RDS::DBCluster": (), "AWS::RDS::GlobalCluster": (), "AWS::RDS::DBClusterSnapshot": ()},
        link=link_cluster_copies,
    ),
    Linker(
        name="rds-automated-backup-source",
        provides={"AWS::RDS::DBInstanceAutomatedBackup": ("source_region",)},
        reads={"AWS::RDS::DBInstanceAutomatedBackup": ()},
        link=link_backup_source,
    ),
)
