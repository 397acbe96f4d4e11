"""MemoryDB clusters, with their shards (ShowShardDetails) so replicas per shard can be counted."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::MemoryDB::Cluster",
        recovery_role="stateful",
        service="memorydb",
        list_operation="DescribeClusters",
        list_permission="memorydb:DescribeClusters",
        list_params={"ShowShardDetails": True},
        result_key="Clusters",
        id_field="Name",
        arn_field="ARN",
        tags_field="Tags",
        details=(
            Detail(
                key="Tags",
                operation="ListTags",
                permission="memorydb:ListTags",
                params={"ResourceArn": "ARN"},
                result="TagList",
                always=True,
            ),
        ),
    ),
)
