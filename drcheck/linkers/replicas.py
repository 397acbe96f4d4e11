"""Where live copies of data run: read replicas, global databases and tables, replication sources.

Cross-Region copies decide whether a workload survives losing a Region, so each fact carries the
copy's Region. RDS names same-Region replicas by identifier and cross-Region ones by ARN; an ARN's
Region is read from the ARN, a bare identifier is in the resource's own Region.
"""

from __future__ import annotations

from drcheck import arns, unknowns
from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex
from drcheck.linkers.regions import other_region


def _copy(identifier: str, own_region: str) -> dict:
    region = arns.region_or(identifier, own_region)
    return {"Identifier": identifier, "Region": region, "CrossRegion": region != own_region}


def link_rds_instance_replicas(index: ResourceIndex) -> None:
    """derived.read_replicas and derived.replica_source of RDS DB instances."""
    for instance in index.of_type("AWS::RDS::DBInstance"):
        props, region = instance["properties"], instance["region"]
        replicas = [_copy(i, region) for i in props.get("ReadReplicaDBInstanceIdentifiers") or []]
        replicas += [_copy(i, region) for i in props.get("ReadReplicaDBClusterIdentifiers") or []]
        index.set_derived(instance, "read_replicas", replicas)
        source = props.get("ReadReplicaSourceDBInstanceIdentifier") or props.get("ReadReplicaSourceDBClusterIdentifier")
        index.set_derived(instance, "replica_source", _copy(source, region) if source else None)


def link_rds_cluster_replicas(index: ResourceIndex) -> None:
    """derived.read_replicas, derived.replica_source and derived.global_members of DB clusters.

    global_members lists the *other* clusters of the cluster's Aurora global database, with
    their Region and IsWriter; global_writer says whether this cluster is the writer (None when
    no member reports a writer, as during a failover, so callers assume it may be).
    """
    members_by_arn: dict[str, tuple[dict, list[dict]]] = {}
    for global_cluster in index.of_type("AWS::RDS::GlobalCluster"):
        members = global_cluster["properties"].get("GlobalClusterMembers") or []
        for member in members:
            members_by_arn[member.get("DBClusterArn", "")] = (global_cluster, members)
    for cluster in index.of_type("AWS::RDS::DBCluster"):
        props, region = cluster["properties"], cluster["region"]
        index.set_derived(cluster, "read_replicas", [_copy(i, region) for i in props.get("ReadReplicaIdentifiers") or []])
        source = props.get("ReplicationSourceIdentifier")
        index.set_derived(cluster, "replica_source", _copy(source, region) if source else None)
        found = members_by_arn.get(cluster.get("arn") or "")
        if found is None:
            problem = index.problem(cluster["account_id"], region, "AWS::RDS::GlobalCluster")
            if props.get("GlobalClusterIdentifier") and not problem:
                problem = f"global cluster {props['GlobalClusterIdentifier']} is not in the inventory"
            if problem:
                index.set_unknown(cluster, "global_members", problem)
                index.set_unknown(cluster, "global_writer", problem)
                continue
            index.set_derived(cluster, "global_members", [])
            index.set_derived(cluster, "global_writer", None)
            continue
        _, members = found
        others = [{"DBClusterArn": m.get("DBClusterArn"), "Region": arns.region_or(m.get("DBClusterArn", ""), region),
                   "IsWriter": bool(m.get("IsWriter")),
                   "CrossRegion": arns.region_or(m.get("DBClusterArn", ""), region) != region}
                  for m in members if m.get("DBClusterArn") != cluster.get("arn")]
        me = next(m for m in members if m.get("DBClusterArn") == cluster.get("arn"))
        index.set_derived(cluster, "global_members", others)
        index.set_derived(cluster, "global_writer",
                          bool(me.get("IsWriter")) if any(m.get("IsWriter") for m in members) else None)


def link_dynamodb_replicas(index: ResourceIndex) -> None:
    """derived.replica_regions: other Regions holding an ACTIVE replica of a (2019.11.21) global table."""
    for table in index.of_type("AWS::DynamoDB::Table"):
        problem = index.detail_problem(table, "Table")
        if problem:
            index.set_unknown(table, "replica_regions", problem)
            continue
        replicas = (table["properties"]["Table"] or {}).get("Replicas") or []
        regions = sorted({r.get("RegionName") for r in replicas
                          if r.get("ReplicaStatus") == "ACTIVE" and r.get("RegionName") not in (None, table["region"])})
        index.set_derived(table, "replica_regions", regions)


def link_replication_sources(index: ResourceIndex) -> None:
    """derived.replication_sources: buckets whose enabled replication rules copy into this bucket."""
    buckets = index.of_type("AWS::S3::Bucket")
    sources: dict[str, list[dict]] = {b["id"]: [] for b in buckets}
    problems: list[str] = []
    for bucket in buckets:
        problem = index.detail_problem(bucket, "ReplicationConfiguration")
        if problem:
            problems.append(problem)
            continue
        for rule in (bucket["properties"]["ReplicationConfiguration"] or {}).get("Rules") or []:
            if rule.get("Status") != "Enabled":
                continue
            target = arns.s3_bucket_name((rule.get("Destination") or {}).get("Bucket"))
            if target in sources and not any(s["Bucket"] == bucket["id"] for s in sources[target]):
                sources[target].append({"Bucket": bucket["id"], "Region": bucket["region"]})
    for bucket in buckets:
        found = [_with_cross_region(s, bucket["region"]) for s in sources[bucket["id"]]]
        if problems and not found:
            # A bucket whose configuration we could not read may be replicating into this one.
            index.set_unknown(bucket, "replication_sources", unknowns.join(problems[:3]))
        else:
            index.set_derived(bucket, "replication_sources", found)


def _with_cross_region(source: dict, region: str) -> dict:
    """A replication source with CrossRegion, or with why it is not known (either Region unknown)."""
    cross = other_region(source["Region"], region)
    if cross is None:
        return {**source, "_unavailable": {"CrossRegion": {"reason": "the Region of the source or destination "
                                                                     "bucket could not be read"}}}
    return {**source, "CrossRegion": cross}


def link_volume_attachments(index: ResourceIndex) -> None:
    """derived.attached_instances: the instances a volume is attached to, with their Auto Scaling group."""
    instances = {(r["account_id"], r["region"], r["id"]): r for r in index.of_type("AWS::EC2::Instance")}
    for volume in index.of_type("AWS::EC2::Volume"):
        attached = []
        missing = []
        for attachment in volume["properties"].get("Attachments") or []:
            instance = instances.get((volume["account_id"], volume["region"], attachment.get("InstanceId")))
            if instance is None:
                missing.append(str(attachment.get("InstanceId")))
                continue
            attached.append({"InstanceId": instance["id"],
                             "AutoScalingGroupName": instance["tags"].get("aws:autoscaling:groupName")})
        if missing:
            problem = index.problem(volume["account_id"], volume["region"], "AWS::EC2::Instance")
            index.set_unknown(volume, "attached_instances", problem or f"instance(s) {', '.join(missing)} not collected")
            continue
        index.set_derived(volume, "attached_instances", attached)


LINKERS = (
    Linker(
        name="rds-instance-replicas",
        provides={"AWS::RDS::DBInstance": ("read_replicas", "replica_source")},
        reads={"AWS::RDS::DBInstance": ()},
        link=link_rds_instance_replicas,
    ),
    Linker(
        name="rds-cluster-replicas",
        provides={"AWS::RDS::DBCluster": ("read_replicas", "replica_source", "global_members", "global_writer")},
        reads={"AWS::RDS::DBCluster": (), "AWS::RDS::GlobalCluster": ()},
        link=link_rds_cluster_replicas,
    ),
    Linker(
        name="dynamodb-replica-regions",
        provides={"AWS::DynamoDB::Table": ("replica_regions",)},
        reads={"AWS::DynamoDB::Table": ("Table",)},
        link=link_dynamodb_replicas,
    ),
    Linker(
        name="s3-replication-sources",
        provides={"AWS::S3::Bucket": ("replication_sources",)},
        reads={"AWS::S3::Bucket": ("ReplicationConfiguration",)},
        link=link_replication_sources,
    ),
    Linker(
        name="ec2-volume-attachments",
        provides={"AWS::EC2::Volume": ("attached_instances",)},
        reads={"AWS::EC2::Instance": (), "AWS::EC2::Volume": ()},
        link=link_volume_attachments,
    ),
)
