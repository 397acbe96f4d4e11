"""EC2 Auto Scaling groups."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    Collector(
        resource_type="AWS::AutoScaling::AutoScalingGroup",
        recovery_role="stateless",
        service="autoscaling",
        list_operation="DescribeAutoScalingGroups",
        list_permission="autoscaling:DescribeAutoScalingGroups",
        result_key="AutoScalingGroups",
        id_field="AutoScalingGroupName",
        arn_field="AutoScalingGroupARN",
        tags_field="Tags",
    ),
)
