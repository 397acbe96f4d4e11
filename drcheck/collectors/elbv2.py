"""Application, Network and Gateway Load Balancers (ELBv2) and their target groups."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
        recovery_role="stateless",
        service="elbv2",
        list_operation="DescribeLoadBalancers",
        list_permission="elasticloadbalancing:DescribeLoadBalancers",
        result_key="LoadBalancers",
        id_field="LoadBalancerName",
        arn_field="LoadBalancerArn",
        tags_field="Tags",
        details=(
            # deletion_protection.enabled, load_balancing.cross_zone.enabled, ... as Key/Value pairs.
            Detail(
                key="Attributes",
                operation="DescribeLoadBalancerAttributes",
                permission="elasticloadbalancing:DescribeLoadBalancerAttributes",
                params={"LoadBalancerArn": "LoadBalancerArn"},
                result="Attributes",
            ),
            Detail(
                key="Tags",
                operation="DescribeTags",
                permission="elasticloadbalancing:DescribeTags",
                params={"ResourceArns": "[LoadBalancerArn]"},
                result="TagDescriptions[0].Tags",
                always=True,
            ),
        ),
    ),
    Collector(
        resource_type="AWS::ElasticLoadBalancingV2::TargetGroup",
        recovery_role="supporting",
        service="elbv2",
        list_operation="DescribeTargetGroups",
        list_permission="elasticloadbalancing:DescribeTargetGroups",
        result_key="TargetGroups",
        id_field="TargetGroupName",
        arn_field="TargetGroupArn",
        tags_field="Tags",
        details=(
            Detail(
                key="TargetHealthDescriptions",
                operation="DescribeTargetHealth",
                permission="elasticloadbalancing:DescribeTargetHealth",
                params={"TargetGroupArn": "TargetGroupArn"},
                result="TargetHealthDescriptions",
            ),
            Detail(
                key="Tags",
                operation="DescribeTags",
                permission="elasticloadbalancing:DescribeTags",
                params={"ResourceArns": "[TargetGroupArn]"},
                result="TagDescriptions[0].Tags",
                always=True,
            ),
        ),
    ),
)
