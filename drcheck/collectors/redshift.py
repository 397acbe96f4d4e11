"""Redshift provisioned clusters (snapshot retention, cross-Region snapshot copy, Multi-AZ)."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::Redshift::Cluster",
        recovery_role="stateful",
        service="redshift",
        list_operation="DescribeClusters",
        list_permission="redshift:DescribeClusters",
        result_key="Clusters",
        id_field="ClusterIdentifier",
        arn_template="arn:{partition}:redshift:{region}:{account_id}:cluster:{ClusterIdentifier}",
        tags_field="Tags",
    ),
)
