"""ElastiCache (Redis OSS / Valkey) replication groups and serverless caches."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::ElastiCache::ReplicationGroup",
        recovery_role="stateful",
        service="elasticache",
        list_operation="DescribeReplicationGroups",
        list_permission="elasticache:DescribeReplicationGroups",
        result_key="ReplicationGroups",
        id_field="ReplicationGroupId",
        arn_field="ARN",
        tags_field="Tags",
        details=(
            Detail(
                key="Tags",
                operation="ListTagsForResource",
                permission="elasticache:ListTagsForResource",
                params={"ResourceName": "ARN"},
                result="TagList",
                always=True,
            ),
        ),
    ),
    Collector(
        resource_type="AWS::ElastiCache::ServerlessCache",
        recovery_role="stateful",
        service="elasticache",
        list_operation="DescribeServerlessCaches",
        list_permission="elasticache:DescribeServerlessCaches",
        result_key="ServerlessCaches",
        id_field="ServerlessCacheName",
        arn_field="ARN",
        tags_field="Tags",
        details=(
            Detail(
                key="Tags",
                operation="ListTagsForResource",
                permission="elasticache:ListTagsForResource",
                params={"ResourceName": "ARN"},
                result="TagList",
                always=True,
            ),
        ),
    ),
)
