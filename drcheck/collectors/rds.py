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
)
