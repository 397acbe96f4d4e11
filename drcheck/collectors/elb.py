"""Classic Load Balancers (the original Elastic Load Balancing API, service `elb`)."""

from drcheck.collectors.spec import Collector, Detail

COLLECTORS = (
    Collector(
        resource_type="AWS::ElasticLoadBalancing::LoadBalancer",
        recovery_role="stateless",
        service="elb",
        list_operation="DescribeLoadBalancers",
        list_permission="elasticloadbalancing:DescribeLoadBalancers",
        result_key="LoadBalancerDescriptions",
        id_field="LoadBalancerName",
        arn_template="arn:{partition}:elasticloadbalancing:{region}:{account_id}:loadbalancer/{LoadBalancerName}",
        tags_field="Tags",
        details=(
            Detail(
                key="LoadBalancerAttributes",
                operation="DescribeLoadBalancerAttributes",
                permission="elasticloadbalancing:DescribeLoadBalancerAttributes",
                params={"LoadBalancerName": "LoadBalancerName"},
                result="LoadBalancerAttributes",
            ),
            # Health of each registered instance; the instances' zones come from EC2.
            Detail(
                key="InstanceStates",
                operation="DescribeInstanceHealth",
                permission="elasticloadbalancing:DescribeInstanceHealth",
                params={"LoadBalancerName": "LoadBalancerName"},
                result="InstanceStates",
            ),
            Detail(
                key="Tags",
                operation="DescribeTags",
                permission="elasticloadbalancing:DescribeTags",
                params={"LoadBalancerNames": "[LoadBalancerName]"},
                result="TagDescriptions[0].Tags",
                always=True,
            ),
        ),
    ),
)
