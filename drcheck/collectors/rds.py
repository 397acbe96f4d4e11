"""RDS (and Aurora, Neptune, DocumentDB: they share the RDS API) instances and clusters."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::RDS::DBInstance",
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
        service="rds",
        list_operation="DescribeGlobalClusters",
        list_permission="rds:DescribeGlobalClusters",
        result_key="GlobalClusters",
        id_field="GlobalClusterIdentifier",
        arn_field="GlobalClusterArn",
        tags_field="TagList",
    ),
    # Automated backups RDS keeps for an instance, including those replicated into this Region
    # from another one (cross-Region automated-backup replication).
    Collector(
        resource_type="AWS::RDS::DBInstanceAutomatedBackup",
        service="rds",
        list_operation="DescribeDBInstanceAutomatedBackups",
        list_permission="rds:DescribeDBInstanceAutomatedBackups",
        result_key="DBInstanceAutomatedBackups",
        id_field="DbiResourceId",
        arn_field="DBInstanceAutomatedBackupsArn",
        name_field="DBInstanceIdentifier",
    ),
)
