"""RDS (and Aurora, Neptune, DocumentDB: they share the RDS API) instances, clusters and backups."""

from drcheck.arns import region_of
from drcheck.collectors.spec import Collector


def global_cluster_region(properties: dict) -> str | None:
    """A global database is reported in its writer's Region (else its first member's).

    Its ARN has no Region and DescribeGlobalClusters answers with every global cluster of the
    account whatever endpoint is asked, so it is listed once per account like S3.
    """
    members = properties.get("GlobalClusterMembers") or []
    writer = next((m for m in members if m.get("IsWriter")), members[0] if members else None)
    return region_of(writer.get("DBClusterArn")) if writer else None


COLLECTORS = (
    Collector(
        resource_type="AWS::RDS::DBInstance",
        recovery_role="stateful",
        service="rds",
        list_operation="DescribeDBInstances",
        list_permission="rds:DescribeDBInstances",
        result_key="DBInstances",
        id_field="DBInstanceIdentifier",
        arn_field="DBInstanceArn",
        tags_field="TagList",
    ),
    Collector(
        resource_type="AWS::RDS::DBCluster",
        recovery_role="stateful",
        service="rds",
        list_operation="DescribeDBClusters",
        list_permission="rds:DescribeDBClusters",
        result_key="DBClusters",
        id_field="DBClusterIdentifier",
        arn_field="DBClusterArn",
        tags_field="TagList",
    ),
    Collector(
        resource_type="AWS::RDS::GlobalCluster",
        recovery_role="supporting",
        service="rds",
        scope="global",
        list_operation="DescribeGlobalClusters",
        list_permission="rds:DescribeGlobalClusters",
        result_key="GlobalClusters",
        id_field="GlobalClusterIdentifier",
        arn_field="GlobalClusterArn",
        tags_field="TagList",
        region_of=global_cluster_region,
    ),
    # Automated backups RDS keeps for an instance, including those replicated into this Region
    # from another one (cross-Region automated-backup replication).
    Collector(
        resource_type="AWS::RDS::DBInstanceAutomatedBackup",
        recovery_role="supporting",
        service="rds",
        list_operation="DescribeDBInstanceAutomatedBackups",
        list_permission="rds:DescribeDBInstanceAutomatedBackups",
        result_key="DBInstanceAutomatedBackups",
        id_field="DbiResourceId",
        arn_field="DBInstanceAutomatedBackupsArn",
        name_field="DBInstanceIdentifier",
    ),
    # Snapshots owned by the account: automated, manual and AWS Backup ones (SnapshotType), and
    # copies from other Regions (SourceRegion). Shared and public snapshots are not listed.
    Collector(
        resource_type="AWS::RDS::DBSnapshot",
        recovery_role="supporting",
        service="rds",
        list_operation="DescribeDBSnapshots",
        list_permission="rds:DescribeDBSnapshots",
        result_key="DBSnapshots",
        id_field="DBSnapshotIdentifier",
        arn_field="DBSnapshotArn",
        tags_field="TagList",
    ),
    Collector(
        resource_type="AWS::RDS::DBClusterSnapshot",
        recovery_role="supporting",
        service="rds",
        list_operation="DescribeDBClusterSnapshots",
        list_permission="rds:DescribeDBClusterSnapshots",
        result_key="DBClusterSnapshots",
        id_field="DBClusterSnapshotIdentifier",
        arn_field="DBClusterSnapshotArn",
        tags_field="TagList",
    ),
)
