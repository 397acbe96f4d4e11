"""DynamoDB Accelerator (DAX) clusters and the zones their nodes run in."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::DAX::Cluster",
        recovery_role="stateless",
        service="dax",
        list_operation="DescribeClusters",
        list_permission="dax:DescribeClusters",
        result_key="Clusters",
        id_field="ClusterName",
        arn_field="ClusterArn",
        tags_field="Tags",
        details=(
            Detail(
                key="Tags",
                operation="ListTags",
                permission="dax:ListTags",
                params={"ResourceName": "ClusterArn"},
                result="Tags",
                paginate=True,
                always=True,
            ),
        ),
    ),
)
