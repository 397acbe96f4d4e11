"""EKS clusters and their managed node groups."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::EKS::Cluster",
        recovery_role="stateless",
        service="eks",
        list_operation="ListClusters",
        list_permission="eks:ListClusters",
        result_key="clusters",
        item_name="name",
        id_field="name",
        arn_template="arn:{partition}:eks:{region}:{account_id}:cluster/{name}",
    ),
    Collector(
        resource_type="AWS::EKS::Nodegroup",
        recovery_role="stateless",
        service="eks",
        parent="AWS::EKS::Cluster",
        parent_params={"clusterName": "name"},
        list_operation="ListNodegroups",
        list_permission="eks:ListNodegroups",
        result_key="nodegroups",
        item_name="nodegroupName",
        id_field="nodegroupName",
        arn_field="nodegroup.nodegroupArn",
        tags_field="nodegroup.tags",
        details=(
            Detail(
                key="nodegroup",
                operation="DescribeNodegroup",
                permission="eks:DescribeNodegroup",
                params={"clusterName": "clusterName", "nodegroupName": "nodegroupName"},
                result="nodegroup",
                always=True,  # the node group's ARN and tags
            ),
        ),
    ),
)
