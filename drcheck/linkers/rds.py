"""RDS facts that live on other resources: where a cluster's members run, the newest snapshot
of each instance and cluster, and an instance's manual and AWS Backup snapshot history."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

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


class _OwnedSnapshots:
    """The available snapshots of each database in its own account and Region, indexed once.

    Matched by resource id (DbiResourceId / DbClusterResourceId, which survives renames and
    tells apart a deleted and re-created database of the same name), else by identifier. A
    resource id that several databases of the scan carry cannot tell them apart (an emulator's
    answer; AWS makes them unique), so those are matched by identifier too. An index, not a scan
    of every snapshot per database: that was quadratic (9.5 s at 16x the large bench account).
    """

    def __init__(self, snapshots: list[dict], id_key: str, resource_id_key: str, shared_ids: set[str]):
        self.resource_id_key = resource_id_key
        self.shared_ids = shared_ids
        self.by_resource_id: dict[tuple[str, str, str], list[tuple[int, dict]]] = defaultdict(list)
        self.by_identifier: dict[tuple[str, str, str], list[tuple[int, dict]]] = defaultdict(list)
        for position, snapshot in enumerate(snapshots):
            props = snapshot["properties"]
            if props.get("Status") != "available" or not props.get("SnapshotCreateTime"):
                continue
            scope = (snapshot["account_id"], snapshot["region"])
            if props.get(resource_id_key):
                self.by_resource_id[(*scope, props[resource_id_key])].append((position, snapshot))
            if props.get(id_key) is not None:
                self.by_identifier[(*scope, props[id_key])].append((position, snapshot))

    def of(self, owner: dict) -> list[dict]:
        """`owner`'s snapshots, in inventory order."""
        scope = (owner["account_id"], owner["region"])
        owner_resource_id = owner["properties"].get(self.resource_id_key)
        by_name = self.by_identifier.get((*scope, owner["id"]), [])
        if not owner_resource_id or owner_resource_id in self.shared_ids:
            return [snapshot for _, snapshot in by_name]
        # A snapshot naming a resource id is matched by it; one without, by identifier.
        found = self.by_resource_id.get((*scope, owner_resource_id), []) + [
            pair for pair in by_name if not pair[1]["properties"].get(self.resource_id_key)]
        return [snapshot for _, snapshot in sorted(found, key=lambda pair: pair[0])]


def _shared_resource_ids(owners: list[dict], resource_id_key: str) -> set[str]:
    seen: dict[tuple[str, str, str], int] = {}
    for owner in owners:
        value = owner["properties"].get(resource_id_key)
        if value:
            key = (owner["account_id"], owner["region"], value)
            seen[key] = seen.get(key, 0) + 1
    return {value for (_, _, value), count in seen.items() if count > 1}


def _link_latest(index: ResourceIndex, owner_type: str, snapshot_type: str, id_key: str, resource_id_key: str) -> None:
    snapshots = index.of_type(snapshot_type)
    owners = index.of_type(owner_type)
    owned = _OwnedSnapshots(snapshots, id_key, resource_id_key, _shared_resource_ids(owners, resource_id_key))
    for owner in owners:
        # ISO-8601 UTC strings compare in time order.
        times = [s["properties"]["SnapshotCreateTime"] for s in owned.of(owner)]
        newest = max(times) if times else None
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


# Snapshots someone chose to take (by hand, a script, or an AWS Backup plan). Automated
# snapshots are RDS's automated backups themselves, judged by BackupRetentionPeriod, so they
# cannot also stand for a separate snapshot regime.
REGIME_SNAPSHOT_TYPES = ("manual", "awsbackup")


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_instance_manual_snapshots(index: ResourceIndex) -> None:
    """derived.manual_snapshots of DB instances: available manual and AWS Backup snapshots, newest
    first, each with GapDays, the days since the next older one (None for the oldest).

    A rule reads a snapshot *regime* from it: snapshots recurring at a bounded interval back
    through the retention window, which one snapshot, however recent, is not.
    """
    snapshots = [s for s in index.of_type("AWS::RDS::DBSnapshot")
                 if s["properties"].get("SnapshotType") in REGIME_SNAPSHOT_TYPES]
    owners = index.of_type("AWS::RDS::DBInstance")
    owned = _OwnedSnapshots(snapshots, "DBInstanceIdentifier", "DbiResourceId",
                            _shared_resource_ids(owners, "DbiResourceId"))
    for owner in owners:
        problem = index.problem(owner["account_id"], owner["region"], "AWS::RDS::DBSnapshot")
        if problem:
            index.set_unknown(owner, "manual_snapshots", problem)
            continue
        dated = []
        for snapshot in owned.of(owner):
            moment = _moment(snapshot["properties"]["SnapshotCreateTime"])
            if moment is not None:
                dated.append((moment, snapshot))
        dated.sort(key=lambda pair: pair[0], reverse=True)
        entries = []
        for position, (moment, snapshot) in enumerate(dated):
            older = dated[position + 1][0] if position + 1 < len(dated) else None
            entries.append({
                "Identifier": snapshot["id"],
                "SnapshotType": snapshot["properties"].get("SnapshotType"),
                "Time": snapshot["properties"]["SnapshotCreateTime"],
                "GapDays": round((moment - older).total_seconds() / 86400, 3) if older else None,
            })
        index.set_derived(owner, "manual_snapshots", entries)


LINKERS = (
    Linker(
        name="rds-cluster-members",
        provides={"AWS::RDS::DBCluster": ("member_availability_zones",)},
        reads={"AWS::RDS::DBInstance": (), "AWS::RDS::DBCluster": ()},
        link=link_cluster_members,
    ),
    Linker(
        name="rds-instance-latest-snapshot",
        provides={"AWS::RDS::DBInstance": ("latest_snapshot_time",)},
        reads={"AWS::RDS::DBSnapshot": (), "AWS::RDS::DBInstance": ()},
        link=link_instance_snapshots,
    ),
    Linker(
        name="rds-instance-manual-snapshots",
        provides={"AWS::RDS::DBInstance": ("manual_snapshots",)},
        reads={"AWS::RDS::DBSnapshot": (), "AWS::RDS::DBInstance": ()},
        link=link_instance_manual_snapshots,
    ),
    Linker(
        name="rds-cluster-latest-snapshot",
        provides={"AWS::RDS::DBCluster": ("latest_snapshot_time",)},
        reads={"AWS::RDS::DBClusterSnapshot": (), "AWS::RDS::DBCluster": ()},
        link=link_cluster_snapshots,
    ),
)
