"""RDS facts that live on other resources: where a cluster's members run, and the newest snapshot
of each instance and cluster."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex


def link_cluster_members(index: ResourceIndex) -> None:
    """Stamp each DB cluster with the Availability Zones its member instances actually run in.

    DBCluster.AvailabilityZones lists where instances *may* be placed, not where they are, so
    it cannot say whether a cluster survives an AZ loss.
    """
    instances = {(r["account_id"], r["region"], r["id"]): r for r in index.of_type("AWS::RDS::DBInstance")}
    for cluster in index.of_type("AWS::RDS::DBCluster"):
        problem = index.problem(cluster["account_id"], cluster["region"], "AWS::RDS::DBInstance")
        members = cluster["properties"].get("DBClusterMembers") or []
        zones: set[str] = set()
        missing: list[str] = []
        for member in members:
            instance = instances.get((cluster["account_id"], cluster["region"], member.get("DBInstanceIdentifier")))
            zone = instance["properties"].get("AvailabilityZone") if instance else None
            if zone:
                zones.add(zone)
            else:
                missing.append(str(member.get("DBInstanceIdentifier")))
        if missing and len(zones) < 2:
            index.set_unknown(cluster, "member_availability_zones",
                              problem or f"Availability Zone of member(s) {', '.join(missing)} not known")
            continue
        index.set_derived(cluster, "member_availability_zones", sorted(zones))


def _latest(snapshots: list[dict], owner: dict, id_key: str, resource_id_key: str) -> str | None:
    """SnapshotCreateTime of the newest available snapshot of `owner` in its own Region.

    Matched by resource id (DbiResourceId / DbClusterResourceId, which survives renames and
    tells apart a deleted and re-created database of the same name), else by identifier.
    """
    owner_props = owner["properties"]
    newest = None
    for snapshot in snapshots:
        props = snapshot["properties"]
        if snapshot["account_id"] != owner["account_id"] or snapshot["region"] != owner["region"]:
            continue
        if props.get("Status") != "available" or not props.get("SnapshotCreateTime"):
            continue
        if owner_props.get(resource_id_key) and props.get(resource_id_key):
            if props[resource_id_key] != owner_props[resource_id_key]:
                continue
        elif props.get(id_key) != owner["id"]:
            continue
        # ISO-8601 UTC strings compare in time order.
        if newest is None or props["SnapshotCreateTime"] > newest:
            newest = props["SnapshotCreateTime"]
    return newest


def _link_latest(index: ResourceIndex, owner_type: str, snapshot_type: str, id_key: str, resource_id_key: str) -> None:
    snapshots = index.of_type(snapshot_type)
    for owner in index.of_type(owner_type):
        newest = _latest(snapshots, owner, id_key, resource_id_key)
        problem = index.problem(owner["account_id"], owner["region"], snapshot_type)
        if newest is None and problem:
            index.set_unknown(owner, "latest_snapshot_time", problem)
        else:
            index.set_derived(owner, "latest_snapshot_time", newest)


def link_instance_snapshots(index: ResourceIndex) -> None:
    """derived.latest_snapshot_time of instances: newest available automated or manual snapshot."""
    _link_latest(index, "AWS::RDS::DBInstance", "AWS::RDS::DBSnapshot", "DBInstanceIdentifier", "DbiResourceId")


def link_cluster_snapshots(index: ResourceIndex) -> None:
    """derived.latest_snapshot_time of clusters: newest available automated or manual cluster snapshot."""
    _link_latest(index, "AWS::RDS::DBCluster", "AWS::RDS::DBClusterSnapshot", "DBClusterIdentifier",
                 "DbClusterResourceId")


LINKERS = (
    Linker(
        name="rds-cluster-members",
        provides={"AWS::RDS::DBCluster": ("member_availability_zones",)},
        requires={"AWS::RDS::DBInstance": (), "AWS::RDS::DBCluster": ()},
        link=link_cluster_members,
    ),
    Linker(
        name="rds-instance-latest-snapshot",
        provides={"AWS::RDS::DBInstance": ("latest_snapshot_time",)},
        requires={"AWS::RDS::DBSnapshot": (), "AWS::RDS::DBInstance": ()},
        link=link_instance_snapshots,
    ),
    Linker(
        name="rds-cluster-latest-snapshot",
        provides={"AWS::RDS::DBCluster": ("latest_snapshot_time",)},
        requires={"AWS::RDS::DBClusterSnapshot": (), "AWS::RDS::DBCluster": ()},
        link=link_cluster_snapshots,
    ),
)
