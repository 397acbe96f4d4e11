"""DMS replication instances and DMS Serverless replication configurations."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::DMS::ReplicationInstance",
        recovery_role="supporting",
        service="dms",
        list_operation="DescribeReplicationInstances",
        list_permission="dms:DescribeReplicationInstances",
        result_key="ReplicationInstances",
        id_field="ReplicationInstanceIdentifier",
        arn_field="ReplicationInstanceArn",
    ),
    Collector(
        resource_type="AWS::DMS::ReplicationConfig",
        recovery_role="supporting",
        service="dms",
        list_operation="DescribeReplicationConfigs",
        list_permission="dms:DescribeReplicationConfigs",
        result_key="ReplicationConfigs",
        paginate=False,  # no botocore paginator; one page of up to 100 configurations
        id_field="ReplicationConfigIdentifier",
        arn_field="ReplicationConfigArn",
    ),
)
