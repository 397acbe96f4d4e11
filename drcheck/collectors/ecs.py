"""ECS clusters and their services. ListServices returns ARNs only; DescribeServices is called per
service (it accepts ten at a time, but the runner's detail calls are per resource)."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::ECS::Cluster",
        recovery_role="supporting",
        service="ecs",
        list_operation="ListClusters",
        list_permission="ecs:ListClusters",
        result_key="clusterArns",
        item_name="clusterArn",
        id_field="clusterArn",
        arn_field="clusterArn",
    ),
    Collector(
        resource_type="AWS::ECS::Service",
        recovery_role="stateless",
        service="ecs",
        parent="AWS::ECS::Cluster",
        parent_params={"cluster": "clusterArn"},
        list_operation="ListServices",
        list_permission="ecs:ListServices",
        result_key="serviceArns",
        item_name="serviceArn",
        id_field="serviceArn",
        arn_field="serviceArn",
        name_field="Service.serviceName",
        tags_field="Service.tags",
        details=(
            Detail(
                key="Service",
                operation="DescribeServices",
                permission="ecs:DescribeServices",
                params={"cluster": "cluster", "services": "[serviceArn]"},
                constant_params={"include": ["TAGS"]},
                result="services[0]",
                always=True,  # the service's name and tags
            ),
        ),
    ),
)
