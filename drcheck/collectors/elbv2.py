"""Application, Network and Gateway Load Balancers (ELBv2)."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
        service="elbv2",
        list_operation="DescribeLoadBalancers",
        list_permission="elasticloadbalancing:DescribeLoadBalancers",
        result_key="LoadBalancers",
        id_field="LoadBalancerName",
        arn_field="LoadBalancerArn",
        tags_field="Tags",
        details=(
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
)
