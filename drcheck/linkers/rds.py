"""RDS cluster facts that live on the member instances."""

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


LINKERS = (
    Linker(
        name="rds-cluster-members",
        provides={"AWS::RDS::DBCluster": ("member_availability_zones",)},
        requires={"AWS::RDS::DBInstance": (), "AWS::RDS::DBCluster": ()},
        link=link_cluster_members,
    ),
)
