"""Application Auto Scaling targets for DynamoDB tables and indexes (read and write capacity)."""

from drcheck.collectors.spec import Collector

COLLECTORS = (
    # DescribeScalableTargets needs a ServiceNamespace; drcheck only judges DynamoDB capacity, so
    # this lists the dynamodb namespace (ResourceId "table/<name>" or "table/<name>/index/<index>").
    Collector(
        resource_type="AWS::ApplicationAutoScaling::ScalableTarget",
        recovery_role="supporting",
        service="application-autoscaling",
        list_operation="DescribeScalableTargets",
        list_permission="application-autoscaling:DescribeScalableTargets",
        list_params={"ServiceNamespace": "dynamodb"},
        result_key="ScalableTargets",
        id_field="ScalableTargetARN",
        arn_field="ScalableTargetARN",
        name_field="ResourceId",
    ),
)
